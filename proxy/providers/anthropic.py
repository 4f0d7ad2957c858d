"""Anthropic (Messages API) via `anthropic.AsyncAnthropic`.

Mapping: system messages → the `system` parameter; tool results (role "tool") → user turns with
`tool_result` blocks; assistant tool calls → `tool_use` blocks; images → `image` blocks (base64 for
`data:` URIs, URL sources otherwise). Consecutive turns of one role are merged, because Anthropic
wants all results for one assistant turn's tool calls in the single user turn that follows.
`max_tokens` is required by Anthropic: the request's, else `options["default_max_tokens"]`, else 4096.
`response_format`: a JSON schema maps to Anthropic's structured output (`output_config.format`);
plain JSON mode (`json_object`) has no equivalent and is asked for in the system prompt.
`temperature` / `top_p`: the current Messages API (and SDK) has no sampling parameters, so they
are dropped unless the deployment sets `options["sampling_params"] = true` (older models, proxies
that still take them), in which case they are sent as extra body fields.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2
import orjson

from proxy.providers import _errors
from proxy.providers._clients import cached_client, extra_headers
from proxy.providers._content import (
    dump_arguments,
    json_mode_instruction,
    parse_arguments,
    parse_data_uri,
    system_text,
)
from proxy.providers._lean_transport import sdk_http_client
from proxy.providers.base import (
    ChatRequest,
    ChatResult,
    ContentPart,
    DeploymentTarget,
    FinishReason,
    Message,
    Provider,
    ProviderError,
    StreamChunk,
    ToolCall,
    ToolCallDelta,
    Usage,
)

DEFAULT_MAX_TOKENS = 4096
_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


# --- request mapping -------------------------------------------------------------------------------


def _image_block(part: ContentPart) -> dict[str, Any]:
    data_uri = parse_data_uri(part.image_url)
    if data_uri is not None:
        media_type, data = data_uri
        return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}
    return {"type": "image", "source": {"type": "url", "url": part.image_url}}


def _blocks(message: Message) -> list[dict[str, Any]]:
    if message.role == "tool":
        return [{"type": "tool_result", "tool_use_id": message.tool_call_id or "", "content": message.text()}]
    if isinstance(message.content, list):
        blocks = [
            {"type": "text", "text": p.text} if p.type == "text" else _image_block(p) for p in message.content
        ]
    else:
        blocks = [{"type": "text", "text": message.content}] if message.content else []
    blocks.extend(
        {"type": "tool_use", "id": c.id, "name": c.name, "input": parse_arguments(c.arguments)}
        for c in message.tool_calls
    )
    return blocks


def messages_param(messages: list[Message]) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns


def _tool_choice(choice: str | dict[str, str] | None) -> dict[str, str] | None:
    if isinstance(choice, dict):
        return {"type": "tool", "name": choice["name"]}
    return {"auto": {"type": "auto"}, "required": {"type": "any"}, "none": {"type": "none"}}.get(choice or "")


def _json_schema(request: ChatRequest) -> dict[str, Any] | None:
    fmt = request.response_format or {}
    if fmt.get("type") != "json_schema":
        return None
    return (fmt.get("json_schema") or {}).get("schema") or None


def create_params(target: DeploymentTarget, request: ChatRequest) -> dict[str, Any]:
    max_tokens = request.max_tokens or target.options.get("default_max_tokens") or DEFAULT_MAX_TOKENS
    params: dict[str, Any] = {
        "model": target.upstream_model,
        "max_tokens": int(max_tokens),
        "messages": messages_param(request.messages),
    }
    schema = _json_schema(request)
    instruction = "" if schema is not None else json_mode_instruction(request)
    system = "\n\n".join(s for s in (system_text(request.messages), instruction) if s)
    optional = {
        "system": system or None,
        "stop_sequences": request.stop or None,
        "metadata": {"user_id": request.user} if request.user else None,
        "output_config": {"format": {"type": "json_schema", "schema": schema}}
        if schema is not None
        else None,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    if target.options.get("sampling_params"):
        sampling = {"temperature": request.temperature, "top_p": request.top_p}
        params["extra_body"] = {k: v for k, v in sampling.items() if v is not None}
    if request.tools:
        params["tools"] = [
            {
                "name": t.name,
                "description": t.description,
                "input_schema": t.parameters or {"type": "object", "properties": {}},
            }
            for t in request.tools
        ]
        choice = _tool_choice(request.tool_choice)
        if choice is not None:
            params["tool_choice"] = choice
    return params


# --- response mapping ------------------------------------------------------------------------------


def _input_tokens(usage: dict | None) -> int:
    # Cached prompt tokens are input too (billed differently, but they count against quotas).
    usage = usage or {}
    cached = (usage.get("cache_creation_input_tokens") or 0) + (usage.get("cache_read_input_tokens") or 0)
    return (usage.get("input_tokens") or 0) + cached


def result_from(message: dict[str, Any]) -> ChatResult:
    """A Messages API answer (JSON, as a dict) → ChatResult."""
    blocks = message["content"]
    texts = [b["text"] for b in blocks if b["type"] == "text"]
    calls = [
        ToolCall(id=b["id"], name=b["name"], arguments=dump_arguments(b.get("input")))
        for b in blocks
        if b["type"] == "tool_use"
    ]
    usage = message.get("usage")
    return ChatResult(
        id=message.get("id") or "",
        model=message.get("model") or "",
        content="".join(texts),
        tool_calls=calls,
        finish_reason=_FINISH.get(message.get("stop_reason") or "end_turn", "stop"),
        usage=Usage(_input_tokens(usage), usage.get("output_tokens") or 0) if usage is not None else None,
    )


class _StreamState:
    """Turns Anthropic's raw stream events (dicts) into StreamChunks (tool-use blocks get
    OpenAI-style indexes)."""

    def __init__(self) -> None:
        self.input_tokens: int | None = None
        self.tool_index_by_block: dict[int, int] = {}

    def chunk(self, event: dict[str, Any]) -> StreamChunk | None:
        kind = event["type"]
        if kind == "message_start":
            usage = event["message"].get("usage")
            self.input_tokens = _input_tokens(usage) if usage is not None else None
        elif kind == "content_block_start" and event["content_block"]["type"] == "tool_use":
            index = self.tool_index_by_block[event["index"]] = len(self.tool_index_by_block)
            block = event["content_block"]
            return StreamChunk(tool_calls=(ToolCallDelta(index=index, id=block["id"], name=block["name"]),))
        elif kind == "content_block_delta":
            return self._delta(event)
        elif kind == "message_delta":
            return self._final(event)
        return None

    def _delta(self, event: dict[str, Any]) -> StreamChunk | None:
        delta = event["delta"]
        if delta["type"] == "text_delta" and delta.get("text"):
            return StreamChunk(text=delta["text"])
        if delta["type"] == "input_json_delta" and event["index"] in self.tool_index_by_block:
            index = self.tool_index_by_block[event["index"]]
            return StreamChunk(tool_calls=(ToolCallDelta(index=index, arguments=delta["partial_json"]),))
        return None  # thinking / signature / citation deltas are not part of the normalised answer

    def _final(self, event: dict[str, Any]) -> StreamChunk:
        finish = _FINISH.get(event["delta"].get("stop_reason") or "end_turn", "stop")
        output = (event.get("usage") or {}).get("output_tokens")
        usage = None
        if self.input_tokens is not None and output:
            usage = Usage(input_tokens=self.input_tokens, output_tokens=output)
        return StreamChunk(finish_reason=finish, usage=usage)


# --- errors ----------------------------------------------------------------------------------------

SDK_ERRORS = (anthropic.AnthropicError, httpx2.HTTPError)


def provider_error(exc: Exception, *, mid_stream: bool = False) -> ProviderError:
    """Map an SDK / transport exception; never reuses its text (it may hold the key or host)."""
    if isinstance(exc, anthropic.APITimeoutError | httpx2.TimeoutException):
        return _errors.timeout_error()
    if isinstance(exc, anthropic.APIStatusError):
        return _errors.error_for_status(exc.status_code)
    if isinstance(exc, anthropic.APIConnectionError | httpx2.TransportError):
        return _errors.stream_broken_error() if mid_stream else _errors.connection_error()
    if isinstance(exc, anthropic.APIResponseValidationError):
        return _errors.invalid_response_error()
    # e.g. an `error` event (overloaded_error) inside a stream.
    return _errors.upstream_failed_error()


def mapped_errors() -> contextlib.AbstractContextManager[None]:
    return _errors.mapped(SDK_ERRORS, provider_error)


# --- the provider ----------------------------------------------------------------------------------


def make_client(target: DeploymentTarget) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key=target.api_key,
        base_url=target.base_url or None,
        timeout=target.timeout_seconds,
        max_retries=0,  # the gateway decides on retries and fallbacks
        default_headers=extra_headers(target),
        http_client=sdk_http_client(anthropic.DefaultAsyncHttpxClient),
    )


def _body(target: DeploymentTarget, request: ChatRequest) -> dict[str, Any]:
    params = create_params(target, request)
    params.update(params.pop("extra_body", None) or {})
    return params


class AnthropicProvider(Provider):
    """`client.post("/v1/messages")` rather than `client.messages.create`: the same SDK request
    (headers, anthropic-version, timeouts, status errors, SSE reading and in-band `error`
    events), minus the per-call param transform and the pydantic model built for every answer
    and every streamed event; answers are mapped from their JSON."""

    name = "anthropic"

    async def complete(self, target: DeploymentTarget, request: ChatRequest) -> ChatResult:
        client = cached_client(target, make_client)
        with mapped_errors():
            response = await client.post("/v1/messages", body=_body(target, request), cast_to=httpx2.Response)
        with _errors.malformed_answers():
            return result_from(orjson.loads(response.content))

    async def stream(self, target: DeploymentTarget, request: ChatRequest) -> AsyncIterator[StreamChunk]:
        client = cached_client(target, make_client)
        with mapped_errors():
            stream = await client.post(
                "/v1/messages",
                body={**_body(target, request), "stream": True},
                cast_to=object,
                stream=True,
                stream_cls=anthropic.AsyncStream[object],
            )
        chunks = _errors.mapped_stream(
            stream,
            _StreamState().chunk,
            sdk_errors=SDK_ERRORS,
            to_provider_error=provider_error,
            close=stream.close,
        )
        async with contextlib.aclosing(chunks):
            async for chunk in chunks:
                yield chunk


PROVIDER = AnthropicProvider()
