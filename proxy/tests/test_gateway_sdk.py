"""The official OpenAI and Anthropic SDKs, pointed at a live Guardflow (uvicorn in a thread), used
as a new user would: only `base_url` and the key change."""

import time

import anthropic
import httpx
import openai
import pytest
from django.utils import timezone

from guardflow_site.asgi import application
from proxy.services.registry import model_upsert
from proxy.testing.asgi_server import ThreadedASGIServer
from proxy.testing.fake_upstreams import FakeUpstream
from usage.models import UsageRecord
from usage.services import usage_flush

pytestmark = pytest.mark.django_db(transaction=True)

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.fixture
def live_gateway(gateway_reset):
    with ThreadedASGIServer(application) as server:
        yield server


@pytest.fixture
def upstream():
    with FakeUpstream() as server:
        yield server


@pytest.fixture
def key(member, api_token_factory, mock_model):
    value, _ = api_token_factory(member)
    return value


def openai_client(server, key: str, prefix: str = "/v1") -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url + prefix, api_key=key, max_retries=0, timeout=20)


def wait_for_record(request_id_suffix: str | None = None, status: str | None = None, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        usage_flush()
        records = UsageRecord.objects.all()
        if status:
            records = records.filter(status=status)
        if records.exists():
            return list(records)
        time.sleep(0.05)
    raise AssertionError(f"no usage record with status={status} appeared")


def test_openai_sdk_lists_completes_and_streams(live_gateway, key):
    client = openai_client(live_gateway, key)
    assert [m.id for m in client.models.list()] == ["mock"]

    completion = client.chat.completions.create(
        model="mock", messages=[{"role": "user", "content": "hello there"}], max_tokens=40
    )
    assert completion.choices[0].message.content.startswith("Mock answer:")
    assert completion.usage.total_tokens > 0

    stream = client.chat.completions.create(
        model="mock",
        messages=[{"role": "user", "content": "stream me something"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith("Mock answer:")
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_openai_sdk_under_api_v1_base_url_and_tools(live_gateway, key):
    client = openai_client(live_gateway, key, prefix="/api/v1")
    completion = client.chat.completions.create(
        model="mock",
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
        tools=[WEATHER_TOOL],
        tool_choice="required",
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls[0].function.name == "get_weather"


def test_openai_sdk_errors(live_gateway, key, member, api_token_factory):
    client = openai_client(live_gateway, key)
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert missing.value.code == "model_not_found"

    with pytest.raises(openai.AuthenticationError):
        openai_client(live_gateway, "gf_not-a-real-token").models.list()

    value, token = api_token_factory(member, tokens_per_day=50)
    spent = openai_client(live_gateway, value)
    with pytest.raises(openai.RateLimitError) as quota:
        spent.chat.completions.create(
            model="mock", messages=[{"role": "user", "content": "x"}], max_tokens=500
        )
    assert quota.value.code == "insufficient_quota"
    assert int(quota.value.response.headers["Retry-After"]) >= 1

    token.revoked_at = timezone.now()
    token.save()
    with pytest.raises(openai.AuthenticationError) as revoked:
        spent.models.list()
    assert revoked.value.code == "token_revoked"


def test_client_disconnect_mid_stream_is_recorded_as_client_closed(live_gateway, key):
    model_upsert(
        data={
            "name": "slow",
            "deployments": [
                {"provider": "mock", "upstream_model": "slow", "options": {"token_delay_ms": 100}}
            ],
        }
    )
    client = openai_client(live_gateway, key)
    stream = client.chat.completions.create(
        model="slow",
        messages=[{"role": "user", "content": " ".join(["word"] * 30)}],
        stream=True,
    )
    received = []
    for chunk in stream:
        received.append(chunk)
        if len(received) == 3:
            break
    stream.close()
    [record] = wait_for_record(status="client_closed")
    assert record.is_stream and record.http_status == 499
    assert 0 < record.output_tokens < 30


def test_anthropic_sdk_create_and_stream(live_gateway, key):
    client = anthropic.Anthropic(base_url=live_gateway.base_url, api_key=key, max_retries=0, timeout=20)
    message = client.messages.create(
        model="mock", max_tokens=64, messages=[{"role": "user", "content": "Hello from Anthropic"}]
    )
    assert message.content[0].text.startswith("Mock answer:")
    assert message.usage.output_tokens > 0

    with client.messages.stream(
        model="mock", max_tokens=64, messages=[{"role": "user", "content": "Stream please"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text.startswith("Mock answer:")
    assert final.usage.output_tokens > 0


def test_anthropic_served_model_through_openai_endpoint_and_back(live_gateway, upstream, key):
    model_upsert(
        data={
            "name": "claude-via-gateway",
            "deployments": [
                {
                    "provider": "anthropic",
                    "upstream_model": "claude-test",
                    "base_url": upstream.base_url,
                    "api_key": "sk-ant-x",
                }
            ],
        }
    )
    model_upsert(
        data={
            "name": "gpt-via-gateway",
            "deployments": [
                {
                    "provider": "openai",
                    "upstream_model": "gpt-test",
                    "base_url": upstream.base_url + "/v1",
                    "api_key": "sk-x",
                }
            ],
        }
    )
    oa = openai_client(live_gateway, key)
    answer = oa.chat.completions.create(
        model="claude-via-gateway", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.choices[0].message.content
    streamed = oa.chat.completions.create(
        model="claude-via-gateway", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)

    an = anthropic.Anthropic(base_url=live_gateway.base_url, api_key=key, max_retries=0, timeout=20)
    message = an.messages.create(
        model="gpt-via-gateway", max_tokens=50, messages=[{"role": "user", "content": "hello"}]
    )
    assert message.content[0].text
    assert any(r["path"].endswith("/messages") for r in upstream.requests)
    assert any(r["path"].endswith("/chat/completions") for r in upstream.requests)


def test_upstream_errors_leak_no_secret_or_internal_url(live_gateway, upstream, key):
    model_upsert(
        data={
            "name": "broken",
            "deployments": [
                {
                    "provider": "openai",
                    "upstream_model": "fail-500",
                    "base_url": upstream.base_url + "/v1",
                    "api_key": "sk-secret-upstream-key",
                }
            ],
        }
    )
    response = httpx.post(
        live_gateway.base_url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        json={"model": "broken", "messages": [{"role": "user", "content": "x"}]},
        timeout=20,
    )
    assert response.status_code in (502, 503)
    error = response.json()["error"]
    assert (
        error["type"] == "server_error" and error["code"].startswith("upstream_") and error["param"] is None
    )
    assert "sk-secret-upstream-key" not in response.text
    assert str(upstream.port) not in response.text and "127.0.0.1" not in response.text
