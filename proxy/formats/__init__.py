"""Client wire formats: the OpenAI Chat Completions and Anthropic Messages request and response shapes.

Pure functions between the JSON bodies clients send / receive and the normalised types in
`proxy.providers.base`. Both parsers produce the same `ParsedChatRequest`, and both renderers accept
any `ChatResult` / `StreamChunk`, so a model served by one vendor is callable through the other
vendor's endpoint without extra code.

Entry points (import from the submodules):
- `proxy.formats.openai_format`: `openai_request_parse`, `openai_completion_render`, `OpenAIStreamRenderer`
- `proxy.formats.anthropic_format`: `anthropic_request_parse`, `anthropic_message_render`,
  `AnthropicStreamRenderer`, `anthropic_error_body`

This module also holds the small field validators both parsers share: each one raises a 400
`GuardflowError` whose message and `param` name the offending field (e.g. `messages[2].role`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from guardflow_site.errors import GuardflowError
from proxy.providers.base import ChatRequest

# Generous caps that keep every figure well inside 64-bit arithmetic in the limits ledger.
MAX_TOKENS_CAP = 10_000_000
INT64_MAX = 2**63 - 1
MAX_NAME_LENGTH = 256
_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True)
class ParsedChatRequest:
    """What a client asked for. `request.model` is still the client's model name; the router
    replaces it with the upstream model name of the deployment it picks."""

    model_name: str
    request: ChatRequest
    stream: bool
    include_usage: bool
    task_id: int | None


def invalid(param: str, problem: str) -> GuardflowError:
    """The one 400 both parsers raise: the message starts with the field path."""
    return GuardflowError(f"'{param}' {problem}", code="invalid_request", status=400, param=param)


def type_name(value: object) -> str:
    """The JSON name of a value's type, for messages like "must be a string, got array"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def require_object(value: object, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(param, f"must be an object, got {type_name(value)}.")
    return value


def require_list(value: object, param: str, *, min_items: int = 0, max_items: int | None = None) -> list:
    if not isinstance(value, list):
        raise invalid(param, f"must be an array, got {type_name(value)}.")
    if len(value) < min_items:
        raise invalid(param, f"must have at least {min_items} item(s).")
    if max_items is not None and len(value) > max_items:
        raise invalid(param, f"must have at most {max_items} items, got {len(value)}.")
    return value


def require_str(value: object, param: str, *, non_empty: bool = False, max_length: int | None = None) -> str:
    if not isinstance(value, str):
        raise invalid(param, f"must be a string, got {type_name(value)}.")
    if non_empty and not value:
        raise invalid(param, "must not be empty.")
    if max_length is not None and len(value) > max_length:
        raise invalid(param, f"must be at most {max_length} characters long.")
    return value


def optional_str(value: object, param: str, *, max_length: int | None = None) -> str | None:
    return None if value is None else require_str(value, param, max_length=max_length)


def optional_bool(value: object, param: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise invalid(param, f"must be a boolean, got {type_name(value)}.")


def optional_number(value: object, param: str, *, low: float, high: float) -> float | None:
    if value is None:
        return None
    # bool is an int in Python but not a number in JSON; compare before float() so huge ints can't overflow.
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise invalid(param, f"must be a number between {low:g} and {high:g}.")
    number = float(value)
    if not math.isfinite(number):
        raise invalid(param, f"must be a number between {low:g} and {high:g}.")
    return number


def optional_int(value: object, param: str, *, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)  # some clients serialise 256 as 256.0
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(param, f"must be an integer between {low} and {high}.")
    return value


def optional_max_tokens(value: object, param: str) -> int | None:
    return optional_int(value, param, low=1, high=MAX_TOKENS_CAP)


def optional_task_id(value: object, param: str = "task_id") -> int | None:
    """A declared task: a positive integer, or its decimal digits as a string (header-friendly)."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    elif isinstance(value, str):
        raise invalid(param, "must be a positive integer.")
    try:
        return optional_int(value, param, low=1, high=INT64_MAX)
    except GuardflowError:
        raise invalid(param, "must be a positive integer.") from None


def require_model_name(value: object) -> str:
    if value is None:
        raise invalid("model", "is required.")
    return require_str(value, "model", non_empty=True, max_length=MAX_NAME_LENGTH)


def check_image_url(url: str, param: str) -> str:
    """Images travel as http(s) URLs or base64 `data:` URIs; anything else (file:, ftp:, javascript:)
    is refused here rather than handed to an upstream."""
    lowered = url[:16].lower()
    if lowered.startswith(("http://", "https://")):
        return url
    if lowered.startswith("data:image/") and ";base64," in url[:128]:
        return url
    raise invalid(param, "must be an http(s) URL or a data:image/...;base64,... URI.")
