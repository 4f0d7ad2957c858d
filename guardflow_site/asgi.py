"""ASGI entry point: HTTP (Django, with static files) and websockets (Channels), behind the
gateway's lean front door for API clients (proxy/asgi_fast.py).

HTTP requests to the gateway's hot paths (settings.GATEWAY_PATH_PREFIXES) are served by a
Django handler built with the lean, all-async GATEWAY_MIDDLEWARE; everything else (admin, DRF
API, docs) gets the full MIDDLEWARE stack. Same URLconf, same views, same error shape.
"""

import asyncio
import contextlib
import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")
django_http_app = get_asgi_application()  # must run before importing consumers and models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.exceptions import RequestAborted  # noqa: E402
from django.core.handlers.asgi import ASGIHandler, get_script_prefix  # noqa: E402
from django.urls import set_script_prefix  # noqa: E402

from guardflow_site.errors import request_too_large_error  # noqa: E402
from guardflow_site.routing import websocket_urlpatterns  # noqa: E402
from proxy.asgi_fast import GatewayFrontDoor  # noqa: E402
from proxy.views.wire import Reply  # noqa: E402

# Django keeps cache backends in a context-local (not thread-local) store, and every ASGI
# request runs in a new task whose context is copied from this one. Created lazily inside a
# request, a RedisCache (with its connection pool) would be built again for every request, i.e.
# a new Redis TCP connection per request. Created here, every request task inherits the same
# instances and their pools.
for _alias in settings.CACHES:
    caches[_alias]


class GatewayASGIHandler(ASGIHandler):
    """Django's ASGI handler with GATEWAY_MIDDLEWARE instead of MIDDLEWARE, and without the
    per-request thread work of the stock handler.

    The stock handler opens a ThreadSensitiveContext per request (a fresh executor thread the
    first time anything thread-sensitive runs) and sends request_started / request_finished
    through sync_to_async: a thread start and two thread hops per request, for receivers that
    close the *current thread's* database connections. The gateway never queries the database
    on the event loop (cache misses and usage writes run in their own threads, which manage
    their connections), so here those receivers have nothing to do and are skipped.
    """

    async def __call__(self, scope, receive, send) -> None:
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            body_file.close()
            await self.send_response(error_response, send)
            return
        disconnect = asyncio.create_task(self.listen_for_disconnect(receive))
        serve = asyncio.create_task(self._serve(request, send))
        await asyncio.wait((disconnect, serve), return_when=asyncio.FIRST_COMPLETED)
        # A disconnect first cancels the view (streams then settle and record as client_closed).
        for task in (disconnect, serve):
            if not task.done():
                task.cancel()
            with contextlib.suppress(RequestAborted, asyncio.CancelledError):
                await task
        body_file.close()

    async def _serve(self, request, send) -> None:
        response = await self.run_get_response(request)
        try:
            with contextlib.suppress(asyncio.CancelledError):  # the client went away while we sent
                await self.send_response(response, send)
        finally:
            # A gateway stream settles and records itself when read to the end or closed; this
            # covers the client leaving before its first chunk was taken (proxy.views.wire).
            finalizer = getattr(response, "finalizer", None)
            if finalizer is not None:
                await asyncio.shield(finalizer())

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE; swap it only while this handler is built (once,
        # at import, before any request is served).
        full_stack = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.GATEWAY_MIDDLEWARE
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = full_stack


class BodyLimit:
    """Cap a request body sent without Content-Length (chunked) while it arrives.

    A declared Content-Length is refused up front by the size middleware; a chunked body would
    otherwise be spooled whole (to disk, past memory) by Django before anything can check it.
    Past the limit this answers 413 itself and tells Django the client went away, so nothing
    more is read."""

    def __init__(self, receive, send, limit: int) -> None:
        self.receive, self.send, self.limit = receive, send, limit
        self.seen = 0
        self.refused = False

    async def __call__(self) -> dict:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                self.refused = True
                await self._send_413()
                return {"type": "http.disconnect"}
        return message

    async def _send_413(self) -> None:
        body = Reply.error(request_too_large_error(self.limit)).body
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await self.send({"type": "http.response.start", "status": 413, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


def _declares_length(scope) -> bool:
    return any(name == b"content-length" for name, _ in scope["headers"])


class HttpDispatcher:
    """Send hot gateway paths to the lean handler, everything else to the full one."""

    def __init__(self, full, lean, prefixes: tuple[str, ...], max_body: int | None) -> None:
        self.full, self.lean, self.prefixes, self.max_body = full, lean, prefixes, max_body

    async def __call__(self, scope, receive, send) -> None:
        app = self.lean if scope["path"].startswith(self.prefixes) else self.full
        if self.max_body is not None and not _declares_length(scope):
            receive = BodyLimit(receive, send, self.max_body)
        await app(scope, receive, send)


http_app = HttpDispatcher(
    django_http_app,
    GatewayASGIHandler(),
    tuple(settings.GATEWAY_PATH_PREFIXES),
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
)

protocol_router = ProtocolTypeRouter(
    {
        # Static files (admin, Swagger UI) are served by Django's ASGI static handler straight
        # from the installed apps, so no collectstatic step and no extra server are needed.
        "http": ASGIStaticFilesHandler(http_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# API clients' calls to the hot gateway endpoints skip all of the above (proxy/asgi_fast.py);
# anything else, browsers included, takes the Django path.
application = GatewayFrontDoor(protocol_router) if settings.GATEWAY_FAST_PATH else protocol_router

# Everything imported and built so far lives as long as the process: move it out of the cyclic
# garbage collector's view, so a full collection under load walks only per-request objects
# (py-spy showed collections of the whole Django + numpy heap in the gateway's p99 tail).
gc.freeze()
