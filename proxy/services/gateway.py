"""The one path to a model (DESIGN §1 rule 1).

authenticated principal → admit (scope, model, task, capabilities, guard, limits) → route →
provider → settle → usage record. The proxy endpoints, chats and workflow steps all come through
here, so quotas, misuse checks and accounting cannot be bypassed.

Every request that gets as far as a known caller leaves exactly one usage record, whatever
happens: success, refusal, upstream failure, or a client that walks away mid-stream.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from guardflow_site.errors import GuardflowError
from proxy.formats import ParsedChatRequest
from proxy.limits.policy import tokens_to_reserve, usd_to_cost_units
from proxy.providers import get_provider
from proxy.providers.base import ChatResult, ProviderError, StreamChunk, ToolCall, Usage
from proxy.registry import ModelEntry, RegistrySnapshot, TaskEntry, aregistry_snapshot
from proxy.routing import deployment_target, route_order, route_report_failure, route_report_success
from proxy.services import guard_bridge, limits_bridge
from proxy.services.loop import background_run
from proxy.services.refusal import GatewayRejected
from proxy.tokens import estimate_input_tokens, estimate_text_tokens, input_token_bound
from usage.services import UsageRecordData, email_hash, usage_cost, usage_record_submit

logger = logging.getLogger("guardflow.gateway")


@dataclass
class GatewayCall:
    """One request to the gateway, as the interface layer hands it over."""

    principal: object  # accounts.principal.Principal
    parsed: ParsedChatRequest
    endpoint: str  # "chat.completions" | "messages" | "chat" | "workflow"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    client_ip: str | None = None
    started: float = field(default_factory=time.perf_counter)


@dataclass
class Admission:
    """A request that passed every check and holds a reservation: it must be settled."""

    call: GatewayCall
    model: ModelEntry
    task: TaskEntry | None
    verdict: object | None  # proxy.guard GuardVerdict
    reservation: object  # proxy.limits Reservation
    input_estimate: int
    rate_headers: dict[str, str]


@dataclass
class Outcome:
    """What the interface layer needs to answer after a non-streamed call."""

    result: ChatResult
    usage: Usage
    cost_usd: Decimal
    rate_headers: dict[str, str]


# --- admission -----------------------------------------------------------------------------


def _resolve_model(snapshot: RegistrySnapshot, call: GatewayCall) -> ModelEntry:
    name = call.parsed.model_name
    model = snapshot.models.get(name)
    if model is None or not model.deployments:
        raise GatewayRejected(
            f"The model '{name}' does not exist or you do not have access to it.",
            code="model_not_found",
            status=404,
            param="model",
            usage_status="invalid_request",
        )
    allowed = call.principal.allowed_models
    if allowed is not None and name not in allowed:
        raise GatewayRejected(
            f"This API token may not use the model '{name}'.",
            code="model_not_allowed",
            status=403,
            param="model",
            usage_status="rejected_auth",
        )
    return model


def _resolve_task(snapshot: RegistrySnapshot, call: GatewayCall) -> TaskEntry | None:
    principal = call.principal
    task_id = call.parsed.task_id or principal.bound_task_id
    if task_id is None:
        return None
    bound = principal.bound_task_id
    if bound is not None and call.parsed.task_id is not None and call.parsed.task_id != bound:
        raise GatewayRejected(
            "This API token is bound to another task.",
            code="task_not_allowed",
            status=403,
            param="task_id",
            usage_status="rejected_auth",
        )
    task = snapshot.tasks.get(task_id)
    if task is None or not task.is_active:
        raise GatewayRejected(
            f"Unknown or inactive task {task_id}.",
            code="unknown_task",
            status=400,
            param="task_id",
            usage_status="invalid_request",
        )
    if not task.is_assigned_to(principal.user_id):
        raise GatewayRejected(
            f"The task {task_id} is not assigned to you.",
            code="task_not_assigned",
            status=403,
            param="task_id",
            usage_status="rejected_auth",
        )
    return task


def _check_capabilities(model: ModelEntry, call: GatewayCall, input_estimate: int) -> None:
    request = call.parsed.request
    problems = [
        (call.parsed.stream and not model.supports_streaming, "stream", "does not support streaming"),
        (bool(request.tools) and not model.supports_tools, "tools", "does not support tools"),
        (_has_images(call) and not model.supports_vision, "messages", "does not accept images"),
    ]
    for failed, param, text in problems:
        if failed:
            raise GatewayRejected(
                f"The model '{model.name}' {text}.",
                code="unsupported_capability",
                status=400,
                param=param,
                usage_status="invalid_request",
            )
    wanted = input_estimate + (request.max_tokens or 0)
    if wanted > model.context_window:
        raise GatewayRejected(
            f"This request needs about {wanted} tokens; the model '{model.name}' has a context window "
            f"of {model.context_window}.",
            code="context_length_exceeded",
            status=400,
            param="messages",
            usage_status="invalid_request",
        )


def _has_images(call: GatewayCall) -> bool:
    return any(
        isinstance(m.content, list) and any(p.type == "image" for p in m.content)
        for m in call.parsed.request.messages
    )


def _cost(model: ModelEntry, input_tokens: int, output_tokens: int) -> Decimal:
    return usage_cost(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        input_price_per_mtok=model.input_price_per_mtok,
        output_price_per_mtok=model.output_price_per_mtok,
    )


async def gateway_admit(call: GatewayCall) -> Admission:
    """Every check before the upstream call. Refusals are recorded and raised as GuardflowError."""
    model: ModelEntry | None = None
    task: TaskEntry | None = None
    verdict = None
    try:
        snapshot = await aregistry_snapshot()
        model = _resolve_model(snapshot, call)
        task = _resolve_task(snapshot, call)
        input_estimate = estimate_input_tokens(call.parsed.request)
        _check_capabilities(model, call, input_estimate)
        verdict = await guard_bridge.screen(call=call, task=task)
        guard_bridge.raise_if_blocked(verdict)
        # Quotas reserve the bound, not the estimate: with max_tokens set, no mix of concurrent
        # requests can then settle past a quota, whatever the upstream's tokeniser counts.
        input_bound = input_token_bound(call.parsed.request)
        reserved_tokens = tokens_to_reserve(
            input_tokens=input_bound,
            max_tokens=call.parsed.request.max_tokens,
            cap=model.max_output_tokens,
        )
        reserved_cost = _cost(model, input_bound, reserved_tokens - input_bound)
        reservation, rate_headers = await limits_bridge.reserve(
            call=call,
            model_name=model.name,
            tokens=reserved_tokens,
            cost_units=usd_to_cost_units(reserved_cost, round_up=True),
        )
    except GuardflowError as exc:
        _record_refusal(call, model=model, task=task, verdict=verdict, error=exc)
        raise
    except asyncio.CancelledError:
        # The client went away during admission (a slow LLM judge, a reserve round trip): the
        # caller is known, so the request still leaves its record. A reservation in flight is
        # the ledger's to undo (RedisLedger settles such an orphan at zero when it lands).
        _record_client_gone(call, model=model, task=task, verdict=verdict)
        raise
    return Admission(
        call=call,
        model=model,
        task=task,
        verdict=verdict,
        reservation=reservation,
        input_estimate=input_estimate,
        rate_headers=rate_headers,
    )


# --- upstream ------------------------------------------------------------------------------


def _with_upstream_model(admission: Admission, upstream_model: str):
    from dataclasses import replace

    return replace(admission.call.parsed.request, model=upstream_model)


def _all_failed(last: ProviderError | None) -> GuardflowError:
    if last is None:
        return GuardflowError("No deployment is available for this model.", code="no_deployment", status=503)
    return GuardflowError(last.message, code=last.code, status=last.status)  # the type follows the status


async def gateway_complete(admission: Admission) -> Outcome:
    """A non-streamed answer, falling back across deployments on retryable failures."""
    last_error: ProviderError | None = None
    tried = None  # the last deployment that failed: the record names it
    for entry in route_order(admission.model.deployments):
        provider = get_provider(entry.provider)
        tried = entry
        try:
            result = await provider.complete(
                deployment_target(entry), _with_upstream_model(admission, entry.upstream_model)
            )
        except ProviderError as exc:
            last_error = exc
            route_report_failure(entry)
            if exc.retryable:
                continue
            break
        except asyncio.CancelledError:
            await _finish(admission, status="client_closed", http_status=499, deployment=entry)
            raise
        route_report_success(entry)
        usage = result.usage or _estimated_usage(admission, result.content, result.tool_calls)
        cost = await _finish(
            admission,
            settle_later=True,
            status="success",
            http_status=200,
            deployment=entry,
            usage=usage,
            result=result,
        )
        return Outcome(result=result, usage=usage, cost_usd=cost, rate_headers=admission.rate_headers)
    error = _all_failed(last_error)
    await _finish(
        admission,
        status="upstream_error",
        http_status=error.status_code,
        error_code=error.code,
        deployment=tried,
    )
    raise error


class GatewayStream:
    """A streamed answer. `open()` reaches the first upstream chunk (falling back across
    deployments until then); after that, chunks flow straight through and there is no retry.
    Iterating it always ends in exactly one settle and one usage record, including when the
    client goes away (the ASGI handler closes the iterator, and `finally` runs)."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission
        self.first_chunk: StreamChunk | None = None
        self.usage: Usage | None = None
        self.cost_usd = Decimal(0)
        self._iterator: AsyncIterator[StreamChunk] | None = None
        self._entry = None
        self._text_parts: list[str] = []
        self._tool_chars = 0
        self._ttft_ms: int | None = None
        self._finished = False

    async def open(self) -> None:
        last_error: ProviderError | None = None
        tried = None
        for entry in route_order(self.admission.model.deployments):
            provider = get_provider(entry.provider)
            tried = entry
            request = _with_upstream_model(self.admission, entry.upstream_model)
            iterator = provider.stream(deployment_target(entry), request).__aiter__()
            try:
                first = await iterator.__anext__()
            except StopAsyncIteration:
                first = StreamChunk(finish_reason="stop")
            except ProviderError as exc:
                last_error = exc
                route_report_failure(entry)
                if exc.retryable:
                    continue
                break
            except asyncio.CancelledError:
                self._entry = entry
                await self._finish("client_closed", 499)
                raise
            route_report_success(entry)
            self._entry, self._iterator, self.first_chunk = entry, iterator, first
            self._ttft_ms = _elapsed_ms(self.admission.call.started)
            return
        error = _all_failed(last_error)
        await _finish(
            self.admission,
            status="upstream_error",
            http_status=error.status_code,
            error_code=error.code,
            deployment=tried,
        )
        self._finished = True
        raise error

    def _track(self, chunk: StreamChunk) -> None:
        if chunk.text:
            self._text_parts.append(chunk.text)
        for delta in chunk.tool_calls:
            self._tool_chars += len(delta.arguments) + len(delta.name or "")
        if chunk.usage is not None:
            self.usage = chunk.usage

    async def chunks(self) -> AsyncIterator[StreamChunk]:
        """The chunks, first one included. Raises ProviderError mid-stream (not retried)."""
        status, http_status, error_code = "client_closed", 499, ""
        try:
            chunk = self.first_chunk
            while chunk is not None:
                self._track(chunk)
                yield chunk
                chunk = await self._next()
            status, http_status = "success", 200
        except ProviderError as exc:
            status, http_status, error_code = "upstream_error", exc.status, exc.code
            raise
        finally:
            await asyncio.shield(self._finish(status, http_status, error_code))

    async def _next(self) -> StreamChunk | None:
        try:
            return await self._iterator.__anext__()
        except StopAsyncIteration:
            return None

    def final_usage(self) -> Usage:
        if self.usage is not None:
            return self.usage
        text = "".join(self._text_parts)
        return Usage(
            input_tokens=self.admission.input_estimate,
            output_tokens=estimate_text_tokens(text) + (self._tool_chars + 3) // 4,
            estimated=True,
        )

    async def abandon(self) -> None:
        """Settle and record a stream whose chunks were never (fully) read — the client went
        away before the first chunk was taken. A no-op once `chunks()` has finished it."""
        await asyncio.shield(self._finish("client_closed", 499))

    async def _finish(self, status: str, http_status: int, error_code: str = "") -> None:
        if self._finished:
            return
        self._finished = True
        if self._iterator is not None and hasattr(self._iterator, "aclose"):
            try:
                await self._iterator.aclose()
            except Exception:
                logger.debug("upstream stream close failed", exc_info=True)
        self.usage = self.final_usage()
        self.cost_usd = await _finish(
            self.admission,
            status=status,
            http_status=http_status,
            error_code=error_code,
            deployment=self._entry,
            usage=self.usage,
            ttft_ms=self._ttft_ms,
            response_text="".join(self._text_parts),
        )


