"""The Anthropic Messages wire format: request parsing, response and stream rendering.

The output is what the official `anthropic` SDK parses: a `message` object, and for streams the
named events `message_start`, `content_block_start` / `content_block_delta` / `content_block_stop`
per content block (numbered 0, 1, 2... in the order they open), `message_delta` and `message_stop`.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import orjson

from guardflow_site.errors import error_type_for
from proxy.formats import (
    MAX_TOKENS_CAP,
    ParsedChatRequest,
    check_image_url,
    invalid,
    optional_bool,
    optional_int,
    optional_number,
    optional_str,
    optional_task_id,
    require_list,
    require_model_name,
    require_object,
    require_str,
    type_name,
)
from proxy.formats.sse import json_dumps, sse_event
from proxy.providers.base import (
    ChatRequest,
    ChatResult,
    ContentPart,
    Message,
    StreamChunk,
    ToolCall,
    ToolCallDelta,
    ToolSpec,
    Usage,
)

TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
IMAGE_MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "refusal",
}
TOOL_CHOICES = {"auto": "auto", "any": "required", "none": "none"}
# Anthropic's error types by HTTP status; anything else falls back to OpenAI-style names.
ERROR_TYPES = {
    413: "request_too_large",
    500: "api_error",
    502: "api_error",
    503: "overloaded_error",
    529: "overloaded_error",
}
# Replayed reasoning blocks carry nothing another upstream could use; they are dropped.
IGNORED_ASSISTANT_BLOCKS = ("thinking", "redacted_thinking")


# ---------------------------------------------------------------------------------------------
# Request
# ---------------------------------------------------------------------------------------------


def anthropic_request_parse(body: object) -> ParsedChatRequest:
    """Validate a Messages API body and normalise it. Any invalid field raises a 400 GuardflowError
    naming the field; no JSON value makes it crash."""
    body = require_object(body, "body")
    model_name = require_model_name(body.get("model"))
    if body.get("max_tokens") is None:
        raise invalid("max_tokens", "is required.")
    stream = bool(optional_bool(body.get("stream"), "stream"))
    tools = _tools_parse(body.get("tools"))
    optional_int(body.get("top_k"), "top_k", low=0, high=MAX_TOKENS_CAP)  # checked, then ignored
    request = ChatRequest(
        model=model_name,
        messages=_system_parse(body.get("system")) + _messages_parse(body.get("messages")),
        max_tokens=optional_int(body.get("max_tokens"), "max_tokens", low=1, high=MAX_TOKENS_CAP),
        temperature=optional_number(body.get("temperature"), "temperature", low=0, high=1),
        top_p=optional_number(body.get("top_p"), "top_p", low=0, high=1),
        stop=_stop_sequences_parse(body.get("stop_sequences")),
        tools=tools,
        tool_choice=_tool_choice_parse(body.get("tool_choice"), tools),
        user=_user_parse(body.get("metadata")),
        stream=stream,
    )
    return ParsedChatRequest(
        model_name=model_name,
        request=request,
        stream=stream,
        include_usage=stream,  # Anthropic streams always end with the usage in message_delta
        task_id=optional_task_id(body.get("task_id")),
    )


def _user_parse(value: object) -> str | None:
    if value is None:
        return None
    metadata = require_object(value, "metadata")
    return optional_str(metadata.get("user_id"), "metadata.user_id", max_length=512)


def _stop_sequences_parse(value: object) -> list[str]:
    if value is None:
        return []
    items = require_list(value, "stop_sequences")
    return [require_str(item, f"stop_sequences[{i}]", non_empty=True) for i, item in enumerate(items)]


def _system_parse(value: object) -> list[Message]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [Message(role="system", content=value)]
    blocks = require_list(value, "system")
    texts = [_text_block_parse(block, f"system[{i}]") for i, block in enumerate(blocks)]
    return [Message(role="system", content="\n".join(texts))] if texts else []


def _text_block_parse(value: object, param: str) -> str:
    block = require_object(value, param)
    if block.get("type") != "text":
        raise invalid(f"{param}.type", "must be 'text'.")
    return require_str(block.get("text"), f"{param}.text")


# --- tools -----------------------------------------------------------------------------------


def _tools_parse(value: object) -> list[ToolSpec]:
    if value is None:
        return []
    tools = [_tool_parse(item, f"tools[{i}]") for i, item in enumerate(require_list(value, "tools"))]
    names = [tool.name for tool in tools]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise invalid(f"tools[{i}].name", f"duplicates the tool name '{name}'.")
    return tools


def _tool_parse(value: object, param: str) -> ToolSpec:
    tool = require_object(value, param)
    if tool.get("type") not in (None, "custom"):
        raise invalid(
            f"{param}.type", "server tools are not supported; only client tools (name + input_schema)."
        )
    name = require_str(tool.get("name"), f"{param}.name")
    if not TOOL_NAME.fullmatch(name):
        raise invalid(f"{param}.name", "must be 1-128 characters of a-z, A-Z, 0-9, _ or -.")
    schema = require_object(tool.get("input_schema"), f"{param}.input_schema")
    description = optional_str(tool.get("description"), f"{param}.description") or ""
    return ToolSpec(name=name, description=description, parameters=schema)


def _tool_choice_parse(value: object, tools: list[ToolSpec]) -> str | dict[str, str] | None:
    if value is None:
        return None
    choice = require_object(value, "tool_choice")
    optional_bool(choice.get("disable_parallel_tool_use"), "tool_choice.disable_parallel_tool_use")
    kind = choice.get("type")
    if kind not in ("auto", "any", "tool", "none"):
        raise invalid("tool_choice.type", "must be 'auto', 'any', 'tool' or 'none'.")
    if kind in ("any", "tool") and not tools:
        raise invalid("tool_choice.type", f"'{kind}' needs at least one tool in 'tools'.")
    if kind != "tool":
        return TOOL_CHOICES[kind] if tools else None
    name = require_str(choice.get("name"), "tool_choice.name", non_empty=True)
    if name not in {tool.name for tool in tools}:
        raise invalid("tool_choice.name", f"names a tool '{name}' that is not in 'tools'.")
    return {"name": name}


# --- messages --------------------------------------------------------------------------------


def _messages_parse(value: object) -> list[Message]:
    if value is None:
        raise invalid("messages", "is required.")
    messages: list[Message] = []
    for i, item in enumerate(require_list(value, "messages", min_items=1)):
        messages.extend(_message_parse(item, f"messages[{i}]"))
    return messages


def _message_parse(value: object, param: str) -> list[Message]:
    message = require_object(value, param)
    role, content = message.get("role"), message.get("content")
    if role not in ("user", "assistant"):
        raise invalid(f"{param}.role", "must be 'user' or 'assistant' (the system prompt goes in 'system').")
    if isinstance(content, str):
        return [Message(role=role, content=content)]
    if not isinstance(content, list):
        raise invalid(
            f"{param}.content", f"must be a string or an array of blocks, got {type_name(content)}."
        )
    blocks = require_list(content, f"{param}.content", min_items=1)
    if role == "user":
        return _user_blocks_parse(blocks, f"{param}.content")
    return [_assistant_blocks_parse(blocks, f"{param}.content")]


def _user_blocks_parse(blocks: list, param: str) -> list[Message]:
    """A user turn becomes one normalised tool message per tool_result (they must directly follow
    the assistant's calls in OpenAI terms) and then one user message with the other blocks."""
    tool_messages: list[Message] = []
    parts: list[ContentPart] = []
    for i, value in enumerate(blocks):
        block = require_object(value, f"{param}[{i}]")
        if block.get("type") == "tool_result":
            message, images = _tool_result_parse(block, f"{param}[{i}]")
            tool_messages.append(message)
            parts.extend(images)
        else:
            parts.append(_user_block_parse(block, f"{param}[{i}]"))
    return tool_messages + ([Message(role="user", content=parts)] if parts else [])


def _user_block_parse(block: dict[str, Any], param: str) -> ContentPart:
    kind = block.get("type")
    if kind == "text":
        return ContentPart(type="text", text=require_str(block.get("text"), f"{param}.text"))
    if kind == "image":
        return ContentPart(
            type="image", image_url=_image_source_parse(block.get("source"), f"{param}.source")
        )
    raise invalid(
        f"{param}.type", "must be 'text', 'image' or 'tool_result' (other blocks are not supported)."
    )


def _image_source_parse(value: object, param: str) -> str:
    source = require_object(value, param)
    kind = source.get("type")
    if kind == "url":
        return check_image_url(require_str(source.get("url"), f"{param}.url", non_empty=True), f"{param}.url")
    if kind != "base64":
        raise invalid(f"{param}.type", "must be 'base64' or 'url'.")
    media_type = source.get("media_type")
    if media_type not in IMAGE_MEDIA_TYPES:
        raise invalid(f"{param}.media_type", f"must be one of {', '.join(IMAGE_MEDIA_TYPES)}.")
    data = require_str(source.get("data"), f"{param}.data", non_empty=True)
    return f"data:{media_type};base64,{data}"


def _tool_result_parse(block: dict[str, Any], param: str) -> tuple[Message, list[ContentPart]]:
    """The tool's text answer as a tool message; images it returned go to the following user turn
    because OpenAI-style tool messages only carry text."""
    tool_use_id = require_str(block.get("tool_use_id"), f"{param}.tool_use_id", non_empty=True)
    is_error = optional_bool(block.get("is_error"), f"{param}.is_error")
    raw = block.get("content", "")
    if isinstance(raw, str):
        text, images = raw, []
    else:
        parts = [
            _user_block_parse(require_object(b, f"{param}.content[{i}]"), f"{param}.content[{i}]")
            for i, b in enumerate(require_list(raw, f"{param}.content"))
        ]
        text = "\n".join(part.text for part in parts if part.type == "text")
        images = [part for part in parts if part.type == "image"]
    # The normalised message has no error flag; saying it in the text keeps the meaning for any upstream.
    content = f"Error: {text}" if is_error else text
    return Message(role="tool", content=content, tool_call_id=tool_use_id), images


def _assistant_blocks_parse(blocks: list, param: str) -> Message:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for i, value in enumerate(blocks):
        block = require_object(value, f"{param}[{i}]")
        kind = block.get("type")
        if kind == "text":
            texts.append(require_str(block.get("text"), f"{param}[{i}].text"))
        elif kind == "tool_use":
            calls.append(_tool_use_parse(block, f"{param}[{i}]"))
        elif kind not in IGNORED_ASSISTANT_BLOCKS:
            raise invalid(f"{param}[{i}].type", "must be 'text' or 'tool_use' in an assistant turn.")
    content = "".join(texts) if texts or not calls else None
    return Message(role="assistant", content=content, tool_calls=calls)


def _tool_use_parse(block: dict[str, Any], param: str) -> ToolCall:
    tool_input = require_object(block.get("input", {}), f"{param}.input")
    return ToolCall(
        id=require_str(block.get("id"), f"{param}.id", non_empty=True),
        name=require_str(block.get("name"), f"{param}.name", non_empty=True),
        arguments=json_dumps(tool_input).decode(),
    )


# ---------------------------------------------------------------------------------------------
# Response
# ---------------------------------------------------------------------------------------------


def anthropic_message_render(
    *, result: ChatResult, model_name: str, message_id: str, usage: Usage, stop_sequence: str | None = None
) -> bytes:
    """A non-streamed `message` body for `result`, with the gateway's settled `usage`.
    `stop_sequence`: the sequence that ended the answer, when the caller knows it."""
    content: list[dict[str, Any]] = []
    if result.content or not result.tool_calls:
        content.append({"type": "text", "text": result.content})
    content.extend(_tool_use_render(call) for call in result.tool_calls)
    stop_reason = stop_reason_render(result.finish_reason, bool(result.tool_calls), stop_sequence)
    return json_dumps(
        {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model_name,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": stop_sequence if stop_reason == "stop_sequence" else None,
            "usage": usage_render(usage),
        }
    )


def stop_reason_render(
    reason: str | None, has_tool_calls: bool = False, stop_sequence: str | None = None
) -> str:
    if has_tool_calls and reason in (None, "stop", "tool_calls"):
        return "tool_use"
    if stop_sequence and reason in (None, "stop"):
        return "stop_sequence"
    return STOP_REASONS.get(reason or "stop", "end_turn")


def usage_render(usage: Usage) -> dict[str, int]:
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def tool_input_render(arguments: str) -> dict[str, Any]:
    """The model's JSON arguments as the `input` object; `{}` when it produced no JSON object."""
    try:
        parsed = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _tool_use_render(call: ToolCall) -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": call.id or new_tool_use_id(),
        "name": call.name,
        "input": tool_input_render(call.arguments),
    }


