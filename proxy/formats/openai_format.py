"""The OpenAI Chat Completions wire format: request parsing, response and stream rendering.

The output is what the official `openai` SDK parses: a `chat.completion` object, and for streams
`data: {chat.completion.chunk}` events ending in `data: [DONE]`, with a final usage chunk (empty
`choices`) when the client set `stream_options.include_usage`.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from guardflow_site.errors import error_body
from proxy.formats import (
    INT64_MAX,
    ParsedChatRequest,
    check_image_url,
    invalid,
    optional_bool,
    optional_int,
    optional_max_tokens,
    optional_number,
    optional_str,
    optional_task_id,
    require_list,
    require_model_name,
    require_object,
    require_str,
    type_name,
)
from proxy.formats.sse import SSE_DONE, json_dumps, sse_data
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

TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
IMAGE_DETAILS = ("auto", "low", "high")
RESPONSE_FORMAT_TYPES = ("text", "json_object", "json_schema")
MAX_STOP_SEQUENCES = 4
# The upstream vocabulary has "error" too; OpenAI clients only know these.
FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "content_filter": "content_filter",
}
# Accepted, type-checked where cheap, and ignored: they change nothing the gateway promises.
PENALTIES = ("presence_penalty", "frequency_penalty")


# ---------------------------------------------------------------------------------------------
# Request
# ---------------------------------------------------------------------------------------------


def openai_request_parse(body: object) -> ParsedChatRequest:
    """Validate a Chat Completions body and normalise it. Any invalid field raises a 400
    GuardflowError naming the field; no JSON value makes it crash."""
    body = require_object(body, "body")
    _reject_unsupported(body)
    model_name = require_model_name(body.get("model"))
    stream = bool(optional_bool(body.get("stream"), "stream"))
    tools = _tools_parse(body.get("tools"))
    request = ChatRequest(
        model=model_name,
        messages=_messages_parse(body.get("messages")),
        max_tokens=_max_tokens_parse(body),
        temperature=optional_number(body.get("temperature"), "temperature", low=0, high=2),
        top_p=optional_number(body.get("top_p"), "top_p", low=0, high=1),
        stop=_stop_parse(body.get("stop")),
        tools=tools,
        tool_choice=_tool_choice_parse(body.get("tool_choice"), tools),
        response_format=_response_format_parse(body.get("response_format")),
        seed=optional_int(body.get("seed"), "seed", low=-INT64_MAX - 1, high=INT64_MAX),
        user=optional_str(body.get("user"), "user", max_length=512),
        stream=stream,
    )
    return ParsedChatRequest(
        model_name=model_name,
        request=request,
        stream=stream,
        include_usage=stream and _include_usage_parse(body.get("stream_options")),
        task_id=optional_task_id(body.get("task_id")),
    )


def _reject_unsupported(body: dict[str, Any]) -> None:
    n = body.get("n")
    if n is not None and (isinstance(n, bool) or n != 1):
        raise invalid("n", "only n=1 is supported.")
    for legacy, replacement in (("functions", "tools"), ("function_call", "tool_choice")):
        if body.get(legacy) is not None:
            raise invalid(legacy, f"is deprecated and not supported; use '{replacement}'.")
    for key in PENALTIES:
        optional_number(body.get(key), key, low=-2, high=2)
    for key in ("logit_bias", "metadata"):
        if body.get(key) is not None:
            require_object(body[key], key)
    optional_bool(body.get("parallel_tool_calls"), "parallel_tool_calls")


def _include_usage_parse(value: object) -> bool:
    if value is None:
        return False
    options = require_object(value, "stream_options")
    return bool(optional_bool(options.get("include_usage"), "stream_options.include_usage"))


def _max_tokens_parse(body: dict[str, Any]) -> int | None:
    # max_completion_tokens is the current name; max_tokens the older one. Either may come.
    newer = optional_max_tokens(body.get("max_completion_tokens"), "max_completion_tokens")
    older = optional_max_tokens(body.get("max_tokens"), "max_tokens")
    return newer if newer is not None else older


def _stop_parse(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [require_str(value, "stop", non_empty=True)]
    items = require_list(value, "stop", max_items=MAX_STOP_SEQUENCES)
    return [require_str(item, f"stop[{i}]", non_empty=True) for i, item in enumerate(items)]


def _response_format_parse(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    response_format = require_object(value, "response_format")
    kind = response_format.get("type")
    if kind not in RESPONSE_FORMAT_TYPES:
        raise invalid("response_format.type", f"must be one of {', '.join(RESPONSE_FORMAT_TYPES)}.")
    if kind == "json_schema":
        schema = require_object(response_format.get("json_schema"), "response_format.json_schema")
        require_str(schema.get("name"), "response_format.json_schema.name", non_empty=True)
        if schema.get("schema") is not None:
            require_object(schema["schema"], "response_format.json_schema.schema")
    return None if kind == "text" else response_format


# --- tools -----------------------------------------------------------------------------------


def _tools_parse(value: object) -> list[ToolSpec]:
    if value is None:
        return []
    tools = [_tool_parse(item, f"tools[{i}]") for i, item in enumerate(require_list(value, "tools"))]
    names = [tool.name for tool in tools]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise invalid(f"tools[{i}].function.name", f"duplicates the tool name '{name}'.")
    return tools


def _tool_parse(value: object, param: str) -> ToolSpec:
    tool = require_object(value, param)
    if tool.get("type") != "function":
        raise invalid(f"{param}.type", "must be 'function' (the only tool type supported).")
    function = require_object(tool.get("function"), f"{param}.function")
    name = require_str(function.get("name"), f"{param}.function.name")
    if not TOOL_NAME.fullmatch(name):
        raise invalid(f"{param}.function.name", "must be 1-64 characters of a-z, A-Z, 0-9, _ or -.")
    description = optional_str(function.get("description"), f"{param}.function.description") or ""
    parameters = function.get("parameters")
    if parameters is not None:
        require_object(parameters, f"{param}.function.parameters")
    optional_bool(function.get("strict"), f"{param}.function.strict")
    return ToolSpec(name=name, description=description, parameters=parameters or {})


def _tool_choice_parse(value: object, tools: list[ToolSpec]) -> str | dict[str, str] | None:
    if value is None:
        return None
    if value in ("auto", "none", "required"):
        if value == "required" and not tools:
            raise invalid("tool_choice", "'required' needs at least one tool in 'tools'.")
        return value if tools else None
    if isinstance(value, str):
        raise invalid("tool_choice", "must be 'auto', 'none', 'required' or a function object.")
    choice = require_object(value, "tool_choice")
    if choice.get("type") != "function":
        raise invalid("tool_choice.type", "must be 'function'.")
    function = require_object(choice.get("function"), "tool_choice.function")
    name = require_str(function.get("name"), "tool_choice.function.name", non_empty=True)
    if name not in {tool.name for tool in tools}:
        raise invalid("tool_choice.function.name", f"names a tool '{name}' that is not in 'tools'.")
    return {"name": name}


# --- messages --------------------------------------------------------------------------------


def _messages_parse(value: object) -> list[Message]:
    if value is None:
        raise invalid("messages", "is required.")
    items = require_list(value, "messages", min_items=1)
    return [_message_parse(item, f"messages[{i}]") for i, item in enumerate(items)]


def _message_parse(value: object, param: str) -> Message:
    message = require_object(value, param)
    role = message.get("role")
    name = optional_str(message.get("name"), f"{param}.name", max_length=256)
    if role in ("system", "developer"):
        return Message(
            role="system", content=_text_content(message.get("content"), f"{param}.content"), name=name
        )
    if role == "user":
        return Message(
            role="user", content=_user_content(message.get("content"), f"{param}.content"), name=name
        )
    if role == "assistant":
        return _assistant_parse(message, param, name)
    if role == "tool":
        tool_call_id = require_str(message.get("tool_call_id"), f"{param}.tool_call_id", non_empty=True)
        content = _text_content(message.get("content"), f"{param}.content")
        return Message(role="tool", content=content, tool_call_id=tool_call_id)
    if role == "function":
        raise invalid(f"{param}.role", "'function' is deprecated and not supported; use 'tool'.")
    raise invalid(f"{param}.role", "must be one of 'system', 'developer', 'user', 'assistant', 'tool'.")


def _assistant_parse(message: dict[str, Any], param: str, name: str | None) -> Message:
    tool_calls = _tool_calls_parse(message.get("tool_calls"), f"{param}.tool_calls")
    raw = message.get("content")
    if raw is None and not tool_calls:
        raise invalid(f"{param}.content", "is required unless the message has 'tool_calls'.")
    content = None if raw is None else _text_content(raw, f"{param}.content", part_types=("text", "refusal"))
    return Message(role="assistant", content=content, tool_calls=tool_calls, name=name)


def _tool_calls_parse(value: object, param: str) -> list[ToolCall]:
    if value is None:
        return []
    return [_tool_call_parse(item, f"{param}[{i}]") for i, item in enumerate(require_list(value, param))]


def _tool_call_parse(value: object, param: str) -> ToolCall:
    call = require_object(value, param)
    if call.get("type", "function") != "function":
        raise invalid(f"{param}.type", "must be 'function'.")
    function = require_object(call.get("function"), f"{param}.function")
    return ToolCall(
        id=require_str(call.get("id"), f"{param}.id", non_empty=True),
        name=require_str(function.get("name"), f"{param}.function.name", non_empty=True),
        arguments=require_str(function.get("arguments", "{}"), f"{param}.function.arguments"),
    )


def _text_content(value: object, param: str, *, part_types: tuple[str, ...] = ("text",)) -> str:
    """Content that may only hold text: a string, or an array of text parts joined together."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise invalid(param, f"must be a string or an array of text parts, got {type_name(value)}.")
    texts = []
    for i, item in enumerate(value):
        part = require_object(item, f"{param}[{i}]")
        kind = part.get("type")
        if kind not in part_types:
            raise invalid(f"{param}[{i}].type", f"must be {' or '.join(repr(t) for t in part_types)}.")
        texts.append(require_str(part.get(kind), f"{param}[{i}].{kind}"))
    return "\n".join(texts)


