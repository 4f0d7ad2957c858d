"""The OpenAI provider drives the real `openai` SDK against the fake upstream."""

from __future__ import annotations

import json

import pytest

from proxy.providers import PROVIDER_NAMES, get_provider
from proxy.providers.base import (
    ChatRequest,
    ContentPart,
    DeploymentTarget,
    Message,
    ProviderError,
    ToolSpec,
)
from proxy.testing.fake_upstreams import INTERNAL_HOST_MARKER

SECRET_KEY = "sk-test-SECRET-0123456789"
WEATHER = ToolSpec(
    name="get_weather",
    description="Weather for a city",
    parameters={"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
)


_transport = {"options": {}}


@pytest.fixture(autouse=True, params=["sdk", "sdk_httpx", "fast"])
def transport(request, settings) -> str:
    """Every test runs over the OpenAI SDK (on the lean HTTP transport, the default, and on the
    SDK's stock httpx transport) and over the opt-in SDK-less path (`_fast_http`)."""
    _transport["options"] = {"transport": "fast"} if request.param == "fast" else {}
    settings.UPSTREAM_HTTP_TRANSPORT = "httpx" if request.param == "sdk_httpx" else "lean"
    return request.param


def with_transport(options: dict | None = None) -> dict:
    return {**_transport["options"], **(options or {})}


def target(upstream, model: str = "gpt-test", **fields) -> DeploymentTarget:
    fields.setdefault("base_url", f"{upstream.base_url}/v1")
    fields.setdefault("api_key", SECRET_KEY)
    fields["options"] = with_transport(fields.get("options"))
    return DeploymentTarget(provider="openai", upstream_model=model, **fields)


def ask(text: str, model: str = "gpt-test", **fields) -> ChatRequest:
    return ChatRequest(model=model, messages=[Message(role="user", content=text)], **fields)


def assert_safe(error: ProviderError, upstream) -> None:
    for secret in (SECRET_KEY, upstream.base_url, "127.0.0.1", INTERNAL_HOST_MARKER, "Fake failure"):
        assert secret not in error.message
        assert secret not in str(error)


def test_registry_knows_every_deployment_provider():
    from proxy.models import Deployment

    assert set(PROVIDER_NAMES) == set(Deployment.Provider.values)
    for name in PROVIDER_NAMES:
        assert get_provider(name).name == name
    with pytest.raises(ValueError, match="Unknown provider"):
        get_provider("nope")


async def test_complete_maps_text_usage_and_sends_parameters(fake_upstream):
    provider = get_provider("openai")
    request = ChatRequest(
        model="gpt-test",
        messages=[Message(role="system", content="Be brief."), Message(role="user", content="hello world")],
        max_tokens=50,
        temperature=0.2,
        top_p=0.9,
        stop=["END"],
        seed=7,
        user="u-1",
        response_format={"type": "json_object"},
    )
    result = await provider.complete(target(fake_upstream), request)

    assert result.content == "Hello from the fake upstream. You said: hello world"
    assert result.finish_reason == "stop"
    assert result.model == "gpt-test"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (4, 9)
    assert not result.usage.estimated
    sent = fake_upstream.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["authorization"] == f"Bearer {SECRET_KEY}"
    body = sent["json"]
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hello world"},
    ]
    assert body["max_completion_tokens"] == 50
    assert (body["temperature"], body["top_p"], body["stop"], body["seed"], body["user"]) == (
        0.2,
        0.9,
        ["END"],
        7,
        "u-1",
    )
    assert body["response_format"] == {"type": "json_object"}
    assert "stream" not in body or body["stream"] is False


async def test_length_finish_reason(fake_upstream):
    result = await get_provider("openai").complete(target(fake_upstream), ask("hi", max_tokens=3))
    assert result.finish_reason == "length"
    assert result.content == "Hello from the"


async def test_image_parts_are_carried(fake_upstream):
    message = Message(
        role="user",
        content=[
            ContentPart(type="text", text="what is this?"),
            ContentPart(type="image", image_url="data:image/png;base64,iVBORw0KGgo=", detail="low"),
            ContentPart(type="image", image_url="https://example.com/cat.jpg"),
        ],
    )
    await get_provider("openai").complete(
        target(fake_upstream), ChatRequest(model="gpt-test", messages=[message])
    )
    content = fake_upstream.requests[-1]["json"]["messages"][0]["content"]
    assert content == [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
    ]


