"""The Gemini provider drives the real `google-genai` SDK against the fake upstream."""

from __future__ import annotations

import base64
import json

import pytest

from proxy.providers import get_provider
from proxy.providers.base import (
    ChatRequest,
    ContentPart,
    DeploymentTarget,
    Message,
    ProviderError,
    ToolCall,
    ToolSpec,
)
from proxy.testing.fake_upstreams import INTERNAL_HOST_MARKER

SECRET_KEY = "AIza-SECRET-0123456789"
WEATHER = ToolSpec(
    name="get_weather",
    description="Weather for a city",
    parameters={"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
)


def target(upstream, model: str = "gemini-test", **fields) -> DeploymentTarget:
    fields.setdefault("base_url", upstream.base_url)
    fields.setdefault("api_key", SECRET_KEY)
    return DeploymentTarget(provider="gemini", upstream_model=model, **fields)


def ask(text: str, **fields) -> ChatRequest:
    return ChatRequest(model="ignored", messages=[Message(role="user", content=text)], **fields)


def field(obj: dict, snake: str):
    """A field in either of the casings the Gemini API accepts."""
    head, *rest = snake.split("_")
    camel = head + "".join(word.title() for word in rest)
    return obj[camel] if camel in obj else obj[snake]


def assert_safe(error: ProviderError, upstream) -> None:
    for secret in (SECRET_KEY, upstream.base_url, "127.0.0.1", INTERNAL_HOST_MARKER, "Fake failure"):
        assert secret not in str(error)


async def test_complete_maps_config_text_and_usage(fake_upstream):
    request = ChatRequest(
        model="ignored",
        messages=[Message(role="system", content="Be brief."), Message(role="user", content="hello world")],
        max_tokens=50,
        temperature=0.4,
        top_p=0.7,
        stop=["END"],
        seed=11,
        response_format={"type": "json_object"},
    )
    result = await get_provider("gemini").complete(target(fake_upstream), request)

    assert result.content == "Hello from the fake upstream. You said: hello world"
    assert result.finish_reason == "stop"
    assert result.model == "gemini-test"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (4, 9)
    sent = fake_upstream.requests[-1]
    assert sent["path"].endswith("/models/gemini-test:generateContent")  # /v1 or /v1beta by SDK version
    assert sent["headers"]["x-goog-api-key"] == SECRET_KEY
    body = sent["json"]
    assert body["contents"] == [{"role": "user", "parts": [{"text": "hello world"}]}]
    assert body["systemInstruction"]["parts"] == [{"text": "Be brief."}]
    config = body["generationConfig"]
    assert config["maxOutputTokens"] == 50
    assert (config["temperature"], config["topP"], config["stopSequences"], config["seed"]) == (
        0.4,
        0.7,
        ["END"],
        11,
    )
    assert config["responseMimeType"] == "application/json"


async def test_length_finish_reason(fake_upstream):
    result = await get_provider("gemini").complete(target(fake_upstream), ask("hi", max_tokens=3))
    assert (result.finish_reason, result.content) == ("length", "Hello from the")


async def test_image_parts_become_inline_and_file_data(fake_upstream):
    png = base64.b64encode(b"\x89PNG fake").decode()
    message = Message(
        role="user",
        content=[
            ContentPart(type="text", text="what is this?"),
            ContentPart(type="image", image_url=f"data:image/png;base64,{png}"),
            ContentPart(type="image", image_url="https://example.com/cat.jpg"),
        ],
    )
    await get_provider("gemini").complete(target(fake_upstream), ChatRequest(model="x", messages=[message]))
    parts = fake_upstream.requests[-1]["json"]["contents"][0]["parts"]
    assert parts[0] == {"text": "what is this?"}
    # This SDK version writes nested keys in snake_case (the API takes both casings).
    inline, file_data = parts[1]["inlineData"], parts[2]["fileData"]
    assert field(inline, "mime_type") == "image/png"
    assert base64.b64decode(inline["data"]) == b"\x89PNG fake"
    assert field(file_data, "file_uri") == "https://example.com/cat.jpg"
    assert field(file_data, "mime_type") == "image/jpeg"


async def test_invalid_base64_image_is_a_client_error(fake_upstream):
    message = Message(role="user", content=[ContentPart(type="image", image_url="data:image/png;base64,@@@")])
    with pytest.raises(ProviderError) as caught:
        await get_provider("gemini").complete(
            target(fake_upstream), ChatRequest(model="x", messages=[message])
        )
    assert (caught.value.status, caught.value.retryable) == (400, False)
    assert fake_upstream.requests == []


async def test_tool_call_round_trip(fake_upstream):
    provider = get_provider("gemini")
    request = ask("weather in Paris?", tools=[WEATHER], tool_choice={"name": "get_weather"})
    first = await provider.complete(target(fake_upstream, "tools"), request)

    assert first.finish_reason == "tool_calls"
    [call] = first.tool_calls
    assert call.name == "get_weather"
    assert call.id
    assert json.loads(call.arguments) == {"location": "Paris", "unit": "celsius"}
    body = fake_upstream.requests[-1]["json"]
    [declaration] = field(body["tools"][0], "function_declarations")
    assert declaration["name"] == "get_weather"
    assert field(declaration, "parameters_json_schema") == WEATHER.parameters
    calling = field(body["toolConfig"], "function_calling_config")
    assert (calling["mode"], field(calling, "allowed_function_names")) == ("ANY", ["get_weather"])

    follow_up = ChatRequest(
        model="x",
        tools=[WEATHER],
        messages=[
            *request.messages,
            Message(role="assistant", content=None, tool_calls=[call]),
            Message(role="tool", content='{"temperature": 18}', tool_call_id=call.id),
        ],
    )
    second = await provider.complete(target(fake_upstream, "tools"), follow_up)
    assert second.content == 'Tool said: {"temperature":18}'
    contents = fake_upstream.requests[-1]["json"]["contents"]
    assert contents[1] == {
        "role": "model",
        "parts": [
            {"functionCall": {"name": "get_weather", "args": {"location": "Paris", "unit": "celsius"}}}
        ],
    }
    assert contents[2] == {
        "role": "user",
        "parts": [{"functionResponse": {"name": "get_weather", "response": {"temperature": 18}}}],
    }


async def test_thought_signature_travels_in_the_call_id(fake_upstream):
    from proxy.providers.gemini import SIGNATURE_PREFIX, contents_param

    signature = b"\x01\x02opaque-signature"
    call_id = SIGNATURE_PREFIX + base64.urlsafe_b64encode(signature).decode().rstrip("=")
    contents = contents_param(
        [
            Message(role="user", content="go"),
            Message(role="assistant", tool_calls=[ToolCall(id=call_id, name="f", arguments="{}")]),
            Message(role="tool", content="plain text", tool_call_id=call_id),
        ]
    )
    assert contents[1].parts[0].thought_signature == signature
    response = contents[2].parts[0].function_response
    assert (response.name, response.response) == ("f", {"result": "plain text"})


async def test_stream_text_finish_and_usage(fake_upstream):
    chunks = [c async for c in get_provider("gemini").stream(target(fake_upstream), ask("hello there"))]

    assert "".join(c.text for c in chunks) == "Hello from the fake upstream. You said: hello there"
    assert len([c for c in chunks if c.text]) == 9
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["stop"]
    assert (chunks[-1].usage.input_tokens, chunks[-1].usage.output_tokens) == (2, 9)
    sent = fake_upstream.requests[-1]
    assert sent["path"].endswith("/models/gemini-test:streamGenerateContent")
    assert sent["query"]["alt"] == ["sse"]


async def test_stream_tool_call(fake_upstream):
    request = ask("weather?", tools=[WEATHER], tool_choice="required")
    chunks = [c async for c in get_provider("gemini").stream(target(fake_upstream, "tools"), request)]

    [delta] = [d for c in chunks for d in c.tool_calls]
    assert (delta.index, delta.name) == (0, "get_weather")
    assert json.loads(delta.arguments) == {"location": "Paris", "unit": "celsius"}
    assert chunks[-1].finish_reason == "tool_calls"
    assert field(fake_upstream.requests[-1]["json"]["toolConfig"], "function_calling_config") == {
        "mode": "ANY"
    }


async def test_stream_without_usage(fake_upstream):
    chunks = [c async for c in get_provider("gemini").stream(target(fake_upstream, "no-usage"), ask("hi"))]
    assert chunks[-1].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)


