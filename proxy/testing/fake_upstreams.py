"""A fake LLM upstream on loopback speaking the OpenAI, Azure OpenAI, Anthropic and Gemini wire formats.

Provider tests point the real vendor SDKs at it; the benchmark uses it as the "direct" upstream.
It is a raw ASGI app served by uvicorn (httptools, uvloop when present) in a background thread, so
it is fast (thousands of small requests per second) and supports SSE streaming.

Behaviour is chosen by the requested upstream model name (parts may be joined with `+`, e.g.
`tools+no-usage`):

- anything else: a deterministic answer echoing the last user message, with usage = word counts;
- `fail-<status>` (e.g. `fail-500`, `fail-429`, `fail-401`, `fail-400`): that HTTP error, with a
  vendor-shaped error body that deliberately contains secret-looking text (the request's key and an
  internal host name) so tests can prove providers never pass upstream text on;
- `slow-<ms>`: wait that long before answering;
- `tools`: answer with a call to the first tool offered (unless the last message is a tool result,
  which is then echoed back as text: a full tool round trip);
- `stream-break`: a stream that is cut (connection dropped) after two content chunks (two text or
  tool-call pieces; the dialects' preliminary events, like OpenAI's role chunk or Anthropic's
  message_start / content_block_start, come before them and do not count);
- `no-usage`: no usage in the answer;
- `malformed`: HTTP 200 with a JSON body that is not the vendor's answer shape;
- `content-filter`: HTTP 400 with error code `content_filter` (what Azure answers for a filtered prompt).

Routes: `POST /v1/chat/completions` (OpenAI and OpenAI-compatible),
`POST /openai/deployments/{deployment}/chat/completions` (Azure), `POST /v1/messages` (Anthropic),
`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse` (Gemini).

CLI: `python -m proxy.testing.fake_upstreams --port 9100`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
import uvicorn

from proxy.testing.asgi_server import ThreadedASGIServer

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

INTERNAL_HOST_MARKER = "fake-internal-host.corp.local"
_ids = itertools.count(1)


class _StreamCut(Exception):
    """Raised inside the app to make uvicorn drop the connection mid-stream (`stream-break`)."""


@dataclass(frozen=True)
class Behaviour:
    fail_status: int | None = None
    slow_ms: int = 0
    tools: bool = False
    stream_break: bool = False
    no_usage: bool = False
    content_filter: bool = False
    malformed: bool = False


def behaviour_for(model: str) -> Behaviour:
    """Parse the behaviour knobs out of a model name; unknown parts are ignored (plain echo)."""
    fields: dict[str, Any] = {}
    for part in model.split("+"):
        if part.startswith("fail-") and part[5:].isdigit():
            fields["fail_status"] = int(part[5:])
        elif part.startswith("slow-") and part[5:].isdigit():
            fields["slow_ms"] = int(part[5:])
        elif part == "tools":
            fields["tools"] = True
        elif part == "stream-break":
            fields["stream_break"] = True
        elif part == "no-usage":
            fields["no_usage"] = True
        elif part == "malformed":
            fields["malformed"] = True
        elif part == "content-filter":
            fields.update(content_filter=True, fail_status=400)
    return Behaviour(**fields)


# --- reading prompts (generic across the three dialects) ---------------------------------------


def _strings(value: Any) -> list[str]:
    """Every text string in a message/content structure, in order (keys `text` / `content`)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        found: list[str] = []
        for key in ("text", "content", "parts"):
            if key in value:
                found.extend(_strings(value[key]))
        return found
    return []


def count_tokens(text: str) -> int:
    """The fake's tokenizer: whitespace-separated words (documented so tests can predict usage)."""
    return len(text.split())


@dataclass(frozen=True)
class Prompt:
    all_text: str
    last_user_text: str
    tool_result: str | None  # set when the conversation ends with a tool result
    first_tool: str | None


