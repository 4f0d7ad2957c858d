"""One SDK client per (provider, base_url, api_key, api_version, timeout, headers) and event loop.

Clients hold connection pools, so reusing them saves a TCP (and TLS) handshake per request. An
async HTTP pool is bound to the event loop that opened its connections, so the cache is kept per
loop: one loop in a uvicorn worker, but Celery tasks and `async_to_sync` calls run short-lived
loops, and reusing their pooled connections from another loop would fail. Clients of a loop that
is gone are dropped with it.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

import certifi

from proxy.providers._errors import misconfigured_error
from proxy.providers.base import DeploymentTarget

T = TypeVar("T")
MAX_CLIENTS_PER_LOOP = 256

_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Hashable, object]] = (
    weakref.WeakKeyDictionary()
)


def client_key(target: DeploymentTarget) -> tuple[Hashable, ...]:
    headers = target.options.get("headers") or {}
    return (
        target.provider,
        target.base_url,
        target.api_key,
        target.api_version,
        target.timeout_seconds,
        tuple(sorted(headers.items())),
    )


def cached_client(target: DeploymentTarget, factory: Callable[[DeploymentTarget], T]) -> T:
    """The cached client for `target` on the running loop, built with `factory` on first use."""
    loop = asyncio.get_running_loop()
    clients = _by_loop.get(loop)
    if clients is None:
        clients = _by_loop[loop] = {}
    key = client_key(target)
    client = clients.get(key)
    if client is None:
        if len(clients) >= MAX_CLIENTS_PER_LOOP:
            # Keys change only when an operator edits deployments; dropping the oldest is enough.
            clients.pop(next(iter(clients)))
        try:
            client = clients[key] = factory(target)
        except Exception as exc:
            # An SDK refusing its settings (e.g. Azure without an endpoint) is a deployment problem,
            # not a crash. Its text can hold settings, so it is not passed on.
            raise misconfigured_error() from exc
    return client  # type: ignore[return-value]


def extra_headers(target: DeploymentTarget) -> dict[str, str] | None:
    """Operator-configured static headers for this deployment (`options["headers"]`)."""
    headers = target.options.get("headers")
    return {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else None


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every SDK client.

    Loading the CA bundle costs tens of milliseconds, and each SDK client would otherwise load
    its own: noticeable wherever a short-lived event loop (Celery task, `async_to_sync`) has to
    build fresh clients. An SSLContext is safe to share between connections and threads.
    """
    return ssl.create_default_context(cafile=certifi.where())
