"""Turning upstream failures into `ProviderError`s with safe, fixed messages.

The messages are written here, never copied from the upstream: upstream error bodies can echo
the API key (OpenAI does: "Incorrect API key provided: sk-...") or name internal hosts.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from proxy.providers.base import ProviderError, StreamChunk


def error_for_status(status: int) -> ProviderError:
    """The ProviderError for an HTTP error status the upstream answered with."""
    if status in (401, 403):
        return ProviderError(
            f"The upstream provider rejected the gateway's credentials (HTTP {status}).",
            retryable=False,
            status=502,
            code="upstream_auth_failed",
        )
    if status == 429:
        return ProviderError(
            "The upstream provider is rate limiting requests (HTTP 429).",
            retryable=True,
            status=503,
            code="upstream_rate_limited",
        )
    if status == 408:
        return timeout_error()
    if status in (400, 413, 422):
        return ProviderError(
            f"The upstream provider rejected the request as invalid (HTTP {status}).",
            retryable=False,
            status=400,
            code="upstream_bad_request",
        )
    if status == 404:
        # The upstream does not know the deployment's model or route: a configuration problem.
        return ProviderError(
            "The upstream provider does not know this model or endpoint (HTTP 404).",
            retryable=False,
            status=502,
            code="upstream_bad_request",
        )
    if status >= 500 or status == 409:
        # 5xx (incl. Anthropic's 529 "overloaded") and 409 conflicts are transient.
        return ProviderError(
            f"The upstream provider failed (HTTP {status}).",
            retryable=True,
            status=503 if status in (503, 529) else 502,
            code="upstream_unavailable" if status in (503, 529) else "upstream_error",
        )
    return ProviderError(
        f"The upstream provider refused the request (HTTP {status}).",
        retryable=False,
        status=502,
        code="upstream_error",
    )


def upstream_failed_error() -> ProviderError:
    """The upstream failed in a way the SDK does not classify (e.g. an error event in a stream)."""
    return ProviderError("The upstream provider failed.", retryable=True, status=502, code="upstream_error")


def timeout_error() -> ProviderError:
    return ProviderError(
        "The upstream provider did not answer in time.", retryable=True, status=504, code="upstream_timeout"
    )


def connection_error() -> ProviderError:
    return ProviderError(
        "The upstream provider could not be reached.", retryable=True, status=502, code="upstream_unreachable"
    )


def stream_broken_error() -> ProviderError:
    return ProviderError(
        "The upstream provider's stream ended abruptly.",
        retryable=True,
        status=502,
        code="upstream_stream_broken",
    )


def invalid_response_error() -> ProviderError:
    return ProviderError(
        "The upstream provider sent an answer the gateway could not read.",
        retryable=True,
        status=502,
        code="upstream_invalid_response",
    )


def content_filter_error() -> ProviderError:
    return ProviderError(
        "The upstream provider's content filter rejected the request.",
        retryable=False,
        status=400,
        code="upstream_content_filter",
    )


@contextlib.contextmanager
def malformed_answers() -> Iterator[None]:
    """Reading an answer that lacks what the vendor's schema promised (OpenAI-compatible servers
    vary) is the upstream's failure: a ProviderError, never an AttributeError reaching the client."""
    try:
        yield
    except (AttributeError, TypeError, KeyError, IndexError, ValueError):
        raise invalid_response_error() from None


def misconfigured_error() -> ProviderError:
    # Retryable: another deployment of the same model may be configured correctly.
    return ProviderError(
        "The upstream deployment is misconfigured.", retryable=True, status=502, code="upstream_misconfigured"
    )


@contextlib.contextmanager
def mapped(sdk_errors: tuple[type[BaseException], ...], to_provider_error) -> Iterator[None]:
    """Turn a vendor SDK's exceptions into ProviderError with the vendor's own mapping."""
    try:
        yield
    except sdk_errors as exc:
        raise to_provider_error(exc) from None


async def mapped_stream(
    events: AsyncIterator[Any],
    to_chunk: Callable[[Any], StreamChunk | None],
    *,
    sdk_errors: tuple[type[BaseException], ...],
    to_provider_error: Callable[..., ProviderError],
    close: Callable[[], Awaitable[Any]],
) -> AsyncIterator[StreamChunk]:
    """A vendor SDK's stream as StreamChunks: an event that cannot be read is an invalid answer,
    an SDK error is a mid-stream ProviderError, and the upstream is closed however the stream
    ends — also when the gateway closes it because its own client went away (use it under
    `contextlib.aclosing`, so that closing the provider's stream closes this one at once)."""
    try:
        async for event in events:
            with malformed_answers():
                chunk = to_chunk(event)
            if chunk is not None:
                yield chunk
    except sdk_errors as exc:
        raise to_provider_error(exc, mid_stream=True) from None
    finally:
        with contextlib.suppress(*sdk_errors):
            await close()