async def test_stream_break_raises_after_chunks(fake_upstream):
    received = []
    with pytest.raises(ProviderError) as caught:
        async for chunk in get_provider("gemini").stream(target(fake_upstream, "stream-break"), ask("a b c")):
            received.append(chunk)
    assert [c.text for c in received] == ["Hello ", "from "]
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
    ],
)
async def test_upstream_errors_are_mapped_without_leaking(fake_upstream, model, retryable, status, code):
    with pytest.raises(ProviderError) as caught:
        await get_provider("gemini").complete(target(fake_upstream, model), ask("hi"))
    assert (caught.value.retryable, caught.value.status, caught.value.code) == (retryable, status, code)
    assert_safe(caught.value, fake_upstream)
    assert len(fake_upstream.requests) == 1  # no SDK retries


async def test_stream_error_before_first_chunk(fake_upstream):
    stream = get_provider("gemini").stream(target(fake_upstream, "fail-429"), ask("hi"))
    with pytest.raises(ProviderError) as caught:
        await anext(stream)
    assert (caught.value.retryable, caught.value.code) == (True, "upstream_rate_limited")
    assert_safe(caught.value, fake_upstream)


async def test_timeout_maps_to_504(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("gemini").complete(
            target(fake_upstream, "slow-2000", timeout_seconds=0.2), ask("hi")
        )
    assert (caught.value.status, caught.value.code, caught.value.retryable) == (504, "upstream_timeout", True)
    assert_safe(caught.value, fake_upstream)


async def test_unreachable_upstream(fake_upstream):
    dead = DeploymentTarget(
        provider="gemini", upstream_model="m", base_url="http://127.0.0.1:9", api_key=SECRET_KEY
    )
    with pytest.raises(ProviderError) as caught:
        await get_provider("gemini").complete(dead, ask("hi"))
    assert (caught.value.code, caught.value.retryable) == ("upstream_unreachable", True)
    assert_safe(caught.value, fake_upstream)


async def test_malformed_answer_is_a_provider_error(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("gemini").complete(target(fake_upstream, "malformed"), ask("hi"))
    assert (caught.value.code, caught.value.status) == ("upstream_invalid_response", 502)
