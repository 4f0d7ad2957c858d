"""The built-in mock provider: deterministic, fast, and able to fail on demand."""

from __future__ import annotations

import json

import pytest

from proxy.providers import get_provider
from proxy.providers.base import ChatRequest, DeploymentTarget, Message, ProviderError, ToolSpec

WEATHER = ToolSpec(
    name="get_weather",
    parameters={
        "type": "object",
        "properties": {"location": {"type": "string"}, "days": {"type": "integer"}},
    },
)


def target(**options) -> DeploymentTarget:
    return DeploymentTarget(provider="mock", upstream_model="mock-1", options=options)


def ask(text: str, **fields) -> ChatRequest:
    return ChatRequest(model="mock", messages=[Message(role="user", content=text)], **fields)


async def test_same_prompt_same_answer_and_stream_matches_complete():
    mock = get_provider("mock")
    first = await mock.complete(target(), ask("What is the capital of France?"))
    second = await mock.complete(target(), ask("What is the capital of France?"))
    other = await mock.complete(target(), ask("Something else entirely"))

    assert first.content == second.content
    assert first.content.startswith("Mock answer:")
    assert "What is the capital of France?" in first.content
    assert other.content != first.content
    assert (first.finish_reason, first.model) == ("stop", "mock-1")

    chunks = [c async for c in mock.stream(target(), ask("What is the capital of France?"))]
    assert "".join(c.text for c in chunks) == first.content
    assert len([c for c in chunks if c.text]) == len(first.content.split(" "))  # word by word
    assert chunks[-1].finish_reason == "stop"
    assert chunks[-1].usage == first.usage


async def test_usage_estimate():
    result = await get_provider("mock").complete(target(), ask("x" * 40))
    assert result.usage.input_tokens == 10  # ceil(40 / 4)
    assert result.usage.output_tokens == len(result.content.split(" "))


async def test_max_tokens_cuts_the_answer_and_bounds_output_tokens():
    result = await get_provider("mock").complete(target(), ask("tell me a long story please", max_tokens=3))
    assert result.finish_reason == "length"
    assert result.content == "Mock answer: you"
    assert result.usage.output_tokens == 3


async def test_tool_call_when_required_or_asked_for():
    mock = get_provider("mock")
    required = await mock.complete(target(), ask("hello", tools=[WEATHER], tool_choice="required"))
    [call] = required.tool_calls
    assert (call.name, required.finish_reason) == ("get_weather", "tool_calls")
    assert json.loads(call.arguments) == {"location": "mock", "days": 1}

    asked = await mock.complete(target(), ask("Please call get_weather.", tools=[WEATHER]))
    assert [c.name for c in asked.tool_calls] == ["get_weather"]

    not_asked = await mock.complete(target(), ask("hello", tools=[WEATHER]))
    assert not_asked.tool_calls == []

    forbidden = await mock.complete(target(), ask("call get_weather", tools=[WEATHER], tool_choice="none"))
    assert forbidden.tool_calls == []


async def test_tool_round_trip_and_streamed_tool_call():
    mock = get_provider("mock")
    request = ask("call get_weather", tools=[WEATHER])
    chunks = [c async for c in mock.stream(target(), request)]
    deltas = [d for c in chunks for d in c.tool_calls]
    assert deltas[0].name == "get_weather"
    assert deltas[0].id
    assert json.loads("".join(d.arguments for d in deltas)) == {"location": "mock", "days": 1}
    assert chunks[-1].finish_reason == "tool_calls"

    call = (await mock.complete(target(), request)).tool_calls[0]
    follow_up = ChatRequest(
        model="mock",
        tools=[WEATHER],
        messages=[
            *request.messages,
            Message(role="assistant", tool_calls=[call]),
            Message(role="tool", content="sunny", tool_call_id=call.id),
        ],
    )
    answer = await mock.complete(target(), follow_up)
    assert answer.tool_calls == []
    assert answer.content == "Mock answer: the tool returned sunny"


@pytest.mark.parametrize(
    ("fail", "retryable", "status", "code"),
    [
        ("retryable", True, 503, "upstream_unavailable"),
        ("fatal", False, 502, "upstream_error"),
        ("timeout", True, 504, "upstream_timeout"),
    ],
)
async def test_fail_option(fail, retryable, status, code):
    mock = get_provider("mock")
    with pytest.raises(ProviderError) as caught:
        await mock.complete(target(fail=fail), ask("hi"))
    assert (caught.value.retryable, caught.value.status, caught.value.code) == (retryable, status, code)
    with pytest.raises(ProviderError):
        await anext(mock.stream(target(fail=fail), ask("hi")))


async def test_fail_after_chunks():
    received = []
    with pytest.raises(ProviderError) as caught:
        async for chunk in get_provider("mock").stream(target(fail_after_chunks=2), ask("one two three")):
            received.append(chunk)
    assert [c.text for c in received] == ["Mock ", "answer: "]
    assert caught.value.code == "upstream_stream_broken"


async def test_token_delay_sleeps_between_pieces(monkeypatch):
    from proxy.providers import mock as mock_module

    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(mock_module, "_sleep", fake_sleep)
    chunks = [c async for c in get_provider("mock").stream(target(token_delay_ms=25), ask("a b"))]
    assert slept == [0.025] * (len(chunks) - 1)  # between chunks, none before the first

    slept.clear()
    await get_provider("mock").complete(target(token_delay_ms=25), ask("a b"))
    assert slept == [pytest.approx(0.025 * (len(chunks) - 1))]  # complete() waits as long as the stream

    slept.clear()
    [c async for c in get_provider("mock").stream(target(), ask("a b"))]
    await get_provider("mock").complete(target(), ask("a b"))
    assert slept == []  # no delay configured: no sleeps at all
