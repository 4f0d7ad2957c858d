"""The gateway's use of the guard: screen the prompt, refuse blocked ones, feed the risk score."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.conf import settings

from proxy.services.loop import background_run, call_cached
from proxy.services.refusal import GatewayRejected

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
    """The guard's verdict; pure CPU on the loop except when its policy copy must be reloaded."""
    if not settings.GUARD_ENABLED:
        return None
    from proxy.guard.services import guard_screen

    return await call_cached(
        guard_screen, text=_screen_text(call), task=_guard_task(task), user_id=call.principal.user_id
    )


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
    """Feed the per-user risk score off the request path (it may write to the database)."""
    if verdict is None:
        return
    from proxy.guard.services import guard_record_outcome

    kwargs = {"user_id": call.principal.user_id, "verdict": verdict, "request_id": call.request_id}
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no running loop: a sync caller (Celery); do it inline
        guard_record_outcome(**kwargs, http_status=http_status)
        return
    job = sync_to_async(guard_record_outcome, thread_sensitive=False)
    background_run(job(**kwargs, http_status=http_status), what="guard outcome recording")
