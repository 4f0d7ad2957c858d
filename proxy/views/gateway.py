"""The gateway's HTTP surface: OpenAI- and Anthropic-compatible endpoints.

Plain async functions rather than DRF: this is the hot path, and every thread hop and
serializer layer is latency added to each model call. Each `serve_*` only authenticates, parses
the wire format and hands over to `proxy.services.gateway`; the format modules render the
answer. They take a `GatewayRequest` and return a `Reply` (proxy.views.wire), so the same code
serves Django's front door (the views at the bottom) and the lean ASGI one (proxy.asgi_fast).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.authentication import principal_require_scope
from guardflow_site.errors import GuardflowError, error_response, request_too_large_error
from proxy.formats import ParsedChatRequest
from proxy.formats.anthropic_format import (
    AnthropicStreamRenderer,
    anthropic_message_render,
    anthropic_request_parse,
)
from proxy.formats.openai_format import OpenAIStreamRenderer, openai_completion_render, openai_request_parse
from proxy.limits import limits_snapshot
from proxy.limits.headers import rate_limit_headers
from proxy.limits.types import LimitExceeded, LimitsUnavailable
from proxy.providers.base import ProviderError
from proxy.selectors import models_for_principal
from proxy.services.gateway import (
    GatewayCall,
    GatewayStream,
    gateway_admit,
    gateway_complete,
    gateway_record_refusal,
)
from proxy.views.auth import GATEWAY_SCOPE, gateway_principal
from proxy.views.wire import JSON, GatewayRequest, Reply

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
SNAPSHOT_TIMEOUT_SECONDS = 0.5  # X-RateLimit on answers that reserved nothing: never worth a wait
logger = logging.getLogger("guardflow.gateway")


@dataclass(frozen=True)
class WireFormat:
    endpoint: str
    parse: Callable[[object], ParsedChatRequest]
    id_prefix: str


OPENAI = WireFormat("chat.completions", openai_request_parse, "chatcmpl-")
ANTHROPIC = WireFormat("messages", anthropic_request_parse, "msg_")


def _json_body(request: GatewayRequest) -> object:
    if request.body_too_large:
        # A chunked body has no Content-Length for the size check to refuse up front.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise request_too_large_error(limit)
    if request.content_type != JSON:
        raise GuardflowError(
            "Send the request body as JSON with Content-Type: application/json.",
            code="unsupported_media_type",
            status=415,
        )
    try:
        return orjson.loads(request.body)
    except orjson.JSONDecodeError:
        raise GuardflowError("The request body is not valid JSON.", code="invalid_json", status=400) from None


def _json_body_or_none(request: GatewayRequest) -> object:
    try:
        return _json_body(request)
    except GuardflowError:
        return None


async def _authenticate(request: GatewayRequest, wire: WireFormat, request_id: str, started: float):
    """The caller, whatever its scopes. An unknown credential leaves no record; a genuine one
    refused (revoked, expired, blocked account) is recorded against its owner."""
    try:
        return await gateway_principal(request, scope=None)
    except GuardflowError as exc:
        if exc.caller is not None:
            gateway_record_refusal(
                principal=exc.caller,
                endpoint=wire.endpoint,
                request_id=request_id,
                error=exc,
                body=_json_body_or_none(request),
                started=started,
                client_ip=request.client_ip,
            )
        raise


async def _call_for(
    request: GatewayRequest, wire: WireFormat, principal, request_id: str, started: float
) -> GatewayCall:
    body = None
    try:
        body = _json_body(request)
        principal_require_scope(principal, GATEWAY_SCOPE)
        parsed = wire.parse(body)
    except GuardflowError as exc:
        gateway_record_refusal(
            principal=principal,
            endpoint=wire.endpoint,
            request_id=request_id,
            error=exc,
            body=body,
            started=started,
            client_ip=request.client_ip,
        )
        raise
    return GatewayCall(
        principal=principal,
        parsed=parsed,
        endpoint=wire.endpoint,
        request_id=request_id,
        client_ip=request.client_ip,
        started=started,
    )


async def serve_completion(request: GatewayRequest, wire: WireFormat) -> Reply:
    """POST chat/completions or messages, whichever front door it came through."""
    started = time.perf_counter()
    request_id = request.request_id or uuid.uuid4().hex
    principal = admission = None
    try:
        principal = await _authenticate(request, wire, request_id, started)
        call = await _call_for(request, wire, principal, request_id, started)
        admission = await gateway_admit(call)
        if call.parsed.stream:
            return await _stream_response(admission, wire)
        outcome = await gateway_complete(admission)
    except GuardflowError as exc:
        if admission is not None:  # failed upstream: the reservation's figures still hold
            return Reply.error(exc, extra_headers=admission.rate_headers)
        return await _error_with_limits(exc, principal)
    object_id = wire.id_prefix + call.request_id
    if wire is OPENAI:
        body = openai_completion_render(
            result=outcome.result,
            model_name=call.parsed.model_name,
            completion_id=object_id,
            created=int(time.time()),
            usage=outcome.usage,
        )
    else:
        body = anthropic_message_render(
            result=outcome.result,
            model_name=call.parsed.model_name,
            message_id=object_id,
            usage=outcome.usage,
        )
    return Reply(body=body, headers=outcome.rate_headers)


async def _stream_response(admission, wire: WireFormat) -> Reply:
    stream = GatewayStream(admission)
    await stream.open()  # may raise: before the first byte we still answer with a real status
    call = admission.call
    object_id = wire.id_prefix + call.request_id
    if wire is OPENAI:
        renderer = OpenAIStreamRenderer(
            call.parsed.model_name, object_id, int(time.time()), call.parsed.include_usage
        )
    else:
        renderer = AnthropicStreamRenderer(call.parsed.model_name, object_id, admission.input_estimate)
    return Reply(
        stream=_sse(stream, renderer),
        content_type="text/event-stream",
        headers={**SSE_HEADERS, **admission.rate_headers},
        finalizer=stream.abandon,
    )


async def _sse(stream: GatewayStream, renderer) -> AsyncIterator[bytes]:
    try:
        yield renderer.start()
        try:
            async for chunk in stream.chunks():
                if data := renderer.chunk(chunk):  # a usage-only chunk renders to nothing
                    yield data
        except ProviderError as exc:
            # After the first byte there is no retry and no status code left to change: tell the
            # client in-band, in the format's own error event, and end the stream.
            yield renderer.error(exc.status, exc.code, exc.message)
            return
        yield renderer.finish(stream.usage)
    finally:
        # Closed before chunks() ran (the client left while the first bytes went out): the
        # stream must still settle and leave its record.
        await stream.abandon()


async def _error_with_limits(exc: GuardflowError, principal) -> Reply:
    """The error, with the X-RateLimit headers of the caller when it authenticated. Not for a
    refused credential (a leaked, revoked token must not watch its owner's traffic), and not
    for a refusal by the limits: it carries its own figures, or the ledger is what failed."""
    if principal is None or isinstance(exc, LimitExceeded | LimitsUnavailable):
        return Reply.error(exc)
    return Reply.error(exc, extra_headers=await _rate_headers_or_none(principal))


async def _rate_headers_or_none(principal) -> dict[str, str]:
    """Where the caller's request-rate limits stand, for an answer that reserved nothing. The
    headers are a courtesy here: when the ledger is slow or down the answer goes out without
    them rather than waiting or failing."""
    try:
        statuses = await asyncio.wait_for(limits_snapshot(principal=principal), SNAPSHOT_TIMEOUT_SECONDS)
    except Exception:  # any ledger failure: Redis, a locked SQLite file, the timeout
        logger.warning("no X-RateLimit headers: the limits ledger did not answer", exc_info=True)
        return {}
    return rate_limit_headers(statuses)


async def serve_models(request: GatewayRequest) -> Reply:
    principal = None
    try:
        principal = await gateway_principal(request, scope=None)
        principal_require_scope(principal, GATEWAY_SCOPE)
    except GuardflowError as exc:
        return await _error_with_limits(exc, principal)
    data = [
        {"id": model.name, "object": "model", "created": model.created, "owned_by": "guardflow"}
        for model in await models_for_principal(principal)
    ]
    return Reply(
        body=orjson.dumps({"object": "list", "data": data}), headers=await _rate_headers_or_none(principal)
    )


async def serve_rate_limit(request: GatewayRequest) -> Reply:
    principal = None
    try:
        principal = await gateway_principal(request, scope=None)
        statuses = await limits_snapshot(principal=principal)
    except GuardflowError as exc:
        return await _error_with_limits(exc, principal)
    limits = [status.as_dict() for status in statuses]
    return Reply(body=orjson.dumps({"limits": limits}), headers=rate_limit_headers(statuses))


# --- Django's front door (the lean ASGI one is proxy.asgi_fast) ------------------------------


@csrf_exempt
@require_POST
async def chat_completions(request: HttpRequest) -> HttpResponse:
    return (await serve_completion(GatewayRequest.from_django(request), OPENAI)).to_django()


@csrf_exempt
@require_POST
async def messages(request: HttpRequest) -> HttpResponse:
    return (await serve_completion(GatewayRequest.from_django(request), ANTHROPIC)).to_django()


@require_GET
async def models(request: HttpRequest) -> HttpResponse:
    return (await serve_models(GatewayRequest.from_django(request))).to_django()


@require_GET
async def rate_limit(request: HttpRequest) -> HttpResponse:
    return (await serve_rate_limit(GatewayRequest.from_django(request))).to_django()


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    return error_response(405, "method_not_allowed", f"Method {request.method} is not allowed here.")