def _estimated_usage(admission: Admission, text: str, tool_calls: list[ToolCall]) -> Usage:
    tool_tokens = sum(estimate_text_tokens(c.name) + estimate_text_tokens(c.arguments) for c in tool_calls)
    return Usage(
        input_tokens=admission.input_estimate,
        output_tokens=estimate_text_tokens(text) + tool_tokens,
        estimated=True,
    )


# --- settle and record ---------------------------------------------------------------------


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


async def _finish(
    admission: Admission,
    *,
    status: str,
    http_status: int,
    error_code: str = "",
    deployment=None,
    usage: Usage | None = None,
    result: ChatResult | None = None,
    ttft_ms: int | None = None,
    response_text: str | None = None,
    settle_later: bool = False,
) -> Decimal:
    """Submit the usage record, then settle the reservation with the real figures.

    The record goes first and synchronously (it is a non-blocking enqueue), so it exists whatever
    happens next. With `settle_later` the ledger round trip runs after the response is sent:
    it only corrects counters, and a settle lost to a process stop errs on the safe side (the
    estimate stays counted; a concurrency slot frees itself after the stale timeout)."""
    usage = usage or Usage(input_tokens=0, output_tokens=0)
    cost = _cost(admission.model, usage.input_tokens, usage.output_tokens)
    call = admission.call
    data = _record_data(
        call,
        model=admission.model,
        task=admission.task,
        verdict=admission.verdict,
        status=status,
        http_status=http_status,
        error_code=error_code,
    )
    data.deployment_id = deployment.id if deployment else None
    data.provider = deployment.provider if deployment else ""
    data.upstream_model = deployment.upstream_model if deployment else ""
    data.input_tokens, data.output_tokens = usage.input_tokens, usage.output_tokens
    data.usage_estimated = usage.estimated
    data.cost_usd = cost
    data.ttft_ms = ttft_ms
    if settings.USAGE_STORE_CONTENT:
        data.response_content = response_text if result is None else result.content
    usage_record_submit(data)
    guard_bridge.record_outcome(call=call, verdict=admission.verdict, http_status=http_status)
    settle = limits_bridge.settle(
        admission.reservation, tokens=usage.total_tokens, cost_units=usd_to_cost_units(cost, round_up=True)
    )
    if settle_later:
        background_run(settle, what="limits settle")
    else:
        await settle
    return cost


