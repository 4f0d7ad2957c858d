"""The lean ASGI front door (proxy/asgi_fast.py) answers exactly as the Django one does, takes only
plain API calls, and keeps the request id, security headers, access log and client_closed records."""

import asyncio
import json
import logging

import httpx
import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.test import AsyncClient

from guardflow_site.asgi import application, protocol_router
from guardflow_site.testing import asgi_http_scope
from proxy.asgi_fast import GatewayFrontDoor
from proxy.models import Deployment
from usage.models import UsageRecord
from usage.services import usage_flush

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = "/v1/chat/completions"
MESSAGE = {"model": "mock", "max_tokens": 20, "messages": [{"role": "user", "content": "Hi"}]}


def chat(**overrides) -> dict:
    data = {"model": "mock", "messages": [{"role": "user", "content": "Say hello to the gateway"}]}
    data.update(overrides)
    return data


@pytest.fixture
def key(member, api_token_factory, mock_model) -> str:
    value, _ = api_token_factory(member)
    return value


def _django_must_not_run(scope, receive, send):
    raise AssertionError(f"the Django app was called for {scope['method']} {scope['path']}")


async def fast(method: str, path: str, *, headers: dict, content: bytes = b"") -> httpx.Response:
    """Through a front door whose Django fallback fails the test: proves the lean path answered."""
    front = GatewayFrontDoor(_django_must_not_run)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=front), base_url="http://testserver") as c:
        return await c.request(method, path, headers=headers, content=content)


async def django(method: str, path: str, *, headers: dict, content: bytes = b""):
    client = AsyncClient()
    if method == "GET":
        return await client.get(path, headers=headers)
    # Django's test client takes the content type as its own argument (in `headers` it breaks it).
    others = {name: value for name, value in headers.items() if name != "Content-Type"}
    return await client.post(path, content, content_type=headers.get("Content-Type", ""), headers=others)


def _cases(key: str) -> list[tuple[str, str, dict, bytes]]:
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return [
        ("POST", CHAT, auth, json.dumps(chat(max_tokens=20)).encode()),
        ("POST", "/api/v1/chat/completions", auth, json.dumps(chat()).encode()),
        ("POST", CHAT, {"Content-Type": "application/json"}, json.dumps(chat()).encode()),
        ("POST", CHAT, {**auth, "Authorization": "Bearer gf_not-a-real-token"}, json.dumps(chat()).encode()),
        ("POST", CHAT, {**auth, "Content-Type": "text/plain"}, b"hello"),
        ("POST", CHAT, auth, b"{not json"),
        ("POST", CHAT, auth, json.dumps(chat(model="no-such-model")).encode()),
        ("POST", CHAT, auth, json.dumps({"model": "mock"}).encode()),
        ("POST", "/v1/messages", {**auth, "anthropic-version": "2023-06-01"}, json.dumps(MESSAGE).encode()),
        ("GET", "/v1/models", {"Authorization": f"Bearer {key}"}, b""),
        ("GET", "/api/v1/rate-limit", {"Authorization": f"Bearer {key}"}, b""),
    ]  # fmt: skip


def _shape(status: int, content_type: str, data: dict) -> tuple:
    error = data.get("error") or {}
    return status, content_type.split(";")[0], error.get("code"), error.get("type"), data.get("object")


async def test_both_front_doors_answer_alike(key):
    for method, path, headers, content in _cases(key):
        lean = await fast(method, path, headers=headers, content=content)
        full = await django(method, path, headers=headers, content=content)
        assert _shape(lean.status_code, lean.headers["content-type"], lean.json()) == _shape(
            full.status_code, full["Content-Type"], full.json()
        ), (method, path, lean.text)
        for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After", "WWW-Authenticate"):
            assert (name in lean.headers) == full.has_header(name), (path, name)


async def test_a_stream_is_served_by_the_lean_path(key):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = json.dumps(chat(stream=True, stream_options={"include_usage": True})).encode()
    response = await fast("POST", CHAT, headers=headers, content=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert json.loads(events[-2])["usage"]["total_tokens"] > 0
    usage_flush_async = sync_to_async(usage_flush)
    await usage_flush_async()
    assert await UsageRecord.objects.filter(status="success", is_stream=True).acount() == 1


async def test_request_id_security_headers_and_access_log(key, caplog):
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "X-Request-ID": "trace-42",
    }
    with caplog.at_level(logging.INFO, logger="guardflow.access"):
        response = await fast("POST", CHAT, headers=headers, content=json.dumps(chat()).encode())
    assert response.headers["x-request-id"] == "trace-42"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] and response.headers["content-security-policy"]
    [line] = [r for r in caplog.records if r.name == "guardflow.access"]
    assert (line.method, line.path, line.status, line.streaming) == ("POST", CHAT, 200, False)
    await sync_to_async(usage_flush)()
    assert await UsageRecord.objects.filter(request_id="trace-42").aexists()
    # A request id that could smuggle anything is replaced, not echoed.
    headers["X-Request-ID"] = "bad id\r\nX-Evil: 1"[:12]
    response = await fast("POST", CHAT, headers=headers, content=json.dumps(chat()).encode())
    assert response.headers["x-request-id"] != headers["X-Request-ID"]