async def test_tool_call_round_trip(fake_upstream):
    provider = get_provider("openai")
    request = ask("weather in Paris?", model="tools", tools=[WEATHER], tool_choice={"name": "get_weather"})
    first = await provider.complete(target(fake_upstream, "tools"), request)

    assert first.finish_reason == "tool_calls"
    assert first.content == ""
    [call] = first.tool_calls
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"location": "Paris", "unit": "celsius"}
    body = fake_upstream.requests[-1]["json"]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": WEATHER.description,
                "parameters": WEATHER.parameters,
            },
        }
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}

    follow_up = ChatRequest(
        model="tools",
        tools=[WEATHER],
        messages=[
            *request.messages,
            Message(role="assistant", content=None, tool_calls=[call]),
            Message(role="tool", content="18 degrees", tool_call_id=call.id),
        ],
    )
    second = await provider.complete(target(fake_upstream, "tools"), follow_up)
    assert second.content == "Tool said: 18 degrees"
    sent = fake_upstream.requests[-1]["json"]["messages"]
    assert sent[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": "get_weather", "arguments": call.arguments},
            }
        ],
    }
    assert sent[2] == {"role": "tool", "content": "18 degrees", "tool_call_id": call.id}


async def test_stream_yields_text_finish_and_usage(fake_upstream):
    chunks = [c async for c in get_provider("openai").stream(target(fake_upstream), ask("hello there"))]

    assert "".join(c.text for c in chunks) == "Hello from the fake upstream. You said: hello there"
    assert len([c for c in chunks if c.text]) == 9
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["stop"]
    [usage] = [c.usage for c in chunks if c.usage]
    assert (usage.input_tokens, usage.output_tokens) == (2, 9)
    body = fake_upstream.requests[-1]["json"]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_stream_without_usage(fake_upstream):
    chunks = [c async for c in get_provider("openai").stream(target(fake_upstream, "no-usage"), ask("hi"))]
    assert chunks[-1].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)


async def test_stream_tool_call_deltas(fake_upstream):
    request = ask("weather?", model="tools", tools=[WEATHER], tool_choice="required")
    chunks = [c async for c in get_provider("openai").stream(target(fake_upstream, "tools"), request)]

    deltas = [d for c in chunks for d in c.tool_calls]
    assert deltas[0].index == 0
    assert deltas[0].name == "get_weather"
    assert deltas[0].id.startswith("call_")
    assert json.loads("".join(d.arguments for d in deltas)) == {"location": "Paris", "unit": "celsius"}
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["tool_calls"]
    assert fake_upstream.requests[-1]["json"]["tool_choice"] == "required"


async def test_stream_break_raises_after_chunks(fake_upstream):
    received = []
    with pytest.raises(ProviderError) as caught:
        async for chunk in get_provider("openai").stream(
            target(fake_upstream, "stream-break"), ask("a b c d")
        ):
            received.append(chunk)
    assert [c.text for c in received] == ["Hello ", "from "]  # delivered before the cut
    assert caught.value.code == "upstream_stream_broken"
    assert_safe(caught.value, fake_upstream)


@pytest.mark.parametrize(
    ("model", "retryable", "status", "code"),
    [
        ("fail-500", True, 502, "upstream_error"),
        ("fail-503", True, 503, "upstream_unavailable"),
        ("fail-429", True, 503, "upstream_rate_limited"),
        ("fail-401", False, 502, "upstream_auth_failed"),
        ("fail-403", False, 502, "upstream_auth_failed"),
        ("fail-400", False, 400, "upstream_bad_request"),
        ("fail-404", False, 502, "upstream_bad_request"),
        ("fail-422", False, 400, "upstream_bad_request"),
    ],
)
async def test_upstream_errors_are_mapped_without_leaking(fake_upstream, model, retryable, status, code):
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai").complete(target(fake_upstream, model), ask("hi", model=model))
    error = caught.value
    assert (error.retryable, error.status, error.code) == (retryable, status, code)
    assert_safe(error, fake_upstream)
    assert len(fake_upstream.requests) == 1  # the SDK's own retries are off


async def test_stream_errors_before_first_chunk_raise_from_first_anext(fake_upstream):
    stream = get_provider("openai").stream(target(fake_upstream, "fail-429"), ask("hi", model="fail-429"))
    with pytest.raises(ProviderError) as caught:
        await anext(stream)
    assert caught.value.retryable
    assert_safe(caught.value, fake_upstream)


async def test_timeout_maps_to_504(fake_upstream):
    slow = target(fake_upstream, "slow-2000", timeout_seconds=0.2)
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai").complete(slow, ask("hi", model="slow-2000"))
    assert (caught.value.status, caught.value.code, caught.value.retryable) == (504, "upstream_timeout", True)
    assert_safe(caught.value, fake_upstream)


async def test_unreachable_upstream_is_retryable_and_safe(fake_upstream):
    dead = DeploymentTarget(
        provider="openai",
        upstream_model="m",
        base_url="http://127.0.0.1:9/v1",
        api_key=SECRET_KEY,
        options=with_transport(),
    )
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai").complete(dead, ask("hi"))
    assert caught.value.retryable
    assert caught.value.code == "upstream_unreachable"
    assert "127.0.0.1" not in caught.value.message
    assert SECRET_KEY not in caught.value.message