def _record_data(
    call: GatewayCall,
    *,
    model: ModelEntry | None,
    task: TaskEntry | None,
    verdict,
    status: str,
    http_status: int,
    error_code: str = "",
) -> UsageRecordData:
    principal = call.principal
    data = UsageRecordData(
        request_id=call.request_id,
        user_id=principal.user_id,
        token_id=principal.token_id,
        token_prefix=principal.token_prefix,
        email_hash=email_hash(principal.email),
        task_id=task.id if task else None,
        model_name=model.name if model else call.parsed.model_name[:120],
        endpoint=call.endpoint,
        latency_ms=_elapsed_ms(call.started),
        http_status=http_status,
        status=status,
        error_code=error_code,
        is_stream=call.parsed.stream,
        client_ip=call.client_ip,
    )
    guard_bridge.annotate(data, verdict)
    if settings.USAGE_STORE_CONTENT:
        data.prompt_content = "\n\n".join(m.text() for m in call.parsed.request.messages)
    return data


def _record_refusal(call: GatewayCall, *, model, task, verdict, error: GuardflowError) -> None:
    status = getattr(error, "usage_status", None) or (
        "rejected_limit" if error.status_code in (429, 503) else "invalid_request"
    )
    data = _record_data(
        call,
        model=model,
        task=task,
        verdict=verdict,
        status=status,
        http_status=error.status_code,
        error_code=error.code,
    )
    usage_record_submit(data)
    guard_bridge.record_outcome(call=call, verdict=verdict, http_status=error.status_code)


def _record_client_gone(call: GatewayCall, *, model, task, verdict) -> None:
    data = _record_data(
        call, model=model, task=task, verdict=verdict, status="client_closed", http_status=499
    )
    usage_record_submit(data)


def gateway_record_refusal(
    *,
    principal,
    endpoint: str,
    request_id: str,
    error: GuardflowError,
    body: object,
    started: float,
    client_ip: str | None = None,
) -> None:
    """A known caller was refused before admission (revoked or expired token, blocked account,
    missing scope, unreadable or invalid body): it still leaves a record."""
    fields = body if isinstance(body, dict) else {}
    model_name = fields.get("model")
    usage_record_submit(
        UsageRecordData(
            request_id=request_id,
            user_id=principal.user_id,
            token_id=principal.token_id,
            token_prefix=principal.token_prefix,
            email_hash=email_hash(principal.email),
            model_name=model_name[:120] if isinstance(model_name, str) else "",
            endpoint=endpoint,
            latency_ms=_elapsed_ms(started),
            http_status=error.status_code,
            status="rejected_auth" if error.status_code in (401, 403) else "invalid_request",
            error_code=error.code,
            is_stream=fields.get("stream") is True,
            client_ip=client_ip,
        )
    )