async def test_oversized_declared_body_is_413_before_reading(key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = json.dumps(chat(messages=[{"role": "user", "content": "a" * 5000}])).encode()
    response = await fast("POST", CHAT, headers=headers, content=body)
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    await sync_to_async(usage_flush)()
    assert not await UsageRecord.objects.filter(status="success").aexists()


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("POST", CHAT, [(b"origin", b"https://app.example.com")]),  # a browser: CORS is Django's
        ("POST", CHAT, [(b"transfer-encoding", b"chunked")]),  # no length: Django caps it
        ("GET", CHAT, []),  # wrong method: Django's 405
        ("POST", "/v1/unknown", []),
        ("GET", "/health", []),
    ],
)
async def test_anything_but_a_plain_api_call_goes_to_django(method, path, extra):
    seen = []

    async def fallback(scope, receive, send):
        seen.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    scope = asgi_http_scope(path, method=method, headers=extra)
    communicator = ApplicationCommunicator(GatewayFrontDoor(fallback), scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    assert (await communicator.receive_output(5))["status"] == 204
    await communicator.wait(5)
    assert seen == [(method, path)]


async def test_the_configured_application_is_the_front_door():
    assert isinstance(application, GatewayFrontDoor) and application.app is protocol_router


async def _send_chat(key: str, payload: bytes) -> ApplicationCommunicator:
    """A chat request sent whole to the configured application, the response not yet read."""
    headers = [
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {key}".encode()),
        (b"content-length", str(len(payload)).encode()),
    ]
    communicator = ApplicationCommunicator(application, asgi_http_scope(CHAT, headers=headers))
    await communicator.send_input({"type": "http.request", "body": payload, "more_body": False})
    return communicator


async def test_client_gone_before_the_answer_is_recorded_as_client_closed(key):
    await Deployment.objects.filter(model__name="mock").aupdate(options={"token_delay_ms": 200})
    from proxy.registry import registry_reset

    registry_reset()
    payload = json.dumps(chat(max_tokens=20)).encode()
    communicator = await _send_chat(key, payload)
    await asyncio.sleep(0.3)  # admitted, waiting for the (slow) upstream
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(10)
    await sync_to_async(usage_flush)()
    record = await UsageRecord.objects.aget()
    assert (record.status, record.http_status) == ("client_closed", 499)


async def test_client_gone_during_admission_still_leaves_a_record(key, monkeypatch):
    from proxy.services import guard_bridge

    async def slow_screen(*, call, task):  # e.g. an LLM judge taking its time
        await asyncio.sleep(5)

    monkeypatch.setattr(guard_bridge, "screen", slow_screen)
    payload = json.dumps(chat()).encode()
    communicator = await _send_chat(key, payload)
    await asyncio.sleep(0.3)
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(3)
    await sync_to_async(usage_flush)()
    record = await UsageRecord.objects.aget()
    assert (record.status, record.http_status, record.model_name) == ("client_closed", 499, "mock")


async def test_a_stream_abandoned_before_its_first_byte_is_settled_and_recorded(key):
    from proxy.asgi_fast import _Sent
    from proxy.views.gateway import OPENAI, serve_completion
    from proxy.views.wire import GatewayRequest

    body = json.dumps(chat(stream=True)).encode()
    request = GatewayRequest(
        method="POST",
        authorization=f"Bearer {key}",
        api_key=None,
        content_type="application/json",
        body=body,
        client_ip="127.0.0.1",
        request_id="gone-early",
    )
    reply = await serve_completion(request, OPENAI)
    assert reply.stream is not None

    async def client_gone(message):
        raise asyncio.CancelledError  # the client left as the response started

    with pytest.raises(asyncio.CancelledError):
        await GatewayFrontDoor(_django_must_not_run)._send(reply, "gone-early", client_gone, _Sent())
    await sync_to_async(usage_flush)()
    record = await UsageRecord.objects.aget(request_id="gone-early")
    assert (record.status, record.http_status, record.is_stream) == ("client_closed", 499, True)


async def test_the_django_door_also_runs_a_stream_finalizer_when_the_client_leaves_first():
    from django.http import StreamingHttpResponse

    from guardflow_site.asgi import GatewayASGIHandler
    from proxy.views.wire import Reply

    finalized = []

    async def finalizer():
        finalized.append(True)

    async def never_read():
        yield b"data: never sent\n\n"

    response = Reply(stream=never_read(), content_type="text/event-stream", finalizer=finalizer).to_django()
    assert isinstance(response, StreamingHttpResponse)
    handler = GatewayASGIHandler()

    async def respond(request):
        return response

    async def client_gone(message):
        raise asyncio.CancelledError

    handler.run_get_response = respond
    await handler._serve(object(), client_gone)
    assert finalized == [True]


async def test_lean_door_edge_cases_answer_like_django(key):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = json.dumps(chat()).encode()
    response = await fast("POST", CHAT, headers=headers, content=body)
    assert response.headers["vary"].lower() == "origin"  # the answer depends on Origin
    # Two Authorization headers: joined (as Django joins them), so refused on both doors.
    scope_headers = [
        (b"authorization", f"Bearer {key}".encode()),
        (b"authorization", f"Bearer {key}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    status, error = await _lean_raw(scope_headers, body)
    assert (status, error["code"]) == (401, "invalid_token")
    # A Content-Length of non-ASCII digits is a 400, not a crash.
    bad_length = [(b"authorization", f"Bearer {key}".encode()), (b"content-length", "²".encode())]
    status, error = await _lean_raw(bad_length, b"")
    assert (status, error["code"]) == (400, "invalid_content_length")


async def _lean_raw(headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, dict]:
    communicator = ApplicationCommunicator(
        GatewayFrontDoor(_django_must_not_run), asgi_http_scope(CHAT, headers=headers)
    )
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(5)
    content = await communicator.receive_output(5)
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(5)
    return start["status"], json.loads(content["body"])["error"]