def _openai_prompt(body: dict) -> Prompt:
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    tool_result = " ".join(_strings(last.get("content"))) if last.get("role") == "tool" else None
    users = [m for m in messages if m.get("role") == "user"]
    tools = body.get("tools") or []
    first_tool = tools[0].get("function", {}).get("name") if tools else None
    return Prompt(
        all_text=" ".join(_strings(messages)),
        last_user_text=" ".join(_strings(users[-1].get("content"))) if users else "",
        tool_result=tool_result,
        first_tool=first_tool,
    )


def _anthropic_prompt(body: dict) -> Prompt:
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    content = last.get("content")
    tool_result = None
    if isinstance(content, list):
        results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
        if results:
            tool_result = " ".join(_strings(results[-1].get("content")))
    users = [m for m in messages if m.get("role") == "user"]
    last_user = ""
    if users:
        user_content = users[-1].get("content")
        blocks = user_content if isinstance(user_content, list) else [user_content]
        last_user = " ".join(
            s for b in blocks if isinstance(b, str) or b.get("type") == "text" for s in _strings(b)
        )
    tools = body.get("tools") or []
    return Prompt(
        all_text=" ".join(_strings(body.get("system")) + _strings(messages)),
        last_user_text=last_user,
        tool_result=tool_result,
        first_tool=tools[0].get("name") if tools else None,
    )


def _camel(value: Any) -> Any:
    """Gemini accepts snake_case and camelCase field names; read both (as the real API does)."""
    if isinstance(value, list):
        return [_camel(v) for v in value]
    if isinstance(value, dict):
        return {_camel_key(k): _camel(v) for k, v in value.items()}
    return value


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _gemini_prompt(body: dict) -> Prompt:
    body = _camel(body)
    contents = body.get("contents") or []
    last_parts = contents[-1].get("parts", []) if contents else []
    responses = [p["functionResponse"] for p in last_parts if "functionResponse" in p]
    tool_result = orjson.dumps(responses[-1].get("response")).decode() if responses else None
    users = [c for c in contents if c.get("role", "user") == "user"]
    last_user = " ".join(p["text"] for p in users[-1].get("parts", []) if "text" in p) if users else ""
    declarations = [d for tool in body.get("tools") or [] for d in tool.get("functionDeclarations") or []]
    system = body.get("systemInstruction") or {}
    return Prompt(
        all_text=" ".join(_strings(system) + _strings(contents)),
        last_user_text=last_user,
        tool_result=tool_result,
        first_tool=declarations[0].get("name") if declarations else None,
    )


@dataclass(frozen=True)
class Answer:
    """What the fake model 'says', before a dialect renders it."""

    text: str
    tool_name: str | None
    tool_arguments: str
    finish: str  # "stop" | "length" | "tool_calls"
    input_tokens: int
    output_tokens: int


TOOL_ARGUMENTS = '{"location": "Paris", "unit": "celsius"}'


def answer_for(prompt: Prompt, behaviour: Behaviour, max_tokens: int | None) -> Answer:
    input_tokens = max(1, count_tokens(prompt.all_text))
    if behaviour.tools and prompt.first_tool and prompt.tool_result is None:
        return Answer("", prompt.first_tool, TOOL_ARGUMENTS, "tool_calls", input_tokens, 12)
    if prompt.tool_result is not None:
        text = f"Tool said: {prompt.tool_result}"
    else:
        text = f"Hello from the fake upstream. You said: {prompt.last_user_text}"
    words = text.split()
    finish = "stop"
    if max_tokens is not None and 0 < max_tokens < len(words):
        words, finish = words[:max_tokens], "length"
    return Answer(" ".join(words), None, "", finish, input_tokens, len(words))


def _pieces(text: str) -> list[str]:
    """Stream pieces: one per word, spaces kept so that joining them gives the text back."""
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


# --- OpenAI / Azure dialect ------------------------------------------------------------------------

_OPENAI_FINISH = {"stop": "stop", "length": "length", "tool_calls": "tool_calls"}


def _openai_usage(answer: Answer) -> dict:
    return {
        "prompt_tokens": answer.input_tokens,
        "completion_tokens": answer.output_tokens,
        "total_tokens": answer.input_tokens + answer.output_tokens,
    }


