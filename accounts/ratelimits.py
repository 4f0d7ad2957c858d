"""Per-IP limits on the auth endpoints (django-ratelimit, counted in the Django cache: in-process
by default, Redis in production, so every instance counts together)."""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from guardflow_site.errors import GuardflowError


def _http_request(request) -> HttpRequest:
    return getattr(request, "_request", request)  # DRF's Request wraps the Django one


def _usage(request, name: str, *, increment: bool) -> dict | None:
    rate = settings.AUTH_RATE_LIMITS.get(name)
    if not settings.RATELIMIT_ENABLE or request is None or not rate:
        return None
    return get_usage(
        _http_request(request), group=f"accounts.{name}", key="ip", rate=rate, increment=increment
    )


def _refused(usage: dict, message: str, code: str) -> GuardflowError:
    retry_after = max(1, int(usage["time_left"]))
    return GuardflowError(
        f"{message} Retry in {retry_after} seconds.",
        code=code,
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


def rate_limit(request, name: str) -> None:
    """Count this request against the per-IP limit `name` of AUTH_RATE_LIMITS; 429 past it."""
    usage = _usage(request, name, increment=True)
    if usage and usage["should_limit"]:
        raise _refused(usage, "Too many requests from your address.", "rate_limited")


def login_failures_ip_check(request) -> None:
    """The per-IP soft lock: too many failed logins from one address, whichever accounts they hit."""
    usage = _usage(request, "login_failures", increment=False)
    if usage and usage["should_limit"]:
        raise _refused(usage, "Too many failed logins from your address.", "ip_locked")


def login_failures_ip_count(request) -> None:
    _usage(request, "login_failures", increment=True)
