"""Small helpers shared by the vendor mappings: data URIs, JSON arguments, JSON-mode prompts."""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from proxy.providers.base import ChatRequest, Message


def parse_data_uri(url: str) -> tuple[str, str] | None:
    """`data:<media-type>;base64,<data>` → (media type, base64 data); None for any other URL."""
    if not url.startswith("data:"):
        return None
    header, sep, data = url[5:].partition(",")
    if not sep or not header.endswith(";base64"):
        return None
    return header[: -len(";base64")] or "application/octet-stream", data


def guess_media_type(url: str) -> str:
    return mimetypes.guess_type(url.split("?", 1)[0])[0] or "image/jpeg"


def parse_arguments(arguments: str) -> dict[str, Any]:
    """A tool call's JSON arguments as an object (vendors other than OpenAI want objects).

    Models sometimes produce invalid JSON; it is kept under "_raw" rather than dropped or failing.
    """
    if not arguments.strip():
        return {}
    try:
        value = json.loads(arguments)
    except ValueError:
        return {"_raw": arguments}
    return value if isinstance(value, dict) else {"_value": value}


def dump_arguments(arguments: Any) -> str:
    return json.dumps(arguments if arguments is not None else {}, ensure_ascii=False, separators=(",", ":"))


def system_text(messages: list[Message]) -> str:
    return "\n\n".join(m.text() for m in messages if m.role == "system" and m.text())


def json_mode_instruction(request: ChatRequest) -> str:
    """A system-prompt sentence emulating OpenAI's response_format for vendors without it."""
    fmt = request.response_format or {}
    if fmt.get("type") == "json_object":
        return "Respond only with a single valid JSON object, without any surrounding text."
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema") or {}
        return (
            "Respond only with a single valid JSON object, without any surrounding text, that matches "
            f"this JSON Schema: {json.dumps(schema, separators=(',', ':'))}"
        )
    return ""


def tool_names_by_call_id(messages: list[Message]) -> dict[str, str]:
    """Which tool each earlier assistant tool call invoked (Gemini's function responses need names)."""
    return {call.id: call.name for m in messages for call in m.tool_calls}
