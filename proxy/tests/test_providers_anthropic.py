"""The Anthropic provider drives the real `anthropic` SDK against the fake upstream."""

from __future__ import annotations

import json

import pytest

from proxy.providers import get_provider
from proxy.providers.base import ChatRequest, ContentPart, DeploymentTarget, Message, ProviderError, ToolSpec
from proxy.testing.fake_upstreams import INTERNAL_HOST_MARKER, count_tokens

SECRET_KEY = "sk-ant-SECRET-0123456789"
WEATHER = ToolSpec(
    name="get_weather",
    description="Weather for a city",
    parameters={"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
)


def target(upstream, model: str = "claude-test", **fields) -> DeploymentTarget:
    fields.setdefault("base_url", upstream.base_url)
    fields.setdefault("api_key", SECRET_KEY)
    return DeploymentTarget(provider="anthropic", upstream_model=model, **fields)


def ask(text: str, **fields) -> ChatRequest:
    return ChatRequest(model="ignored", messages=[Message(role="user", content=text)], **fields)


def assert_safe(error: ProviderError, upstream) -> None:
    for secret in (SECRET_KEY, upstream.base_url, "127.0.0.1", INTERNAL_HOST_MARKER, "Fake failure"):
        assert secret not in str(error)


async def test_complete_maps_system_parameters_and_usage(fake_upstream):
    request = ChatRequest(
        model="ignored",
        messages=[Message(role="system", content="Be brief."), Message(role="user", content="hello world")],
        temperature=0.3,
        top_p=0.8,
        stop=["END"],
        user="u-9",
        seed=3,
        response_format={"type": "json_object"},
    )
    result = await get_provider("anthropic").complete(target(fake_upstream), request)

    assert result.content == "Hello from the fake upstream. You said: hello world"
    assert result.finish_reason == "stop"
    assert result.model == "claude-test"
    assert result.id.startswith("msg_")
    sent = fake_upstream.requests[-1]
    # The fake counts words of the system prompt and the messages.
    assert result.usage.input_tokens == count_tokens(sent["json"]["system"]) + 2
    assert result.usage.output_tokens == 9
    assert sent["path"] == "/v1/messages"
    assert SECRET_KEY in (sent["headers"].get("x-api-key"), sent["headers"].get("authorization", "")[7:])
    body = sent["json"]
    assert body["model"] == "claude-test"
    assert body["max_tokens"] == 4096  # Anthropic requires it; the default applies
    assert body["system"].startswith("Be brief.")
    assert "JSON object" in body["system"]  # response_format emulated in the system prompt
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hello world"}]}]
    assert body["stop_sequences"] == ["END"]
    assert body["metadata"] == {"user_id": "u-9"}
    # The current Messages API has no sampling parameters or seed: dropped by default.
    assert "seed" not in body
    assert "temperature" not in body
    assert "top_p" not in body


async def test_sampling_params_sent_when_the_deployment_opts_in(fake_upstream):
    opted_in = target(fake_upstream, options={"sampling_params": True})
    await get_provider("anthropic").complete(opted_in, ask("hi", temperature=0.3, top_p=0.8))
    body = fake_upstream.requests[-1]["json"]
    assert (body["temperature"], body["top_p"]) == (0.3, 0.8)


async def test_json_schema_maps_to_structured_output(fake_upstream):
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    fmt = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    await get_provider("anthropic").complete(target(fake_upstream), ask("hi", response_format=fmt))
    body = fake_upstream.requests[-1]["json"]
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}
    assert "system" not in body


async def test_max_tokens_from_request_or_options(fake_upstream):
    provider = get_provider("anthropic")
    result = await provider.complete(target(fake_upstream), ask("hi", max_tokens=3))
    assert fake_upstream.requests[-1]["json"]["max_tokens"] == 3
    assert (result.finish_reason, result.content) == ("length", "Hello from the")

    await provider.complete(target(fake_upstream, options={"default_max_tokens": 777}), ask("hi"))
    assert fake_upstream.requests[-1]["json"]["max_tokens"] == 777


async def test_image_parts_become_image_blocks(fake_upstream):
    message = Message(
        role="user",
        content=[
            ContentPart(type="text", text="what is this?"),
            ContentPart(type="image", image_url="data:image/png;base64,iVBORw0KGgo="),
            ContentPart(type="image", image_url="https://example.com/cat.jpg"),
        ],
    )
    await get_provider("anthropic").complete(
        target(fake_upstream), ChatRequest(model="x", messages=[message])
    )
    content = fake_upstream.requests[-1]["json"]["messages"][0]["content"]
    assert content == [
        {"type": "text", "text": "what is this?"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
    ]


async def test_tool_call_round_trip(fake_upstream):
    provider = get_provider("anthropic")
    request = ask("weather in Paris?", tools=[WEATHER], tool_choice="required")
    first = await provider.complete(target(fake_upstream, "tools"), request)

    assert first.finish_reason == "tool_calls"
    [call] = first.tool_calls
    assert call.name == "get_weather"
    assert call.id.startswith("toolu_")
    assert json.loads(call.arguments) == {"location": "Paris", "unit": "celsius"}
    body = fake_upstream.requests[-1]["json"]
    assert body["tools"] == [
        {"name": "get_weather", "description": WEATHER.description, "input_schema": WEATHER.parameters}
    ]
    assert body["tool_choice"] == {"type": "any"}

    follow_up = ChatRequest(
        model="x",
        tools=[WEATHER],
        tool_choice={"name": "get_weather"},
        messages=[
            *request.messages,
            Message(role="assistant", content="Let me look.", tool_calls=[call]),
            Message(role="tool", content="18 degrees", tool_call_id=call.id),
        ],
    )
    second = await provider.complete(target(fake_upstream, "tools"), follow_up)
    assert second.content == "Tool said: 18 degrees"
    body = fake_upstream.requests[-1]["json"]
    assert body["messages"][1] == {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Let me look."},
            {
                "type": "tool_use",
                "id": call.id,
                "name": "get_weather",
                "input": {"location": "Paris", "unit": "celsius"},
            },
        ],
    }
    assert body["messages"][2] == {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "18 degrees"}],
    }
    assert body["tool_choice"] == {"type": "tool", "name": "get_weather"}