async def test_client_is_reused_for_the_same_target(fake_upstream):
    from proxy.providers import _clients

    provider = get_provider("openai")
    first = provider._client(target(fake_upstream))
    assert provider._client(target(fake_upstream)) is first
    assert provider._client(target(fake_upstream, api_key="other")) is not first
    assert first.max_retries == 0
    assert _clients.client_key(target(fake_upstream)) == _clients.client_key(
        target(fake_upstream, "other-model")
    )


async def test_malformed_answer_is_a_provider_error(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai").complete(target(fake_upstream, "malformed"), ask("hi"))
    assert (caught.value.code, caught.value.status) == ("upstream_invalid_response", 502)


async def test_transport_option_selects_the_http_path(fake_upstream, transport):
    await get_provider("openai").complete(target(fake_upstream), ask("hi"))
    agent = fake_upstream.requests[-1]["headers"]["user-agent"]
    assert (agent == "guardflow") == (transport == "fast")


async def test_fast_transport_reuses_keep_alive_connections(fake_upstream, transport):
    if transport == "sdk_httpx":
        pytest.skip("about the lean transport's pool (also under the SDK)")
    from proxy.providers import _fast_http

    provider = get_provider("openai")
    for _ in range(3):
        await provider.complete(target(fake_upstream), ask("hi"))
        [c async for c in provider.stream(target(fake_upstream), ask("hi"))]
    [idle] = _fast_http._pool().idle.values()
    assert len(idle) == 1  # one connection served all six exchanges


async def test_fast_transport_retries_once_when_a_pooled_connection_went_stale(transport, monkeypatch):
    if transport == "sdk_httpx":
        pytest.skip("about the lean transport's pool (also under the SDK)")
    import asyncio

    from proxy.providers import _fast_http
    from proxy.testing.fake_upstreams import FakeUpstream

    with FakeUpstream(keep_alive_seconds=0.05) as upstream:
        provider = get_provider("openai")
        await provider.complete(target(upstream), ask("hi"))
        await asyncio.sleep(0.3)  # the server closes the idle connection meanwhile
        # Pretend the close has not been noticed yet (the race this retry exists for).
        monkeypatch.setattr(_fast_http._Connection, "usable", lambda self: True)
        connects = []
        real_connect = _fast_http._connect

        async def counting_connect(*args, **kwargs):
            connects.append(args)
            return await real_connect(*args, **kwargs)

        monkeypatch.setattr(_fast_http, "_connect", counting_connect)
        result = await provider.complete(target(upstream), ask("again"))
        assert result.content.endswith("You said: again")
        assert len(upstream.requests) == 2
        assert len(connects) == 1  # the stale pooled connection failed, one fresh one answered


async def test_abandoned_stream_frees_the_upstream_and_the_next_call_works(fake_upstream):
    provider = get_provider("openai")
    stream = provider.stream(target(fake_upstream), ask("one two three four"))
    first = await anext(stream)
    await stream.aclose()  # what the gateway does when its client disconnects
    assert first.text == "Hello "
    result = await provider.complete(target(fake_upstream), ask("again"))
    assert result.content.endswith("You said: again")


async def test_an_answer_delimited_by_closing_the_connection_is_read_whole(transport):
    """HTTP/1.1 allows a body without Content-Length or chunking that ends when the server
    closes the connection; every transport must read it as the whole answer."""
    import asyncio

    answer = json.dumps(
        {
            "id": "chatcmpl-close",
            "object": "chat.completion",
            "created": 1,
            "model": "gpt-test",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "closed"}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
        }
    ).encode()

    async def close_delimited(reader, writer):
        await reader.readuntil(b"\r\n\r\n")  # the request head; the body is small and ignored
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + answer
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(close_delimited, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        target = DeploymentTarget(
            provider="openai",
            upstream_model="gpt-test",
            base_url=f"http://127.0.0.1:{port}/v1",
            api_key=SECRET_KEY,
            options=with_transport(),
        )
        result = await get_provider("openai").complete(target, ask("hi"))
    finally:
        server.close()
        await server.wait_closed()
    assert result.content == "closed" and result.usage.total_tokens == 4


def test_a_response_closed_twice_is_pooled_once():
    import asyncio

    from proxy.providers import _fast_http

    async def scenario():
        async def answer(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        response = await _fast_http.post(f"http://127.0.0.1:{port}/x", b"{}", {}, timeout=5)
        assert await response.read() == b"ok"
        response.close()
        response.close()
        idle = list(_fast_http._pool().idle.values())
        server.close()
        return idle

    [connections] = asyncio.run(scenario())
    assert len(connections) == 1


def test_sdk_clients_keep_the_stock_transport_when_a_proxy_is_configured(monkeypatch, settings):
    import openai

    from proxy.providers._lean_transport import LeanAsyncTransport, sdk_http_client

    settings.UPSTREAM_HTTP_TRANSPORT = "lean"
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    assert isinstance(sdk_http_client(openai.DefaultAsyncHttpxClient)._transport, LeanAsyncTransport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert not isinstance(sdk_http_client(openai.DefaultAsyncHttpxClient)._transport, LeanAsyncTransport)
