"""Prometheus metrics (prometheus-client) exposed at /metrics."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from guardflow_site.errors import error_response

HTTP_REQUESTS = Counter("guardflow_http_requests_total", "HTTP requests served", ["method", "status"])
HTTP_LATENCY = Histogram(
    "guardflow_http_request_seconds",
    "HTTP request latency (time to response headers)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def observe_request(method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method=method, status=str(status)).inc()
    HTTP_LATENCY.observe(seconds)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition. With METRICS_TOKEN set, scrapers must send it as a bearer token."""
    token = settings.METRICS_TOKEN
    if token and not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        return error_response(401, "not_authenticated", "Send the metrics token as a bearer token.")
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