def _user_content(value: object, param: str) -> str | list[ContentPart]:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise invalid(param, f"must be a string or an array of content parts, got {type_name(value)}.")
    require_list(value, param, min_items=1)
    return [_user_part_parse(item, f"{param}[{i}]") for i, item in enumerate(value)]


def _user_part_parse(value: object, param: str) -> ContentPart:
    part = require_object(value, param)
    kind = part.get("type")
    if kind == "text":
        return ContentPart(type="text", text=require_str(part.get("text"), f"{param}.text"))
    if kind == "image_url":
        image = part.get("image_url")
        if isinstance(image, str):  # a few clients send the URL itself rather than {"url": ...}
            image = {"url": image}
        image = require_object(image, f"{param}.image_url")
        url = require_str(image.get("url"), f"{param}.image_url.url", non_empty=True)
        detail = image.get("detail")
        if detail is not None and detail not in IMAGE_DETAILS:
            raise invalid(f"{param}.image_url.detail", "must be 'auto', 'low' or 'high'.")
        return ContentPart(
            type="image", image_url=check_image_url(url, f"{param}.image_url.url"), detail=detail
        )
    raise invalid(f"{param}.type", "must be 'text' or 'image_url' (other part types are not supported).")


# ---------------------------------------------------------------------------------------------
# Response
# ---------------------------------------------------------------------------------------------


