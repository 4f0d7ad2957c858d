"""Gemini (Developer API) via `google.genai.Client(...).aio`.

Mapping: system messages → `system_instruction`; assistant → role "model"; assistant tool calls →
`function_call` parts; tool results → user `function_response` parts (Gemini wants the function's
name, looked up from the earlier call); images → `inline_data` (data: URIs) or `file_data` (URLs);
tools → function declarations with their JSON Schema; tool_choice → function-calling mode;
response_format → Gemini's native JSON mode (`response_mime_type`, plus the schema when given).

Gemini does not always give function calls an id, and (for thinking models) attaches a "thought
signature" to them that must be sent back with the call in the next turn. Both travel in the
normalised tool-call id: `gsig_<base64url signature>` when there is a signature (clients echo ids
back verbatim), otherwise Gemini's id, otherwise a generated `call_<n>`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from proxy.providers import _errors
from proxy.providers._clients import cached_client, extra_headers, shared_ssl_context
from proxy.providers._content import (
    dump_arguments,
    guess_media_type,
    parse_arguments,
    parse_data_uri,
    system_text,
    tool_names_by_call_id,
)
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

SIGNATURE_PREFIX = "gsig_"
_MAX_SIGNATURE_BYTES = 8192  # longer signatures are not carried in ids (the call still works)
_FINISH: dict[str, FinishReason] = {"STOP": "stop", "MAX_TOKENS": "length"}
_FILTERED = {
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT",
    "IMAGE_RECITATION",
    "MODEL_ARMOR",
}


# --- request mapping -------------------------------------------------------------------------------


def _image_part(part: ContentPart) -> dict[str, Any]:
    data_uri = parse_data_uri(part.image_url)
    if data_uri is not None:
        media_type, data = data_uri
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ProviderError(
                "An image in the request is not valid base64.",
                retryable=False,
                status=400,
                code="invalid_image",
            ) from None
        return {"inline_data": {"mime_type": media_type, "data": raw}}
    return {"file_data": {"file_uri": part.image_url, "mime_type": guess_media_type(part.image_url)}}


def _signature(call_id: str) -> bytes | None:
    if not call_id.startswith(SIGNATURE_PREFIX):
        return None
    encoded = call_id[len(SIGNATURE_PREFIX) :]
    with contextlib.suppress(binascii.Error, ValueError):
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    return None


def _call_part(call: ToolCall) -> dict[str, Any]:
    part: dict[str, Any] = {"function_call": {"name": call.name, "args": parse_arguments(call.arguments)}}
    signature = _signature(call.id)
    if signature:
        part["thought_signature"] = signature
    return part


def _tool_result_part(message: Message, names: dict[str, str]) -> dict[str, Any]:
    text = message.text()
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    response = value if isinstance(value, dict) else {"result": value}
    name = names.get(message.tool_call_id or "") or message.name or "tool"
    return {"function_response": {"name": name, "response": response}}


def _parts(message: Message, names: dict[str, str]) -> list[dict[str, Any]]:
    if message.role == "tool":
        return [_tool_result_part(message, names)]
    if isinstance(message.content, list):
        parts = [{"text": p.text} if p.type == "text" else _image_part(p) for p in message.content]
    else:
        parts = [{"text": message.content}] if message.content else []
    parts.extend(_call_part(c) for c in message.tool_calls)
    return parts


def contents_param(messages: list[Message]) -> list[genai_types.Content]:
    names = tool_names_by_call_id(messages)
    contents: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        role = "model" if message.role == "assistant" else "user"
        parts = _parts(message, names)
        if not parts:
            continue
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)  # e.g. several function responses: one turn
        else:
            contents.append({"role": role, "parts": parts})
    # Typed objects, so that the SDK serialises nested fields (inline_data...) in the API's casing.
    return [genai_types.Content.model_validate(content) for content in contents]


def _tool_config(choice: str | dict[str, str] | None) -> dict[str, Any] | None:
    if isinstance(choice, dict):
        return {"function_calling_config": {"mode": "ANY", "allowed_function_names": [choice["name"]]}}
    mode = {"auto": "AUTO", "required": "ANY", "none": "NONE"}.get(choice or "")
    return {"function_calling_config": {"mode": mode}} if mode else None


def _json_mode(request: ChatRequest) -> dict[str, Any]:
    fmt = request.response_format or {}
    if fmt.get("type") == "json_object":
        return {"response_mime_type": "application/json"}
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
        return {"response_mime_type": "application/json", "response_json_schema": schema}
    return {}


def config_param(request: ChatRequest) -> genai_types.GenerateContentConfig:
    config: dict[str, Any] = {
        "system_instruction": system_text(request.messages) or None,
        "max_output_tokens": request.max_tokens,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "stop_sequences": request.stop or None,
        "seed": request.seed,
        # The SDK only runs Python callables itself; make sure it never tries.
        "automatic_function_calling": {"disable": True},
        **_json_mode(request),
    }
    if request.tools:
        declarations = [
            {
                "name": t.name,
                "description": t.description,
                "parameters_json_schema": t.parameters or {"type": "object", "properties": {}},
            }
            for t in request.tools
        ]
        config["tools"] = [{"function_declarations": declarations}]
        config["tool_config"] = _tool_config(request.tool_choice)
    present = {k: v for k, v in config.items() if v is not None}
    return genai_types.GenerateContentConfig.model_validate(present)


# --- response mapping ------------------------------------------------------------------------------


def _call_id(call: Any, part: Any, number: int) -> str:
    signature = getattr(part, "thought_signature", None)
    if signature and len(signature) <= _MAX_SIGNATURE_BYTES:
        return SIGNATURE_PREFIX + base64.urlsafe_b64encode(signature).decode().rstrip("=")
    return call.id or f"call_{number}"


def _usage(metadata: Any) -> Usage | None:
    if metadata is None or metadata.prompt_token_count is None:
        return None
    # Thinking tokens are billed as output.
    output = (metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)
    return Usage(input_tokens=metadata.prompt_token_count, output_tokens=output)


def _finish(reason: Any, has_calls: bool) -> FinishReason | None:
    if reason is None:
        return None
    name = getattr(reason, "value", reason)
    if name in _FILTERED:
        return "content_filter"
    if has_calls:
        return "tool_calls"
    return _FINISH.get(name, "stop")


def _candidate_parts(response: Any) -> tuple[Any, list[Any]]:
    candidate = response.candidates[0] if response.candidates else None
    content = candidate.content if candidate is not None else None
    return candidate, list(content.parts or []) if content is not None else []


def result_from(response: Any) -> ChatResult:
    candidate, parts = _candidate_parts(response)
    text = "".join(p.text for p in parts if p.text and not p.thought)
    calls = [
        ToolCall(
            id=_call_id(p.function_call, p, n),
            name=p.function_call.name,
            arguments=dump_arguments(p.function_call.args),
        )
        for n, p in enumerate(p for p in parts if p.function_call is not None)
    ]
    if candidate is None and getattr(response, "prompt_feedback", None) is None:
        raise _errors.invalid_response_error()
    # No candidate but prompt feedback: the prompt itself was blocked.
    finish = _finish(candidate.finish_reason, bool(calls)) if candidate is not None else "content_filter"
    return ChatResult(
        id=response.response_id or "",
        model=response.model_version or "",
        content=text,
        tool_calls=calls,
        finish_reason=finish or "stop",
        usage=_usage(response.usage_metadata),
    )


class _StreamState:
    """Gemini streams whole parts; function calls arrive complete, each becomes one delta."""

    def __init__(self) -> None:
        self.calls = 0
        self.finish: FinishReason | None = None
        self.usage: Usage | None = None

    def chunk(self, response: Any) -> StreamChunk | None:
        candidate, parts = _candidate_parts(response)
        text = "".join(p.text for p in parts if p.text and not p.thought)
        deltas = []
        for part in parts:
            if part.function_call is not None:
                call = part.function_call
                deltas.append(
                    ToolCallDelta(
                        index=self.calls,
                        id=_call_id(call, part, self.calls),
                        name=call.name,
                        arguments=dump_arguments(call.args),
                    )
                )
                self.calls += 1
        # Usage is cumulative on each response; finish and usage go out once, at the end.
        self.usage = _usage(response.usage_metadata) or self.usage
        if candidate is not None and candidate.finish_reason is not None:
            self.finish = _finish(candidate.finish_reason, self.calls > 0)
        elif candidate is None and getattr(response, "prompt_feedback", None) is not None:
            self.finish = "content_filter"
        return StreamChunk(text=text, tool_calls=tuple(deltas)) if text or deltas else None

    def final(self) -> StreamChunk:
        return StreamChunk(
            finish_reason=self.finish or ("tool_calls" if self.calls else "stop"), usage=self.usage
        )


# --- errors ----------------------------------------------------------------------------------------

SDK_ERRORS = (genai_errors.APIError, httpx.HTTPError, httpx2.HTTPError)


def provider_error(exc: Exception, *, mid_stream: bool = False) -> ProviderError:
    """Map an SDK / transport exception; never reuses its text (it may hold the key or host)."""
    if isinstance(exc, httpx.TimeoutException | httpx2.TimeoutException):
        return _errors.timeout_error()
    if isinstance(exc, genai_errors.APIError):
        if isinstance(exc.code, int) and exc.code >= 400:
            return _errors.error_for_status(exc.code)
        return _errors.upstream_failed_error()
    return _errors.stream_broken_error() if mid_stream else _errors.connection_error()


def mapped_errors() -> contextlib.AbstractContextManager[None]:
    return _errors.mapped(SDK_ERRORS, provider_error)


# --- the provider ----------------------------------------------------------------------------------


def make_client(target: DeploymentTarget) -> genai.client.AsyncClient:
    options = genai_types.HttpOptions(
        base_url=target.base_url or None,
        api_version=target.api_version or None,
        timeout=int(target.timeout_seconds * 1000),
        headers=extra_headers(target),
        retry_options=genai_types.HttpRetryOptions(attempts=1),  # the gateway decides on retries
        client_args={"verify": shared_ssl_context()},
        # "ssl" is what the SDK reads for its websocket (Live API) context; it filters args per client.
        async_client_args={"verify": shared_ssl_context(), "ssl": shared_ssl_context()},
    )
    return genai.Client(api_key=target.api_key or "unset", vertexai=False, http_options=options).aio


class GeminiProvider(Provider):
    name = "gemini"

    async def complete(self, target: DeploymentTarget, request: ChatRequest) -> ChatResult:
        client = cached_client(target, make_client)
        contents, config = contents_param(request.messages), config_param(request)
        with mapped_errors():
            response = await client.models.generate_content(
                model=target.upstream_model, contents=contents, config=config
            )
        with _errors.malformed_answers():
            return result_from(response)

    async def stream(self, target: DeploymentTarget, request: ChatRequest) -> AsyncIterator[StreamChunk]:
        client = cached_client(target, make_client)
        contents, config = contents_param(request.messages), config_param(request)
        with mapped_errors():
            responses = await client.models.generate_content_stream(
                model=target.upstream_model, contents=contents, config=config
            )
        state = _StreamState()

        async def close() -> None:
            with contextlib.suppress(AttributeError):  # not every SDK stream object has aclose()
                await responses.aclose()

        chunks = _errors.mapped_stream(
            responses, state.chunk, sdk_errors=SDK_ERRORS, to_provider_error=provider_error, close=close
        )
        async with contextlib.aclosing(chunks):
            async for chunk in chunks:
                yield chunk
        yield state.final()


PROVIDER = GeminiProvider()
