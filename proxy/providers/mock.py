"""The built-in mock model: no network, deterministic answers and streams.

It is the embedded default's model (everything works with no API key) and the tests' workhorse.
The answer is derived from the last user message only, so the same prompt always gets the same
answer. Usage: input = ceil(characters / 4) of all message text, output = number of streamed
pieces (one per word), so `output_tokens <= max_tokens` always holds.

`target.options` knobs:
- `token_delay_ms` (default 0): pause between streamed pieces (and the same total for `complete`);
- `fail`: `"retryable"` | `"fatal"` | `"timeout"` — fail before answering;
- `fail_after_chunks`: raise a ProviderError mid-stream after that many chunks;
- `input_tokens`: `"utf8_bytes"` reports one input token per byte of message text (a tokeniser
  at its worst, as on CJK text or one-letter words) instead of characters / 4.

Tool calls: when tools are offered and `tool_choice` is "required" or names a tool, or the last user
message says "call <tool name>", the mock calls that tool (or the first one) with arguments built
from its JSON Schema. When the conversation ends with a tool result, the mock reports it back.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from proxy.providers.base import (
    ChatRequest,
    ChatResult,
    DeploymentTarget,
    FinishReason,
    Provider,
    ProviderError,
    StreamChunk,
    ToolCall,
    ToolCallDelta,
    ToolSpec,
    Usage,
)

PREFIX = "Mock answer:"
_sleep = asyncio.sleep  # one seam, so tests can observe the delays without waiting
_ECHO_WORDS = 12
_SCHEMA_SAMPLES: dict[str, Any] = {"string": "mock", "integer": 1, "number": 1, "boolean": True}


def estimate_tokens(text: str) -> int:
    """The mock's (and a reasonable generic) token estimate: about four characters per token."""
    return math.ceil(len(text) / 4)


def answer_text(request: ChatRequest) -> str:
    """The deterministic sentence the mock answers with (before any max_tokens cut)."""
    last = request.messages[-1] if request.messages else None
    if last is not None and last.role == "tool":
        return f"{PREFIX} the tool returned {last.text()}"
    users = [m for m in request.messages if m.role == "user"]
    words = users[-1].text().split() if users else []
    if not words:
        return f"{PREFIX} you sent no text. This is the built-in mock model."
    echoed = " ".join(words[:_ECHO_WORDS]) + (" ..." if len(words) > _ECHO_WORDS else "")
    return f'{PREFIX} you said "{echoed}" ({len(words)} words). This is the built-in mock model.'


def _called_tool(request: ChatRequest) -> ToolSpec | None:
    if not request.tools or request.tool_choice == "none":
        return None
    by_name = {t.name: t for t in request.tools}
    if isinstance(request.tool_choice, dict):
        return by_name.get(request.tool_choice.get("name", ""))
    last = request.messages[-1] if request.messages else None
    if last is None or last.role != "user":
        return None  # e.g. the turn after a tool result: answer in text
    mentioned = re.search(r"\bcall (?:the )?([\w-]+)", last.text(), flags=re.IGNORECASE)
    if mentioned and mentioned.group(1) in by_name:
        return by_name[mentioned.group(1)]
    return request.tools[0] if request.tool_choice == "required" else None


def tool_arguments(tool: ToolSpec) -> str:
    properties = (tool.parameters or {}).get("properties") or {}
    args = {name: _SCHEMA_SAMPLES.get(spec.get("type")) for name, spec in properties.items()}
    return json.dumps(args, separators=(",", ":"))


@dataclass(frozen=True)
class _Plan:
    pieces: list[str]
    tool_call: ToolCall | None
    finish: FinishReason
    usage: Usage

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def _plan(request: ChatRequest, target: DeploymentTarget) -> _Plan:
    prompt = "\n".join(m.text() for m in request.messages)
    digest = hashlib.sha256(prompt.encode()).hexdigest()[:16]
    if target.options.get("input_tokens") == "utf8_bytes":
        input_tokens = max(1, len(prompt.encode()))
    else:
        input_tokens = max(1, estimate_tokens(prompt))
    tool = _called_tool(request)
    if tool is not None:
        call = ToolCall(id=f"call_mock_{digest}", name=tool.name, arguments=tool_arguments(tool))
        return _Plan([], call, "tool_calls", Usage(input_tokens, 1 + estimate_tokens(call.arguments)))
    words = answer_text(request).split(" ")
    finish: FinishReason = "stop"
    if request.max_tokens is not None and 0 < request.max_tokens < len(words):
        words, finish = words[: request.max_tokens], "length"
    pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
    return _Plan(pieces, None, finish, Usage(input_tokens, len(pieces)))


def _failure(target: DeploymentTarget) -> ProviderError | None:
    kind = target.options.get("fail")
    if kind == "retryable":
        return ProviderError(
            "The mock provider failed (retryable).", retryable=True, status=503, code="upstream_unavailable"
        )
    if kind == "fatal":
        return ProviderError(
            "The mock provider failed (fatal).", retryable=False, status=502, code="upstream_error"
        )
    if kind == "timeout":
        return ProviderError(
            "The upstream provider did not answer in time.",
            retryable=True,
            status=504,
            code="upstream_timeout",
        )
    return None


def _delay_seconds(target: DeploymentTarget) -> float:
    return max(0.0, float(target.options.get("token_delay_ms") or 0)) / 1000


class MockProvider(Provider):
    name = "mock"

    async def complete(self, target: DeploymentTarget, request: ChatRequest) -> ChatResult:
        failure = _failure(target)
        if failure is not None:
            raise failure
        plan = _plan(request, target)
        delay = _delay_seconds(target)
        if delay:
            # As long as the stream of the same answer takes (it sleeps between chunks).
            await _sleep(delay * (len(self._chunks(plan)) - 1))
        return ChatResult(
            id=f"mock-{hashlib.sha256(plan.text.encode()).hexdigest()[:12]}",
            model=target.upstream_model,
            content=plan.text,
            tool_calls=[plan.tool_call] if plan.tool_call else [],
            finish_reason=plan.finish,
            usage=plan.usage,
        )

    async def stream(self, target: DeploymentTarget, request: ChatRequest) -> AsyncIterator[StreamChunk]:
        failure = _failure(target)
        if failure is not None:
            raise failure
        plan = _plan(request, target)
        fail_after = target.options.get("fail_after_chunks")
        delay = _delay_seconds(target)
        for sent, chunk in enumerate(self._chunks(plan)):
            if fail_after is not None and sent >= int(fail_after):
                raise ProviderError(
                    "The upstream provider's stream ended abruptly.",
                    retryable=True,
                    status=502,
                    code="upstream_stream_broken",
                )
            if delay and sent:
                await _sleep(delay)
            yield chunk

    @staticmethod
    def _chunks(plan: _Plan) -> list[StreamChunk]:
        if plan.tool_call is not None:
            call = plan.tool_call
            chunks = [
                StreamChunk(tool_calls=(ToolCallDelta(index=0, id=call.id, name=call.name),)),
                StreamChunk(tool_calls=(ToolCallDelta(index=0, arguments=call.arguments),)),
            ]
        else:
            chunks = [StreamChunk(text=piece) for piece in plan.pieces]
        return [*chunks, StreamChunk(finish_reason=plan.finish, usage=plan.usage)]


PROVIDER = MockProvider()
