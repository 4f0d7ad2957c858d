"""Who is calling the gateway: a JWT or a `gf_` API token, from `Authorization` or `x-api-key`."""

import asyncio

from accounts.authentication import principal_from_credentials, principal_require_scope
from accounts.principal import Principal
from proxy.services.loop import call_cached
from proxy.views.wire import GatewayRequest

GATEWAY_SCOPE = "gateway"


def _credentials(request: GatewayRequest) -> dict[str, str | None]:
    return {"authorization": request.authorization, "api_key": request.api_key}


# Lookups in flight, per event loop and credential: a burst of requests with a cold cache
# (a new token, a restart) waits for one database read instead of each making its own.
_inflight: dict[tuple, asyncio.Future] = {}


async def _principal_once(credentials: dict[str, str | None]) -> Principal:
    key = (id(asyncio.get_running_loop()), credentials["authorization"], credentials["api_key"])
    pending = _inflight.get(key)
    if pending is not None:
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # this request itself was cancelled
            # the request leading the lookup went away; look it up here instead
    future = _inflight[key] = asyncio.get_running_loop().create_future()
    try:
        principal = await call_cached(principal_from_credentials, **credentials)
    except asyncio.CancelledError:
        future.cancel()
        raise
    except Exception as exc:
        future.set_exception(exc)
        future.exception()  # marked retrieved: a lookup nobody else awaited logs no warning
        raise
    else:
        future.set_result(principal)
        return principal
    finally:
        if _inflight.get(key) is future:
            del _inflight[key]


async def gateway_principal(request: GatewayRequest, scope: str | None = GATEWAY_SCOPE) -> Principal:
    """Authenticate (raises GuardflowError 401/403). The accounts app caches principals: a hit
    is one cache GET, answered on the loop; a miss reads the database in a worker thread."""
    principal = await _principal_once(_credentials(request))
    if scope is not None:
        principal_require_scope(principal, scope)
    return principal
