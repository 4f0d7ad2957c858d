"""Chat Completions over `_fast_http` instead of the OpenAI SDK (opt-in per deployment with
`options["transport"] = "fast"`; see `_fast_http` for why). Same request body as the SDK path
(`_openai_chat.create_params`), same normalised results and the same error mapping."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson

from proxy.providers import _errors, _fast_http
from proxy.providers.base import (
    ChatResult,
    FinishReason,
    ProviderError,
    StreamChunk,
    ToolCall,
    ToolCallDelta,
    Usage,
)

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}
_MAX_ERROR_BODY = 64 * 1024


# --- JSON → normalised types -----------------------------------------------------------------------


def _usage(usage: dict | None) -> Usage | None:
    if not usage:
        return None
    return Usage(
        input_tokens=usage.get("prompt_tokens") or 0, output_tokens=usage.get("completion_tokens") or 0
    )


def result_from_json(data: dict[str, Any]) -> ChatResult:
    choice = data["choices"][0]
    message = choice["message"]
    calls = [
        ToolCall(id=c["id"], name=c["function"]["name"], arguments=c["function"].get("arguments") or "")
        for c in message.get("tool_calls") or []
        if c.get("function")
    ]
    finish = _FINISH.get(choice.get("finish_reason") or "stop", "stop")
    content = message.get("content") or ""
    if not content and message.get("refusal"):
        content, finish = message["refusal"], "content_filter"
    return ChatResult(
        id=data.get("id") or "",
        model=data.get("model") or "",
        content=content,
        tool_calls=calls,
        finish_reason=finish,
        usage=_usage(data.get("usage")),
    )


def _delta(d: dict[str, Any]) -> ToolCallDelta:
    function = d.get("function") or {}
    return ToolCallDelta(
        index=d.get("index") or 0,
        id=d.get("id"),
        name=function.get("name"),
        arguments=function.get("arguments") or "",
    )


def chunk_from_json(data: dict[str, Any]) -> StreamChunk | None:
    text, deltas, finish = "", (), None
    choices = data.get("choices") or []
    if choices:
        delta = choices[0].get("delta") or {}
        text = delta.get("content") or ""
        deltas = tuple(_delta(d) for d in delta.get("tool_calls") or [])
        reason = choices[0].get("finish_reason")
        finish = _FINISH.get(reason) if reason else None
    usage = _usage(data.get("usage"))
    if not (text or deltas or finish or usage):
        return None
    return StreamChunk(text=text, tool_calls=deltas, finish_reason=finish, usage=usage)


# --- errors ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def transport_errors(*, mid_stream: bool = False) -> Iterator[None]:
    try:
        yield
    except _fast_http.TransportTimeout:
        raise _errors.timeout_error() from None
    except _fast_http.TransportFailure as failure:
        lost = mid_stream or failure.started
        raise (_errors.stream_broken_error() if lost else _errors.connection_error()) from None
    except _fast_http.MalformedResponse:
        raise _errors.invalid_response_error() from None


def status_error(status: int, body: bytes) -> ProviderError:
    """The error for an HTTP error answer; only the error *code* is read from the body, never its text."""
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        error = orjson.loads(body[:_MAX_ERROR_BODY]).get("error") or {}
        if status == 400 and error.get("code") == "content_filter":
            return _errors.content_filter_error()
    return _errors.error_for_status(status)


# --- the exchanges ---------------------------------------------------------------------------------


async def _open(url: str, body: bytes, headers: dict[str, str], timeout: float) -> _fast_http.Response:
    try:
        with transport_errors():
            response = await _fast_http.post(url, body, headers, timeout=timeout)
    except ValueError:
        raise _errors.misconfigured_error() from None
    if response.status >= 400:
        try:
            with transport_errors():
                data = await response.read()
        finally:
            response.close()
        raise status_error(response.status, data)
    return response


async def complete(url: str, headers: dict[str, str], params: dict[str, Any], timeout: float) -> ChatResult:
    response = await _open(url, orjson.dumps(params), {**headers, "Accept": "application/json"}, timeout)
    try:
        with transport_errors():
            data = await response.read()
    finally:
        response.close()
    with _errors.malformed_answers():
        return result_from_json(orjson.loads(data))


def _events(buffer: bytearray) -> Iterator[bytes]:
    """Complete SSE events' data, consumed from the front of `buffer` (CRLF already normalised)."""
    while (end := buffer.find(b"\n\n")) >= 0:
        event = bytes(buffer[:end])
        del buffer[: end + 2]
        data = [line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:")]
        if data:
            yield b"\n".join(data)


def _chunk(data: bytes) -> StreamChunk | None:
    with _errors.malformed_answers():
        payload = orjson.loads(data)
        if "error" in payload:  # an error event inside the stream
            raise _errors.upstream_failed_error()
        return chunk_from_json(payload)


async def stream(
    url: str, headers: dict[str, str], params: dict[str, Any], timeout: float
) -> AsyncIterator[StreamChunk]:
    body = orjson.dumps({**params, "stream": True})
    response = await _open(url, body, {**headers, "Accept": "text/event-stream"}, timeout)
    buffer, finished = bytearray(), False
    try:
        with transport_errors(mid_stream=True):
            async for piece in response.chunks():
                buffer += piece
                if b"\r" in buffer:
                    buffer[:] = buffer.replace(b"\r\n", b"\n")
                for data in _events(buffer) if not finished else ():
                    if data == b"[DONE]":
                        finished = True  # keep reading to the end of the body, so the connection is reusable
                        break
                    chunk = _chunk(data)
                    if chunk is not None:
                        yield chunk
    finally:
        response.close()