async def test_consecutive_tool_results_merge_into_one_user_turn(fake_upstream):
    from proxy.providers.anthropic import messages_param
    from proxy.providers.base import ToolCall

    calls = [ToolCall(id="a", name="f", arguments="{}"), ToolCall(id="b", name="f", arguments="not json")]
    turns = messages_param(
        [
            Message(role="user", content="go"),
            Message(role="assistant", tool_calls=calls),
            Message(role="tool", content="1", tool_call_id="a"),
            Message(role="tool", content="2", tool_call_id="b"),
        ]
    )
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert [b["tool_use_id"] for b in turns[2]["content"]] == ["a", "b"]
    assert turns[1]["content"][1]["input"] == {"_raw": "not json"}  # invalid JSON kept, not lost


async def test_stream_text_finish_and_usage(fake_upstream):
    chunks = [c async for c in get_provider("anthropic").stream(target(fake_upstream), ask("hello there"))]

    assert "".join(c.text for c in chunks) == "Hello from the fake upstream. You said: hello there"
    assert len([c for c in chunks if c.text]) == 9
    assert chunks[-1].finish_reason == "stop"
    assert (chunks[-1].usage.input_tokens, chunks[-1].usage.output_tokens) == (2, 9)
    assert fake_upstream.requests[-1]["json"]["stream"] is True


async def test_stream_tool_call_deltas(fake_upstream):
    request = ask("weather?", tools=[WEATHER], tool_choice="required")
    chunks = [c async for c in get_provider("anthropic").stream(target(fake_upstream, "tools"), request)]

    deltas = [d for c in chunks for d in c.tool_calls]
    assert (deltas[0].index, deltas[0].name) == (0, "get_weather")
    assert deltas[0].id.startswith("toolu_")
    assert all(d.index == 0 for d in deltas)
    assert json.loads("".join(d.arguments for d in deltas)) == {"location": "Paris", "unit": "celsius"}
    assert chunks[-1].finish_reason == "tool_calls"


async def test_stream_without_usage(fake_upstream):
    chunks = [c async for c in get_provider("anthropic").stream(target(fake_upstream, "no-usage"), ask("hi"))]
    assert chunks[-1].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)


async def test_stream_break_raises_after_chunks(fake_upstream):
    received = []
    with pytest.raises(ProviderError) as caught:
        async for chunk in get_provider("anthropic").stream(
            target(fake_upstream, "stream-break"), ask("a b")
        ):
            received.append(chunk)
    assert [c.text for c in received] == ["Hello ", "from "]  # delivered before the cut
    assert caught.value.code == "upstream_stream_broken"
    assert_safe(caught.value, fake_upstream)


async def test_stream_break_in_a_tool_call(fake_upstream):
    received = []
    request = ask("weather?", tools=[WEATHER], tool_choice="required")
    with pytest.raises(ProviderError):
        async for chunk in get_provider("anthropic").stream(
            target(fake_upstream, "tools+stream-break"), request
        ):
            received.append(chunk)
    deltas = [d for c in received for d in c.tool_calls]
    assert deltas[0].name == "get_weather"
    assert deltas[1].arguments  # the arguments arrived; the end of the message never did
    assert [c.finish_reason for c in received if c.finish_reason] == []


@pytest.mark.parametrize(
    ("model", "retryable", "status", "code"),
    [
        ("fail-500", True, 502, "upstream_error"),
        ("fail-529", True, 503, "upstream_unavailable"),
        ("fail-429", True, 503, "upstream_rate_limited"),
        ("fail-401", False, 502, "upstream_auth_failed"),
        ("fail-400", False, 400, "upstream_bad_request"),
        ("fail-404", False, 502, "upstream_bad_request"),
    ],
)
async def test_upstream_errors_are_mapped_without_leaking(fake_upstream, model, retryable, status, code):
    with pytest.raises(ProviderError) as caught:
        await get_provider("anthropic").complete(target(fake_upstream, model), ask("hi"))
    assert (caught.value.retryable, caught.value.status, caught.value.code) == (retryable, status, code)
    assert_safe(caught.value, fake_upstream)
    assert len(fake_upstream.requests) == 1  # no SDK retries


async def test_stream_error_before_first_chunk(fake_upstream):
    stream = get_provider("anthropic").stream(target(fake_upstream, "fail-503"), ask("hi"))
    with pytest.raises(ProviderError) as caught:
        await anext(stream)
    assert (caught.value.retryable, caught.value.status) == (True, 503)


async def test_timeout_maps_to_504(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("anthropic").complete(
            target(fake_upstream, "slow-2000", timeout_seconds=0.2), ask("hi")
        )
    assert (caught.value.status, caught.value.code, caught.value.retryable) == (504, "upstream_timeout", True)
    assert_safe(caught.value, fake_upstream)


async def test_malformed_answer_is_a_provider_error(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("anthropic").complete(target(fake_upstream, "malformed"), ask("hi"))
    assert (caught.value.code, caught.value.status) == ("upstream_invalid_response", 502)