def openai_completion(model: str, answer: Answer, behaviour: Behaviour) -> dict:
    message: dict[str, Any] = {"role": "assistant", "content": answer.text or None, "refusal": None}
    if answer.tool_name:
        message["tool_calls"] = [
            {
                "id": f"call_{next(_ids)}",
                "type": "function",
                "function": {"name": answer.tool_name, "arguments": answer.tool_arguments},
            }
        ]
    body: dict[str, Any] = {
        "id": f"chatcmpl-fake{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": answer.finish, "logprobs": None}],
        "system_fingerprint": "fp_fake",
    }
    if not behaviour.no_usage:
        body["usage"] = _openai_usage(answer)
    return body


def openai_chunks(model: str, answer: Answer, behaviour: Behaviour, include_usage: bool) -> list[dict]:
    cid, created = f"chatcmpl-fake{next(_ids)}", int(time.time())

    def chunk(delta: dict, finish: str | None = None) -> dict:
        return {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    chunks = [chunk({"role": "assistant", "content": ""})]
    if answer.tool_name:
        chunks.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": f"call_{next(_ids)}",
                            "type": "function",
                            "function": {"name": answer.tool_name, "arguments": ""},
                        }
                    ]
                }
            )
        )
        half = len(answer.tool_arguments) // 2
        for piece in (answer.tool_arguments[:half], answer.tool_arguments[half:]):
            chunks.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
    else:
        chunks.extend(chunk({"content": piece}) for piece in _pieces(answer.text))
    chunks.append(chunk({}, _OPENAI_FINISH[answer.finish]))
    if include_usage and not behaviour.no_usage:
        usage_chunk = chunk({})
        usage_chunk["choices"] = []
        usage_chunk["usage"] = _openai_usage(answer)
        chunks.append(usage_chunk)
    return chunks


def openai_error(status: int, api_key: str, *, code: str = "fake_failure") -> dict:
    return {
        "error": {
            "message": f"Fake failure {status} at {INTERNAL_HOST_MARKER}; key provided: {api_key}",
            "type": "invalid_request_error" if status < 500 else "server_error",
            "param": None,
            "code": code,
        }
    }


# --- Anthropic dialect -----------------------------------------------------------------------------

_ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


def _anthropic_block(answer: Answer) -> dict:
    if answer.tool_name:
        return {
            "type": "tool_use",
            "id": f"toolu_fake{next(_ids)}",
            "name": answer.tool_name,
            "input": orjson.loads(answer.tool_arguments),
        }
    return {"type": "text", "text": answer.text}


def anthropic_message(model: str, answer: Answer, behaviour: Behaviour) -> dict:
    body: dict[str, Any] = {
        "id": f"msg_fake{next(_ids)}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [_anthropic_block(answer)],
        "stop_reason": _ANTHROPIC_STOP[answer.finish],
        "stop_sequence": None,
    }
    if not behaviour.no_usage:
        body["usage"] = {"input_tokens": answer.input_tokens, "output_tokens": answer.output_tokens}
    return body


def anthropic_events(model: str, answer: Answer, behaviour: Behaviour) -> list[tuple[str, dict]]:
    start = anthropic_message(model, answer, behaviour)
    start.update(content=[], stop_reason=None)
    if "usage" in start:
        start["usage"] = {"input_tokens": answer.input_tokens, "output_tokens": 1}
    block = _anthropic_block(answer)
    events: list[tuple[str, dict]] = [("message_start", {"type": "message_start", "message": start})]
    if answer.tool_name:
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": {**block, "input": {}}},
            )
        )
        half = len(answer.tool_arguments) // 2
        deltas = [
            {"type": "input_json_delta", "partial_json": p}
            for p in (answer.tool_arguments[:half], answer.tool_arguments[half:])
        ]
    else:
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            )
        )
        deltas = [{"type": "text_delta", "text": piece} for piece in _pieces(answer.text)]
    events.extend(
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": d}) for d in deltas
    )
    events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
    delta_event: dict[str, Any] = {
        "type": "message_delta",
        "delta": {"stop_reason": _ANTHROPIC_STOP[answer.finish], "stop_sequence": None},
        "usage": {"output_tokens": 0 if behaviour.no_usage else answer.output_tokens},
    }
    events.append(("message_delta", delta_event))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def anthropic_error(status: int, api_key: str) -> dict:
    kind = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error"}
    return {
        "type": "error",
        "error": {
            "type": kind.get(status, "api_error"),
            "message": f"Fake failure {status} at {INTERNAL_HOST_MARKER}; key provided: {api_key}",
        },
    }