def openai_completion_render(
    *, result: ChatResult, model_name: str, completion_id: str, created: int, usage: Usage
) -> bytes:
    """A non-streamed `chat.completion` body for `result`, with the gateway's settled `usage`."""
    message: dict[str, Any] = {"role": "assistant", "content": result.content, "refusal": None}
    if result.tool_calls:
        message["tool_calls"] = [_tool_call_render(call) for call in result.tool_calls]
        message["content"] = result.content or None  # OpenAI sends null content beside tool calls
    choice = {
        "index": 0,
        "message": message,
        "finish_reason": finish_reason_render(result.finish_reason, bool(result.tool_calls)),
        "logprobs": None,
    }
    return json_dumps(
        {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model_name,
            "choices": [choice],
            "usage": usage_render(usage),
            "system_fingerprint": None,
        }
    )


def finish_reason_render(reason: str | None, has_tool_calls: bool = False) -> str:
    if reason == "stop" and has_tool_calls:
        return "tool_calls"  # some upstreams say "stop" after a tool call; OpenAI clients expect this
    return FINISH_REASONS.get(reason or "stop", "stop")


def usage_render(usage: Usage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }


def _tool_call_render(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id or new_tool_call_id(),
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def new_tool_call_id() -> str:
    """For upstreams that give tool calls no id (Gemini); clients need one to answer the call."""
    return "call_" + secrets.token_hex(12)


class OpenAIStreamRenderer:
    """Turns normalised stream chunks into `chat.completion.chunk` SSE events.

    Use: `start()` once, `chunk(c)` per upstream chunk, `finish(usage)` once at the end, or
    `error(...)` instead of `finish` when the stream fails after it began. Each returns the bytes
    to write (possibly empty)."""

    def __init__(self, model_name: str, completion_id: str, created: int, include_usage: bool) -> None:
        self.include_usage = include_usage
        self._base = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model_name,
            "system_fingerprint": None,
        }
        self._tool_indexes: dict[int, int] = {}  # upstream index -> dense index the client sees
        self._finished = False

    def start(self) -> bytes:
        return self._choice_event({"role": "assistant", "content": ""}, None)

    def chunk(self, c: StreamChunk) -> bytes:
        delta: dict[str, Any] = {}
        if c.text:
            delta["content"] = c.text
        if c.tool_calls:
            delta["tool_calls"] = [self._tool_delta_render(d) for d in c.tool_calls]
        out = self._choice_event(delta, None) if delta else b""
        if c.finish_reason is not None and not self._finished:
            self._finished = True
            out += self._choice_event({}, finish_reason_render(c.finish_reason, bool(self._tool_indexes)))
        return out

    def finish(self, usage: Usage) -> bytes:
        out = b""
        if not self._finished:  # the upstream ended without saying why: close the choice anyway
            self._finished = True
            out += self._choice_event({}, "tool_calls" if self._tool_indexes else "stop")
        if self.include_usage:
            out += sse_data({**self._base, "choices": [], "usage": usage_render(usage)})
        return out + SSE_DONE

    def error(self, status: int, code: str, message: str) -> bytes:
        """An error after the stream began: the SDK raises `APIError` on a data event with `error`."""
        return sse_data(error_body(status, code, message))

    def _choice_event(self, delta: dict[str, Any], finish_reason: str | None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        event = {**self._base, "choices": [choice]}
        if self.include_usage:
            event["usage"] = None  # OpenAI sends null usage on every chunk but the last
        return sse_data(event)

    def _tool_delta_render(self, d: ToolCallDelta) -> dict[str, Any]:
        index = self._tool_indexes.get(d.index)
        if index is not None:  # id, type and name go only on a call's first delta: the SDK concatenates
            return {"index": index, "function": {"arguments": d.arguments}}
        index = self._tool_indexes[d.index] = len(self._tool_indexes)
        return {
            "index": index,
            "id": d.id or new_tool_call_id(),
            "type": "function",
            "function": {"name": d.name or "", "arguments": d.arguments},
        }
