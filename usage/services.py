"""Usage services: usage records (write path, cost, email hash) and the audit log."""

import asyncio
import functools
import hashlib
import hmac
from decimal import ROUND_UP, Decimal

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from guardflow_site.logging import redact, request_id_var
from usage.models import AuditLog
from usage.records import UsageRecordData
from usage.writer import UsageWriter, spool_append, spool_replay, write_records

__all__ = [
    "UsageRecordData",
    "audit_record",
    "email_hash",
    "usage_cost",
    "usage_flush",
    "usage_record_submit",
    "usage_record_submit_async",
    "usage_spool_replay",
]

# One writer per process (each uvicorn worker, each Celery worker process has its own).
usage_writer = UsageWriter()

_MTOK = Decimal(1_000_000)
_COST_QUANTUM = Decimal("0.00000001")  # UsageRecord.cost_usd has 8 decimal places


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def usage_record_submit(data: UsageRecordData) -> None:
    """Record one gateway request. Never drops it; returns in microseconds unless the buffer is full.

    Safe from sync code and from async code (it does no I/O on the caller's thread in an event
    loop). Modes (settings.USAGE_WRITE_MODE): `buffered` (default, background batch writer),
    `direct` (insert now, in the caller's thread; from an event loop it falls back to buffered),
    `inline` (tests: held until `usage_flush()`, which writes in the caller's thread; sync
    callers write immediately).
    """
    mode = settings.USAGE_WRITE_MODE
    if mode == "buffered" or (mode == "direct" and _in_event_loop()):
        usage_writer.submit(data)
    elif _in_event_loop():
        usage_writer.submit(data, start_thread=False)
    else:
        spool_append(write_records([data], retry_seconds=settings.USAGE_RETRY_SECONDS))


async def usage_record_submit_async(data: UsageRecordData) -> None:
    """Like `usage_record_submit`, but waits off the event loop when the buffer is full."""
    if usage_writer.is_full():
        await asyncio.to_thread(usage_record_submit, data)
    else:
        usage_record_submit(data)


def usage_flush(timeout: float = 10) -> None:
    """Drain: on return, every record submitted before is in the database or in the spool file."""
    usage_writer.flush(timeout)


def usage_spool_replay() -> tuple[int, int]:
    """Re-import spooled records (idempotent by request_id). Returns (read, still failing)."""
    return spool_replay()


def usage_cost(
    *, input_tokens: int, output_tokens: int, input_price_per_mtok: Decimal, output_price_per_mtok: Decimal
) -> Decimal:
    """USD for one request: prices are per million tokens; rounded up to the stored 8 places,
    so no request is free however cheap (the limits ledger counts exactly this figure)."""
    cost = (Decimal(input_tokens) * Decimal(input_price_per_mtok)) + (
        Decimal(output_tokens) * Decimal(output_price_per_mtok)
    )
    return (cost / _MTOK).quantize(_COST_QUANTUM, rounding=ROUND_UP)


@sensitive_variables("configured", "secret_key")  # never in an error report's frame locals
def _email_hash_key(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    # Derived, not the SECRET_KEY itself: a leaked hash key must not reveal the signing key.
    return hashlib.sha256(b"guardflow.usage.email-hash:" + secret_key.encode()).digest()


def email_hash(email: str | None) -> str:
    """HMAC-SHA256 (hex) of the lowercased address: joins records per person without storing email."""
    if not email:
        return ""
    return _email_hash(email, settings.USAGE_EMAIL_HASH_KEY, settings.SECRET_KEY)


# Every gateway request hashes its caller's address for the usage record: two HMACs (key
# derivation included) per request otherwise. Keyed by the settings too, so a changed key is
# never answered from the cache.
# (It keeps up to 4,096 addresses in process memory, as the cached user rows already do.)
@functools.lru_cache(maxsize=4096)
@sensitive_variables("configured_key", "secret_key")
def _email_hash(email: str, configured_key: str, secret_key: str) -> str:
    normalized = email.strip().lower().encode()
    return hmac.new(_email_hash_key(configured_key, secret_key), normalized, hashlib.sha256).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    metadata: dict | None = None,
) -> AuditLog:
    """Append one security event. Metadata is scrubbed of secrets before it is stored."""
    clean_metadata = {
        key: redact(value) if isinstance(value, str) else value for key, value in (metadata or {}).items()
    }
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=client_ip(request),
        user_agent=(request.headers.get("User-Agent", "")[:300] if request is not None else ""),
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
        metadata=clean_metadata,
    )
