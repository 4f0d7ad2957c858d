"""`UsageRecordData`: what the gateway hands to `usage_record_submit`, and its two encodings
(a `UsageRecord` row for the database, a JSON line for the spool file)."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from guardflow_site.logging import redact
from usage.models import UsageRecord


@dataclass
class UsageRecordData:
    """One gateway request, success or failure. Foreign keys are plain ids (`user_id`, ...)."""

    request_id: str
    created_at: datetime = field(default_factory=timezone.now)
    user_id: int | None = None
    token_id: int | None = None
    token_prefix: str = ""
    email_hash: str = ""
    task_id: int | None = None
    model_name: str = ""
    provider: str = ""
    deployment_id: int | None = None
    upstream_model: str = ""
    endpoint: str = UsageRecord.Endpoint.CHAT_COMPLETIONS
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal = Decimal("0")
    usage_estimated: bool = False
    latency_ms: int = 0
    ttft_ms: int | None = None
    http_status: int = 200
    status: str = UsageRecord.Status.SUCCESS
    error_code: str = ""
    is_stream: bool = False
    intent: str = ""
    intent_confidence: float | None = None
    risk_categories: dict[str, float] = field(default_factory=dict)
    risk_score: float | None = None
    deviation: float | None = None
    verdict: str = ""
    flagged: bool = False
    # Raw content; stored only when settings.USAGE_STORE_CONTENT is on, and redacted first.
    prompt_content: str | None = None
    response_content: str | None = None
    client_ip: str | None = None


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(UsageRecordData))

# Personal data masked in stored content, on top of the secret patterns of `redact`.
# Card numbers go first so the phone pattern does not eat them.
_CONTENT_MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])"), "[CARD]"),
    # International (+44 20 7946 0958) or North American ((555) 123-4567) numbers; not dates.
    (re.compile(r"(?<![\w+])\+\d[\d ().-]{6,}\d(?!\w)"), "[PHONE]"),
    (re.compile(r"(?<!\w)\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\w)"), "[PHONE]"),
)


def content_redact(text: str | None) -> str | None:
    """Secrets, email addresses, card and phone numbers masked; None stays None."""
    if text is None:
        return None
    text = redact(text)
    for pattern, replacement in _CONTENT_MASKS:
        text = pattern.sub(replacement, text)
    return text


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot hold a lone surrogate (an upstream's
    broken text): either would fail its batch and then its own row insert, spooled for ever.
    U+FFFD keeps a client-sent "mo\\x00ck" model name visibly not "mock"."""
    if not isinstance(value, str):
        return value
    value = value.replace("\x00", "\ufffd")
    return value if value.isascii() else _LONE_SURROGATE.sub("\ufffd", value)


def record_values(data: UsageRecordData) -> dict[str, Any]:
    """The row's column values by field name. Content is kept (redacted) only if the operator
    turned storage on."""
    values = {name: getattr(data, name) for name in FIELD_NAMES}
    if settings.USAGE_STORE_CONTENT:
        values["prompt_content"] = content_redact(data.prompt_content)
        values["response_content"] = content_redact(data.response_content)
    else:
        values["prompt_content"] = values["response_content"] = None
    values = {name: _storable(value) for name, value in values.items()}
    values["risk_categories"] = dict(data.risk_categories or {})
    values["cost_usd"] = Decimal(str(data.cost_usd or 0))
    return values


def record_to_model(data: UsageRecordData) -> UsageRecord:
    """Build the row as a model instance (SQLite and the row-by-row fallback)."""
    return UsageRecord(**record_values(data))


def json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def record_to_json(data: UsageRecordData) -> str:
    """One spool line. Content is dropped here unless storage is on (never spool what we won't keep)."""
    values = dataclasses.asdict(data)
    if not settings.USAGE_STORE_CONTENT:
        values["prompt_content"] = values["response_content"] = None
    else:
        values["prompt_content"] = content_redact(data.prompt_content)
        values["response_content"] = content_redact(data.response_content)
    return json.dumps(values, default=json_default, separators=(",", ":"))


def record_from_json(line: str) -> UsageRecordData:
    values = {k: v for k, v in json.loads(line).items() if k in FIELD_NAMES}
    created = values.get("created_at")
    values["created_at"] = parse_datetime(created) if created else timezone.now()
    values["cost_usd"] = Decimal(str(values.get("cost_usd") or "0"))
    return UsageRecordData(**values)
