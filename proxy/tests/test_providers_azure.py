"""The Azure OpenAI provider drives the real `openai.AsyncAzureOpenAI` against the fake upstream."""

from __future__ import annotations

import json

import pytest

from proxy.providers import get_provider
from proxy.providers.base import ChatRequest, ContentPart, DeploymentTarget, Message, ProviderError, ToolSpec
from proxy.testing.fake_upstreams import INTERNAL_HOST_MARKER

SECRET_KEY = "azure-SECRET-0123456789"
WEATHER = ToolSpec(
    name="get_weather", parameters={"type": "object", "properties": {"location": {"type": "string"}}}
)


_transport = {"options": {}}


@pytest.fixture(autouse=True, params=["sdk", "fast"])
def transport(request) -> str:
    """Every test runs over the OpenAI SDK and over the lean opt-in transport (`_fast_http`)."""
    _transport["options"] = {"transport": "fast"} if request.param == "fast" else {}
    return request.param


def with_transport(options: dict | None = None) -> dict:
    return {**_transport["options"], **(options or {})}


def target(upstream, deployment: str = "my-gpt4o", **fields) -> DeploymentTarget:
    fields.setdefault("base_url", upstream.base_url)
    fields.setdefault("api_key", SECRET_KEY)
    fields.setdefault("api_version", "2024-10-21")
    fields["options"] = with_transport(fields.get("options"))
    return DeploymentTarget(provider="azure", upstream_model=deployment, **fields)


def ask(text: str, **fields) -> ChatRequest:
    return ChatRequest(model="ignored", messages=[Message(role="user", content=text)], **fields)


def assert_safe(error: ProviderError, upstream) -> None:
    for secret in (SECRET_KEY, upstream.base_url, "127.0.0.1", INTERNAL_HOST_MARKER, "Fake failure"):
        assert secret not in str(error)


async def test_complete_uses_deployment_url_api_version_and_key_header(fake_upstream):
    result = await get_provider("azure").complete(target(fake_upstream), ask("hello world", max_tokens=40))

    assert result.content == "Hello from the fake upstream. You said: hello world"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (2, 9)
    sent = fake_upstream.requests[-1]
    assert sent["path"] == "/openai/deployments/my-gpt4o/chat/completions"
    assert sent["query"]["api-version"] == ["2024-10-21"]
    assert sent["headers"]["api-key"] == SECRET_KEY
    assert sent["json"]["max_tokens"] == 40


async def test_max_tokens_param_is_configurable(fake_upstream):
    modern = target(fake_upstream, options={"max_tokens_param": "max_completion_tokens"})
    await get_provider("azure").complete(modern, ask("hi", max_tokens=40))
    body = fake_upstream.requests[-1]["json"]
    assert body["max_completion_tokens"] == 40
    assert "max_tokens" not in body


async def test_image_and_tool_round_trip(fake_upstream):
    image = ContentPart(type="image", image_url="data:image/png;base64,iVBORw0KGgo=")
    request = ChatRequest(
        model="x",
        messages=[Message(role="user", content=[ContentPart(type="text", text="look"), image])],
        tools=[WEATHER],
        tool_choice="auto",
    )
    result = await get_provider("azure").complete(target(fake_upstream, "tools"), request)
    assert [c.name for c in result.tool_calls] == ["get_weather"]
    body = fake_upstream.requests[-1]["json"]
    assert body["messages"][0]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="},
    }
    assert body["tool_choice"] == "auto"


async def test_stream_with_usage(fake_upstream):
    chunks = [c async for c in get_provider("azure").stream(target(fake_upstream), ask("hello there"))]
    assert "".join(c.text for c in chunks) == "Hello from the fake upstream. You said: hello there"
    assert [c.usage.output_tokens for c in chunks if c.usage] == [9]
    assert fake_upstream.requests[-1]["path"] == "/openai/deployments/my-gpt4o/chat/completions"


async def test_stream_tool_call(fake_upstream):
    request = ask("weather?", tools=[WEATHER], tool_choice="required")
    chunks = [c async for c in get_provider("azure").stream(target(fake_upstream, "tools"), request)]
    deltas = [d for c in chunks for d in c.tool_calls]
    assert deltas[0].name == "get_weather"
    assert json.loads("".join(d.arguments for d in deltas))["location"] == "Paris"


async def test_stream_break(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        async for _ in get_provider("azure").stream(target(fake_upstream, "stream-break"), ask("x")):
            pass
    assert caught.value.code == "upstream_stream_broken"


@pytest.mark.parametrize(
    ("deployment", "retryable", "code"),
    [("fail-500", True, "upstream_error"), ("fail-401", False, "upstream_auth_failed")],
)
async def test_errors_are_mapped_without_leaking(fake_upstream, deployment, retryable, code):
    with pytest.raises(ProviderError) as caught:
        await get_provider("azure").complete(target(fake_upstream, deployment), ask("hi"))
    assert (caught.value.retryable, caught.value.code) == (retryable, code)
    assert_safe(caught.value, fake_upstream)


async def test_timeout(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("azure").complete(
            target(fake_upstream, "slow-2000", timeout_seconds=0.2), ask("hi")
        )
    assert (caught.value.status, caught.value.code) == (504, "upstream_timeout")


async def test_filtered_prompt_is_a_client_error(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("azure").complete(target(fake_upstream, "content-filter"), ask("hi"))
    assert (caught.value.status, caught.value.code, caught.value.retryable) == (
        400,
        "upstream_content_filter",
        False,
    )
    assert_safe(caught.value, fake_upstream)


async def test_missing_endpoint_is_a_provider_error():
    broken = DeploymentTarget(
        provider="azure", upstream_model="d", base_url="", api_key=SECRET_KEY, options=with_transport()
    )
    with pytest.raises(ProviderError) as caught:
        await get_provider("azure").complete(broken, ask("hi"))
    assert (caught.value.code, caught.value.retryable) == ("upstream_misconfigured", True)
    assert SECRET_KEY not in str(caught.value)
