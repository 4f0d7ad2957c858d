"""Server-sent event framing shared by the OpenAI and Anthropic stream renderers.

orjson emits compact JSON with every newline inside strings escaped, so one payload is always one
`data:` line, which is what both SDKs' SSE decoders expect.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

SSE_DONE = b"data: [DONE]\n\n"


def json_dumps(payload: Any) -> bytes:
    """Compact JSON bytes. Falls back to the stdlib for what orjson refuses (lone surrogates from an
    upstream, integers beyond 64 bits) so a strange upstream answer never crashes a response."""
    try:
        return orjson.dumps(payload)
    except (orjson.JSONEncodeError, TypeError):
        # A lone surrogate cannot be UTF-8; "replace" turns it into "?" so the body stays valid JSON.
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
        return text.encode("utf-8", "replace")


def sse_data(payload: Any) -> bytes:
    """One unnamed event: `data: {...}` and the blank line that ends it (OpenAI style)."""
    return b"data: " + json_dumps(payload) + b"\n\n"


def sse_event(event: str, payload: Any) -> bytes:
    """One named event: `event: <name>` then `data: {...}` (Anthropic style)."""
    return b"event: " + event.encode() + b"\ndata: " + json_dumps(payload) + b"\n\n"