# --- Gemini dialect --------------------------------------------------------------------------------

_GEMINI_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP"}


def _gemini_usage(answer: Answer) -> dict:
    return {
        "promptTokenCount": answer.input_tokens,
        "candidatesTokenCount": answer.output_tokens,
        "totalTokenCount": answer.input_tokens + answer.output_tokens,
    }


def _gemini_response(model: str, parts: list[dict], finish: str | None, usage: dict | None) -> dict:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    body: dict[str, Any] = {"candidates": [candidate], "modelVersion": model, "responseId": f"r{next(_ids)}"}
    if usage:
        body["usageMetadata"] = usage
    return body


def _gemini_parts(answer: Answer) -> list[dict]:
    if answer.tool_name:
        args = orjson.loads(answer.tool_arguments)
        return [{"functionCall": {"name": answer.tool_name, "args": args}}]
    return [{"text": answer.text}]


def gemini_response(model: str, answer: Answer, behaviour: Behaviour) -> dict:
    usage = None if behaviour.no_usage else _gemini_usage(answer)
    return _gemini_response(model, _gemini_parts(answer), _GEMINI_FINISH[answer.finish], usage)


def gemini_chunks(model: str, answer: Answer, behaviour: Behaviour) -> list[dict]:
    if answer.tool_name:
        pieces = [_gemini_parts(answer)]
    else:
        pieces = [[{"text": piece}] for piece in _pieces(answer.text)]
    chunks = [_gemini_response(model, parts, None, None) for parts in pieces]
    chunks[-1] = _gemini_response(
        model,
        pieces[-1],
        _GEMINI_FINISH[answer.finish],
        None if behaviour.no_usage else _gemini_usage(answer),
    )
    return chunks


def gemini_error(status: int, api_key: str) -> dict:
    names = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        429: "RESOURCE_EXHAUSTED",
    }
    return {
        "error": {
            "code": status,
            "message": f"Fake failure {status} at {INTERNAL_HOST_MARKER}; key provided: {api_key}",
            "status": names.get(status, "INTERNAL"),
        }
    }