def new_tool_use_id() -> str:
    return "toolu_" + secrets.token_hex(12)


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


def anthropic_error_type(status: int) -> str:
    return ERROR_TYPES.get(status) or error_type_for(status).replace("server_error", "api_error")


def anthropic_error_body(status: int, code: str, message: str) -> bytes:
    """An error body both SDKs read: Anthropic's `{"type": "error", "error": {...}}` plus our `code`."""
    return json_dumps({"type": "error", "error": _error_render(status, code, message)})


def _error_render(status: int, code: str, message: str) -> dict[str, str]:
    return {"type": anthropic_error_type(status), "code": code, "message": message}


class AnthropicStreamRenderer:
    """Turns normalised stream chunks into Messages API stream events.

    Use: `start()` once, `chunk(c)` per upstream chunk, optionally `ping()`, `finish(usage)` once at
    the end, or `error(...)` instead of `finish` when the stream fails after it began. Text and each
    tool call get their own content block; a block is stopped when the next one starts."""

    def __init__(self, model_name: str, message_id: str, input_tokens_estimate: int) -> None:
        self.model_name = model_name
        self.message_id = message_id
        self.input_tokens_estimate = input_tokens_estimate
        self._blocks = 0  # content blocks opened so far; the next one gets this index
        self._open: tuple[str, int] | None = None  # ("text" | "tool", block index) of the open block
        self._tool_blocks: dict[int, int] = {}  # upstream tool index -> block index
        self._finish_reason: str | None = None

    def start(self) -> bytes:
        message = {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": self.model_name,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": self.input_tokens_estimate, "output_tokens": 0},
        }
        return sse_event("message_start", {"type": "message_start", "message": message})

    def ping(self) -> bytes:
        return sse_event("ping", {"type": "ping"})

    def chunk(self, c: StreamChunk) -> bytes:
        out = self._text_render(c.text) if c.text else b""
        for delta in c.tool_calls:
            out += self._tool_delta_render(delta)
        if c.finish_reason is not None:
            self._finish_reason = c.finish_reason
        return out

    def finish(self, usage: Usage, stop_sequence: str | None = None) -> bytes:
        out = b"" if self._blocks else self._block_start({"type": "text", "text": ""}, "text")
        out += self._block_stop()
        stop_reason = stop_reason_render(self._finish_reason, bool(self._tool_blocks), stop_sequence)
        delta = {
            "stop_reason": stop_reason,
            "stop_sequence": stop_sequence if stop_reason == "stop_sequence" else None,
        }
        # Usage on message_delta is cumulative; input_tokens replaces message_start's estimate.
        event_usage = {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens}
        out += sse_event("message_delta", {"type": "message_delta", "delta": delta, "usage": event_usage})
        return out + sse_event("message_stop", {"type": "message_stop"})

    def error(self, status: int, code: str, message: str) -> bytes:
        """An error after the stream began: the SDK raises an APIStatusError on `event: error`."""
        return sse_event("error", {"type": "error", "error": _error_render(status, code, message)})

    def _text_render(self, text: str) -> bytes:
        out = b""
        if self._open is None or self._open[0] != "text":
            out = self._block_stop() + self._block_start({"type": "text", "text": ""}, "text")
        return out + self._block_delta(self._open[1], {"type": "text_delta", "text": text})

    def _tool_delta_render(self, d: ToolCallDelta) -> bytes:
        out = b""
        index = self._tool_blocks.get(d.index)
        if index is None:
            block = {"type": "tool_use", "id": d.id or new_tool_use_id(), "name": d.name or "", "input": {}}
            out = self._block_stop() + self._block_start(block, "tool")
            index = self._tool_blocks[d.index] = self._open[1]
        if d.arguments:
            # A late piece for an already stopped block still names its block: the SDK accumulates it.
            out += self._block_delta(index, {"type": "input_json_delta", "partial_json": d.arguments})
        return out

    def _block_start(self, block: dict[str, Any], kind: str) -> bytes:
        index = self._blocks
        self._blocks += 1
        self._open = (kind, index)
        return sse_event(
            "content_block_start", {"type": "content_block_start", "index": index, "content_block": block}
        )

    def _block_delta(self, index: int, delta: dict[str, Any]) -> bytes:
        return sse_event(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
        )

    def _block_stop(self) -> bytes:
        if self._open is None:
            return b""
        index = self._open[1]
        self._open = None
        return sse_event("content_block_stop", {"type": "content_block_stop", "index": index})
