"""A chunked body (no Content-Length) is cut off at MAX_REQUEST_BYTES as it arrives."""

import asyncio

import orjson
import pytest
from django.conf import settings

from guardflow_site.asgi import application
from guardflow_site.testing import asgi_http_scope

pytestmark = pytest.mark.django_db(transaction=True)


async def _call(path: str, chunks: list[bytes]) -> tuple[list[dict], int]:
    scope = asgi_http_scope(
        path, headers=[(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]
    )
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]
    consumed = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal consumed
        if pending:
            consumed += 1
            return pending.pop(0)
        await asyncio.sleep(3600)  # the client stays connected until the server has answered
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await application(scope, receive, send)
    return sent, consumed


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/api/v1/auth/login"])
async def test_oversized_chunked_body_is_refused_while_it_arrives(path):
    chunk = b"x" * (1024 * 1024)
    chunks = [chunk] * ((settings.DATA_UPLOAD_MAX_MEMORY_SIZE // len(chunk)) + 5)
    sent, consumed = await _call(path, chunks)
    assert sent[0]["status"] == 413
    body = orjson.loads(sent[1]["body"])
    assert body["error"]["code"] == "request_too_large"
    assert consumed < len(chunks)  # reading stopped at the limit; the rest was never taken in
    assert len(sent) == 2  # Django answered nothing more


async def test_small_chunked_body_still_reaches_the_view():
    sent, _ = await _call("/v1/chat/completions", [b'{"model": "mock",', b' "messages": []}'])
    assert sent[0]["status"] == 401  # got as far as authentication: the body was accepted