# --- the ASGI app ----------------------------------------------------------------------------------


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def _send_json(send: Send, status: int, payload: Any) -> None:
    data = orjson.dumps(payload)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if status == 429:
        headers.append((b"retry-after", b"0"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _send_sse(send: Send, events: list[bytes], cut_after: int | None) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
        }
    )
    for sent, event in enumerate(events):
        if cut_after is not None and sent >= cut_after:
            raise _StreamCut
        await send({"type": "http.response.body", "body": event, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


def _sse_data(payload: Any) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def _api_key(headers: dict[str, str]) -> str:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:]
    return headers.get("api-key") or headers.get("x-api-key") or headers.get("x-goog-api-key") or ""


@dataclass
class _Call:
    dialect: str  # "openai" | "anthropic" | "gemini"
    model: str
    stream: bool


def _route(method: str, path: str, query: dict[str, list[str]], body: dict) -> _Call | None:
    if method != "POST":
        return None
    if path.endswith("/chat/completions"):
        if path.startswith("/openai/deployments/"):
            model = path[len("/openai/deployments/") : -len("/chat/completions")]
            return _Call("openai", model, bool(body.get("stream")))
        return _Call("openai", str(body.get("model", "")), bool(body.get("stream")))
    if path.endswith("/messages"):
        return _Call("anthropic", str(body.get("model", "")), bool(body.get("stream")))
    if "/models/" in path and ":" in path:
        model, _, verb = path.rsplit("/", 1)[1].partition(":")
        if verb in ("generateContent", "streamGenerateContent"):
            return _Call("gemini", model, verb == "streamGenerateContent")
    return None


class FakeUpstreamApp:
    """The raw ASGI application. `requests` records every request when `record` is on."""

    def __init__(self, *, record: bool = True) -> None:
        self.record = record
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        raw = await _read_body(receive)
        try:
            body = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            await _send_json(
                send, 400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}}
            )
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode())
        if self.record:
            self.requests.append(
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": query,
                    "headers": headers,
                    "json": body,
                }
            )
        call = _route(scope["method"], scope["path"], query, body)
        if call is None:
            await _send_json(send, 404, {"error": {"message": "no such route", "type": "not_found"}})
            return
        await self._answer(call, body, headers, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _answer(self, call: _Call, body: dict, headers: dict[str, str], send: Send) -> None:
        behaviour = behaviour_for(call.model)
        if behaviour.slow_ms:
            await asyncio.sleep(behaviour.slow_ms / 1000)
        if behaviour.content_filter and call.dialect == "openai":
            await _send_json(send, 400, openai_error(400, _api_key(headers), code="content_filter"))
            return
        if behaviour.fail_status:
            error = {"openai": openai_error, "anthropic": anthropic_error, "gemini": gemini_error}[
                call.dialect
            ]
            await _send_json(send, behaviour.fail_status, error(behaviour.fail_status, _api_key(headers)))
            return
        if behaviour.malformed:
            await _send_json(send, 200, {"unexpected": True})
            return
        # Events before the first content chunk, per dialect (see `stream-break` above).
        preamble = {"openai": 1, "anthropic": 2, "gemini": 0}[call.dialect]
        cut_after = preamble + 2 if behaviour.stream_break else None
        if call.dialect == "openai":
            await self._openai(call, body, behaviour, send, cut_after)
        elif call.dialect == "anthropic":
            await self._anthropic(call, body, behaviour, send, cut_after)
        else:
            await self._gemini(call, body, behaviour, send, cut_after)

    async def _openai(
        self, call: _Call, body: dict, behaviour: Behaviour, send: Send, cut: int | None
    ) -> None:
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
        answer = answer_for(_openai_prompt(body), behaviour, max_tokens)
        if not call.stream:
            await _send_json(send, 200, openai_completion(call.model, answer, behaviour))
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        chunks = openai_chunks(call.model, answer, behaviour, include_usage)
        await _send_sse(send, [*map(_sse_data, chunks), b"data: [DONE]\n\n"], cut)

    async def _anthropic(
        self, call: _Call, body: dict, behaviour: Behaviour, send: Send, cut: int | None
    ) -> None:
        answer = answer_for(_anthropic_prompt(body), behaviour, body.get("max_tokens"))
        if not call.stream:
            await _send_json(send, 200, anthropic_message(call.model, answer, behaviour))
            return
        events = [
            b"event: " + name.encode() + b"\n" + _sse_data(data)
            for name, data in anthropic_events(call.model, answer, behaviour)
        ]
        await _send_sse(send, events, cut)

    async def _gemini(
        self, call: _Call, body: dict, behaviour: Behaviour, send: Send, cut: int | None
    ) -> None:
        config = _camel(body.get("generationConfig") or {})
        answer = answer_for(_gemini_prompt(body), behaviour, config.get("maxOutputTokens"))
        if not call.stream:
            await _send_json(send, 200, gemini_response(call.model, answer, behaviour))
            return
        await _send_sse(send, [_sse_data(c) for c in gemini_chunks(call.model, answer, behaviour)], cut)


class FakeUpstream(ThreadedASGIServer):
    """The fake upstream server in a background thread.

    >>> with FakeUpstream() as upstream:
    ...     upstream.base_url  # "http://127.0.0.1:<port>"
    """

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, record: bool = True, keep_alive_seconds: float = 5
    ) -> None:
        self.app = FakeUpstreamApp(record=record)
        # keep_alive_seconds: tests of stale pooled connections shorten it.
        super().__init__(self.app, host=host, port=port, lifespan="on", keep_alive_seconds=keep_alive_seconds)

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.app.requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--record", action="store_true", help="keep every request in memory (debugging)")
    args = parser.parse_args()
    app = FakeUpstreamApp(record=args.record)
    print(f"fake upstream on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, http="httptools", log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
