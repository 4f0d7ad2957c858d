"""The gateway's use of the guard: screen the prompt, refuse blocked ones, feed the risk score.

With GUARD_LLM_JUDGE_MODEL set, the screen also asks the LLM judge (a registry model) on the
event loop, through that model's deployments and provider modules, within
GUARD_LLM_JUDGE_TIMEOUT_SECONDS. The judge's call is the gateway's own: it is not screened again,
not counted against the caller's limits, and leaves its own usage record (endpoint
`guard_judge`, request id `<caller's request id>.guard_judge`) so operators see what it costs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.conf import settings

from proxy.guard.detectors.llm_judge import judge_ask
from proxy.guard.pipeline import guard_judge_slot
from proxy.providers import get_provider
from proxy.providers.base import ChatRequest, Message, ProviderError, Usage
from proxy.registry import aregistry_snapshot
from proxy.routing import deployment_target, route_order, route_report_failure, route_report_success
from proxy.services.loop import background_run, call_cached
from proxy.services.refusal import GatewayRejected
from proxy.tokens import estimate_text_tokens
from usage.services import UsageRecordData, usage_cost, usage_record_submit

logger = logging.getLogger("guardflow.guard")

# Screen what the people (and tools) said, newest first, up to this many characters: the guard's
# cost is linear in its input, and an attack that matters is in what was just sent.
SCREEN_MAX_CHARS = 16_000


def _screen_text(call) -> str:
    parts: list[str] = []
    size = 0
    for message in reversed(call.parsed.request.messages):
        if message.role not in ("user", "tool", "system"):
            continue
        text = message.text()
        parts.append(text)
        size += len(text)
        if size >= SCREEN_MAX_CHARS:
            break
    return "\n".join(reversed(parts))[-SCREEN_MAX_CHARS:]


def _guard_task(task):
    from proxy.guard.services import GuardTask

    if task is None:
        return None
    return GuardTask(
        id=task.id, name=task.name, description=task.description, allowed_intents=task.allowed_intents
    )


async def screen(*, call, task):
    """The guard's verdict; pure CPU on the loop except when its policy copy must be reloaded
    (and, when a judge is configured, the judge's upstream call)."""
    if not settings.GUARD_ENABLED:
        return None
    if settings.GUARD_LLM_JUDGE_MODEL:
        return await _screen_judged(call=call, task=task)
    from proxy.guard.services import guard_screen

    return await call_cached(
        guard_screen, text=_screen_text(call), task=_guard_task(task), user_id=call.principal.user_id
    )


# --- the optional LLM judge ----------------------------------------------------------------

JUDGE_ENDPOINT = "guard_judge"
JUDGE_MAX_TOKENS = 20  # "unsafe\nS1,S10" is a handful of tokens; cap what a chatty model costs


async def _screen_judged(*, call, task):
    """Screen, ask the judge when the prompt is in scope, screen again with its answer folded
    in (the default detector's findings are reused, not recomputed)."""
    from proxy.guard.services import guard_screen

    text = _screen_text(call)
    kwargs = {"text": text, "task": _guard_task(task), "user_id": call.principal.user_id}
    with guard_judge_slot() as slot:
        verdict = await call_cached(guard_screen, **kwargs)
        if not _judge_wanted(verdict):
            return verdict
        slot.judgement = await _judge(call=call, text=text)
        slot.asked = True
        verdict = await call_cached(guard_screen, **kwargs)
    return _fail_closed(verdict)


def _judge_wanted(verdict) -> bool:
    if "allow_listed" in verdict.notes:  # operators already decided: the judge cannot change it
        return False
    if settings.GUARD_LLM_JUDGE_SCOPE != "uncertain":
        return True
    return settings.GUARD_LLM_JUDGE_BAND_LOW <= verdict.max_score < settings.GUARD_LLM_JUDGE_BAND_HIGH


def _fail_closed(verdict):
    """With GUARD_LLM_JUDGE_FAIL_CLOSED, an unjudged prompt the default detector allowed is
    flagged (sent on, queued for review) but adds no risk points: a judge outage must not push
    every active user towards an automatic block."""
    if not settings.GUARD_LLM_JUDGE_FAIL_CLOSED or verdict.verdict != "allow":
        return verdict
    if "judge_unavailable" not in verdict.notes:
        return verdict
    return dataclasses.replace(verdict, verdict="flag", notes=(*verdict.notes, "judge_fail_closed"))


async def _judge(*, call, text: str):
    judge_call = _JudgeCall(call=call)
    try:
        judgement = await judge_ask(
            text=text,
            model_name=settings.GUARD_LLM_JUDGE_MODEL,
            acomplete=judge_call.complete,
            timeout=settings.GUARD_LLM_JUDGE_TIMEOUT_SECONDS,
        )
    except asyncio.CancelledError:
        judge_call.record(cancelled=True)
        raise
    judge_call.record(unreadable=judgement is None)
    return judgement


@dataclasses.dataclass
class _JudgeCall:
    """One upstream call of the judge for one gateway request, and its usage record."""

    call: object  # proxy.services.gateway.GatewayCall
    model: object | None = None  # proxy.registry.ModelEntry
    entry: object | None = None  # proxy.registry.DeploymentEntry that answered (or failed last)
    usage: Usage | None = None
    error: ProviderError | None = None
    started: float = dataclasses.field(default_factory=time.perf_counter)

    async def complete(self, model_name: str, messages: list[dict], timeout: float) -> str:
        """The judge's answer from the registry model, falling back across its deployments on
        retryable failures (the overall timeout is enforced by `judge_ask`)."""
        snapshot = await aregistry_snapshot()
        model = snapshot.models.get(model_name)
        if model is None or not model.deployments:
            raise LookupError("the judge model is not in the registry or has no enabled deployment")
        self.model = model
        request = ChatRequest(
            model="",
            messages=[Message(role=m["role"], content=m["content"]) for m in messages],
            max_tokens=JUDGE_MAX_TOKENS,
            temperature=0.0,
        )
        for entry in route_order(model.deployments):
            self.entry, self.error = entry, None  # a timeout now is this attempt's, not an earlier error
            try:
                result = await get_provider(entry.provider).complete(
                    deployment_target(entry), dataclasses.replace(request, model=entry.upstream_model)
                )
            except ProviderError as exc:
                self.error = exc
                route_report_failure(entry)
                if exc.retryable:
                    continue
                raise
            route_report_success(entry)
            self.usage = result.usage or _estimated_usage(messages, result.content)
            return result.content
        raise self.error or LookupError("no deployment answered")

    def record(self, *, cancelled: bool = False, unreadable: bool = False) -> None:
        """The judge call's usage record (a non-blocking enqueue). No user on it: it is the
        gateway's cost, not the caller's spend; the request id ties it to the caller's record."""
        if self.model is None:
            return  # misconfigured judge model: logged by judge_ask, nothing was called
        status, http_status, error_code = self._outcome(cancelled=cancelled, unreadable=unreadable)
        usage = self.usage or Usage(input_tokens=0, output_tokens=0)
        entry = self.entry
        usage_record_submit(
            UsageRecordData(
                request_id=f"{self.call.request_id[:110]}.{JUDGE_ENDPOINT}",
                model_name=self.model.name,
                provider=entry.provider if entry else "",
                deployment_id=entry.id if entry else None,
                upstream_model=entry.upstream_model if entry else "",
                endpoint=JUDGE_ENDPOINT,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                usage_estimated=usage.estimated,
                cost_usd=self._cost(usage),
                latency_ms=int((time.perf_counter() - self.started) * 1000),
                http_status=http_status,
                status=status,
                error_code=error_code,
            )
        )

    def _outcome(self, *, cancelled: bool, unreadable: bool) -> tuple[str, int, str]:
        if self.usage is not None:  # it answered (in time: otherwise usage is unknown here)
            return "success", 200, "judge_unreadable" if unreadable else ""
        if self.error is not None:
            return "upstream_error", self.error.status, self.error.code
        if cancelled:
            return "client_closed", 499, ""
        return "upstream_error", 504, "judge_timeout"

    def _cost(self, usage: Usage) -> Decimal:
        return usage_cost(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            input_price_per_mtok=self.model.input_price_per_mtok,
            output_price_per_mtok=self.model.output_price_per_mtok,
        )


def _estimated_usage(messages: list[dict], answer: str) -> Usage:
    prompt_tokens = sum(estimate_text_tokens(m["content"]) for m in messages)
    return Usage(input_tokens=prompt_tokens, output_tokens=estimate_text_tokens(answer), estimated=True)


def raise_if_blocked(verdict) -> None:
    if verdict is None or verdict.verdict != "block":
        return
    raise GatewayRejected(
        f"This request was blocked by the usage policy (category: {verdict.top_category}).",
        code="policy_violation",
        status=403,
        error_type="permission_error",
        usage_status="rejected_guard",
    )


def annotate(data, verdict) -> None:
    """Copy the guard's findings onto the usage record."""
    if verdict is None:
        return
    data.intent = verdict.intent
    data.intent_confidence = verdict.intent_confidence
    data.risk_categories = dict(verdict.categories)
    data.risk_score = max(verdict.categories.values(), default=0.0)
    data.deviation = verdict.deviation
    data.verdict = verdict.verdict
    data.flagged = verdict.verdict != "allow"


def record_outcome(*, call, verdict, http_status: int) -> None:
    """Feed the per-user risk score off the request path (it may write to the database).
    On the event loop a clean request is only counted in memory (proxy.guard.rate); requests
    that add risk points are recorded in a worker thread after the response."""
    if verdict is None:
        return
    from proxy.guard.rate import rate_counter_for_this_loop
    from proxy.guard.services import guard_outcome_is_clean, guard_record_outcome

    kwargs = {"user_id": call.principal.user_id, "verdict": verdict, "request_id": call.request_id}
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no running loop: a sync caller (Celery); do it inline
        guard_record_outcome(**kwargs, http_status=http_status)
        return
    counter = rate_counter_for_this_loop()
    if counter is not None:
        minute = int(time.time() // 60)
        counter.count(user_id=call.principal.user_id, minute=minute, request_id=call.request_id)
        if guard_outcome_is_clean(verdict, http_status):
            return
    job = sync_to_async(guard_record_outcome, thread_sensitive=False)
    outcome = job(**kwargs, http_status=http_status, rate_counted=counter is not None)
    background_run(outcome, what="guard outcome recording")
