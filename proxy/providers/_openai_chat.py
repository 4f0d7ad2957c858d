"""Chat Completions over the OpenAI SDK: shared by `openai`, `azure` and `openai_compatible`.

Subclasses only say how to build the client, which max-tokens parameter their servers take, and
(for the opt-in lean transport, `options["transport"] = "fast"`, see `_fast_http`) which URL and
auth header to use.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai
import orjson
from openai import AsyncStream

from proxy.providers import _errors, _openai_fast
from proxy.providers._clients import cached_client, extra_headers
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
)

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


# --- request mapping -------------------------------------------------------------------------------


def _part(part: ContentPart) -> dict[str, Any]:
    if part.type == "text":
        return {"type": "text", "text": part.text}
    image: dict[str, Any] = {"url": part.image_url}
    if part.detail:
        image["detail"] = part.detail
    return {"type": "image_url", "image_url": image}


def _content(message: Message) -> str | list[dict[str, Any]] | None:
    if message.content is None or isinstance(message.content, str):
        return message.content
    if message.role in ("system", "tool"):
        return message.text()  # these roles take text only
    return [_part(part) for part in message.content]


def message_param(message: Message) -> dict[str, Any]:
    param: dict[str, Any] = {"role": message.role, "content": _content(message)}
    if message.name and message.role in ("system", "user", "assistant"):
        param["name"] = message.name
    if message.role == "tool":
        param["tool_call_id"] = message.tool_call_id or ""
        param["content"] = param["content"] or ""
    if message.tool_calls:
        param["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.tool_calls
        ]
    return param


def _tool_choice(choice: str | dict[str, str] | None) -> Any:
    if isinstance(choice, dict):
        return {"type": "function", "function": {"name": choice["name"]}}
    return choice


def create_params(request: ChatRequest, *, model: str, max_tokens_param: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": model,
        "messages": [message_param(m) for m in request.messages],
    }
    optional = {
        max_tokens_param: request.max_tokens,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "stop": request.stop or None,
        "response_format": request.response_format,
        "seed": request.seed,
        "user": request.user,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    if request.tools:
        params["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters or {"type": "object", "properties": {}},
                },
            }
            for t in request.tools
        ]
        if request.tool_choice is not None:
            params["tool_choice"] = _tool_choice(request.tool_choice)
    return params


# --- response mapping ------------------------------------------------------------------------------


# --- errors ----------------------------------------------------------------------------------------

SDK_ERRORS = (openai.OpenAIError, httpx2.HTTPError)


def provider_error(exc: Exception, *, mid_stream: bool = False) -> ProviderError:
    """Map an SDK / transport exception; never reuses its text (it may hold the key or host).

    `mid_stream`: the response had started, so a lost connection is a broken stream.
    """
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
        return _errors.timeout_error()
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 400 and exc.code == "content_filter":
            return _errors.content_filter_error()  # Azure's answer to a filtered prompt
        return _errors.error_for_status(exc.status_code)
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
        return _errors.stream_broken_error() if mid_stream else _errors.connection_error()
    if isinstance(exc, openai.APIResponseValidationError):
        return _errors.invalid_response_error()
    # An `error` event inside a stream, or any other SDK failure.
    return _errors.upstream_failed_error()


def mapped_errors() -> contextlib.AbstractContextManager[None]:
    return _errors.mapped(SDK_ERRORS, provider_error)


# --- the provider ----------------------------------------------------------------------------------


class OpenAIChatProvider(Provider):
    name = "openai"
    max_tokens_param = "max_completion_tokens"

    def make_client(self, target: DeploymentTarget) -> openai.AsyncOpenAI:
        raise NotImplementedError

    def _client(self, target: DeploymentTarget) -> openai.AsyncOpenAI:
        return cached_client(target, self.make_client)

    def _params(self, target: DeploymentTarget, request: ChatRequest) -> dict[str, Any]:
        param = target.options.get("max_tokens_param") or self.max_tokens_param
        # The deployment's upstream model is authoritative (for Azure it is the deployment name).
        return create_params(request, model=target.upstream_model, max_tokens_param=param)

    def fast_endpoint(self, target: DeploymentTarget) -> tuple[str, dict[str, str]]:
        """URL and auth header for the lean transport."""
        base = (target.base_url or "https://api.openai.com/v1").rstrip("/")
        return f"{base}/chat/completions", {"Authorization": f"Bearer {target.api_key}"}

    def _fast_request(self, target: DeploymentTarget) -> tuple[str, dict[str, str]] | None:
        if target.options.get("transport") != "fast":
            return None
        url, auth = self.fast_endpoint(target)
        headers = {"Content-Type": "application/json", "User-Agent": "guardflow", **auth}
        return url, {**headers, **(extra_headers(target) or {})}

    async def complete(self, target: DeploymentTarget, request: ChatRequest) -> ChatResult:
        fast = self._fast_request(target)
        if fast is not None:
            return await _openai_fast.complete(*fast, self._params(target, request), target.timeout_seconds)
        client = self._client(target)
        with mapped_errors():
            # `post` rather than `chat.completions.create`: the same SDK request, response parsing
            # and errors, minus create()'s recursive type-driven transform of params we already
            # built as plain JSON (about a third of the SDK's CPU cost per call).
            # The SDK sends, times out and raises its status errors; the body is read here with
            # orjson rather than into pydantic models (construct_type was ~0.3 ms a call).
            response = await client.post(
                "/chat/completions", body=self._params(target, request), cast_to=httpx2.Response
            )
        with _errors.malformed_answers():
            return _openai_fast.result_from_json(orjson.loads(response.content))

    async def stream(self, target: DeploymentTarget, request: ChatRequest) -> AsyncIterator[StreamChunk]:
        params = self._params(target, request)
        if target.options.get("stream_usage", True):
            # Without this OpenAI reports no usage on streams, and the quota would rest on estimates.
            params["stream_options"] = {"include_usage": True}
        fast = self._fast_request(target)
        if fast is not None:
            async for chunk in _openai_fast.stream(*fast, params, target.timeout_seconds):
                yield chunk
            return
        client = self._client(target)
        with mapped_errors():
            # The SDK reads the SSE stream, ends it at [DONE] and raises in-band error events;
            # chunks stay dicts (AsyncStream[object]) instead of a pydantic model each, which
            # was most of the gateway's CPU per streamed chunk.
            stream = await client.post(
                "/chat/completions",
                body={**params, "stream": True},
                cast_to=object,
                stream=True,
                stream_cls=AsyncStream[object],
            )
        chunks = _errors.mapped_stream(
            stream,
            _openai_fast.chunk_from_json,
            sdk_errors=SDK_ERRORS,
            to_provider_error=provider_error,
            close=stream.close,
        )
        async with contextlib.aclosing(chunks):
            async for chunk in chunks:
                yield chunk
