"""Calling cached, mostly-in-memory sync code from the gateway's event loop."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.core.exceptions import SynchronousOnlyOperation
from django.db import close_old_connections

logger = logging.getLogger("guardflow.gateway")
T = TypeVar("T")


async def call_cached(func: Callable[..., T], /, **kwargs) -> T:
    """Run `func` right here on the loop; if it needs the database (a cache miss or a stale
    in-memory copy), run it again in a worker thread.

    Django refuses an ORM call on the event loop before any query is sent, so the first attempt
    has no effect of its own; `func` must do nothing irreversible before its first query (the
    principal lookup, the guard's config refresh and the registry snapshot all read first).
    A hit, which is nearly every request, then costs no thread hop."""
    try:
        return func(**kwargs)
    except SynchronousOnlyOperation:
        return await sync_to_async(_with_fresh_connections(func), thread_sensitive=False)(**kwargs)


def _with_fresh_connections(func: Callable[..., T]) -> Callable[..., T]:
    """Worker threads never see request_started/finished, which is when Django retires stale or
    broken connections; do it before each call, as a request would."""

    def run(**kwargs) -> T:
        close_old_connections()
        return func(**kwargs)

    return run


_background: set[asyncio.Task] = set()


def background_run(awaitable: Awaitable, *, what: str) -> None:
    """Run `awaitable` after the current request without waiting for it; failures are logged.
    A strong reference is kept until it finishes (the loop itself keeps only weak ones)."""
    task = asyncio.get_running_loop().create_task(awaitable)
    _background.add(task)
    task.add_done_callback(_background.discard)
    task.add_done_callback(lambda done: _log_failure(done, what))


def _log_failure(task: asyncio.Task, what: str) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s failed", what, exc_info=task.exception())
