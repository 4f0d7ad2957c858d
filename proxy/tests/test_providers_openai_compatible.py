"""The OpenAI-compatible provider (vLLM, Ollama, llama.cpp) against the fake upstream."""

from __future__ import annotations

import pytest

from proxy.providers import get_provider
from proxy.providers.base import ChatRequest, DeploymentTarget, Message, ProviderError
from proxy.providers.openai_compatible import PLACEHOLDER_KEY

_transport = {"options": {}}


@pytest.fixture(autouse=True, params=["sdk", "fast"])
def transport(request) -> str:
    """Every test runs over the OpenAI SDK and over the lean opt-in transport (`_fast_http`)."""
    _transport["options"] = {"transport": "fast"} if request.param == "fast" else {}
    return request.param


def with_transport(options: dict | None = None) -> dict:
    return {**_transport["options"], **(options or {})}


def target(upstream, model: str = "llama3", **fields) -> DeploymentTarget:
    fields.setdefault("base_url", f"{upstream.base_url}/v1")
    fields["options"] = with_transport(fields.get("options"))
    return DeploymentTarget(provider="openai_compatible", upstream_model=model, **fields)


def ask(text: str, **fields) -> ChatRequest:
    return ChatRequest(model="ignored", messages=[Message(role="user", content=text)], **fields)


async def test_works_without_a_key_and_sends_classic_max_tokens(fake_upstream):
    result = await get_provider("openai_compatible").complete(
        target(fake_upstream), ask("hello", max_tokens=30)
    )

    assert result.content == "Hello from the fake upstream. You said: hello"
    assert result.usage.output_tokens == 8
    sent = fake_upstream.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["authorization"] == f"Bearer {PLACEHOLDER_KEY}"
    assert sent["json"]["model"] == "llama3"
    assert sent["json"]["max_tokens"] == 30


async def test_key_and_custom_headers_are_sent(fake_upstream):
    configured = target(fake_upstream, api_key="local-key", options={"headers": {"X-Tenant": "acme"}})
    await get_provider("openai_compatible").complete(configured, ask("hi"))
    headers = fake_upstream.requests[-1]["headers"]
    assert headers["authorization"] == "Bearer local-key"
    assert headers["x-tenant"] == "acme"


async def test_stream_usage_request_can_be_turned_off(fake_upstream):
    provider = get_provider("openai_compatible")
    chunks = [c async for c in provider.stream(target(fake_upstream), ask("hello there"))]
    assert fake_upstream.requests[-1]["json"]["stream_options"] == {"include_usage": True}
    assert [c.usage.output_tokens for c in chunks if c.usage] == [9]

    plain = target(fake_upstream, options={"stream_usage": False})
    chunks = [c async for c in provider.stream(plain, ask("hello there"))]
    assert "stream_options" not in fake_upstream.requests[-1]["json"]
    assert all(c.usage is None for c in chunks)
    assert chunks[-1].finish_reason == "stop"


async def test_errors_and_unreachable_server(fake_upstream):
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai_compatible").complete(target(fake_upstream, "fail-502"), ask("hi"))
    assert (caught.value.retryable, caught.value.status) == (True, 502)

    dead = DeploymentTarget(
        provider="openai_compatible",
        upstream_model="m",
        base_url="http://127.0.0.1:9/v1",
        options=with_transport(),
    )
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai_compatible").complete(dead, ask("hi"))
    assert caught.value.code == "upstream_unreachable"
    assert "127.0.0.1" not in str(caught.value)


async def test_missing_base_url_never_falls_back_to_openai(fake_upstream):
    broken = DeploymentTarget(provider="openai_compatible", upstream_model="m", options=with_transport())
    with pytest.raises(ProviderError) as caught:
        await get_provider("openai_compatible").complete(broken, ask("hi"))
    assert caught.value.code == "upstream_misconfigured"
