"""Request ids, the JSON access log, secret redaction, security headers and CORS."""

import io
import json
import logging
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Capture what the configured console handler would write: same formatter, same filters."""
    console = next(h for h in logging.getLogger().handlers if getattr(h, "name", "") == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)


def test_request_id_is_generated_when_absent(client):
    first = client.get("/health")["X-Request-ID"]
    second = client.get("/health")["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_request_id_is_echoed_when_supplied(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="req-abc.123:9")

    assert response["X-Request-ID"] == "req-abc.123:9"


@pytest.mark.parametrize("supplied", ["has space", "x" * 129, "evil\r\nSet-Cookie: a=b", ""])
def test_unsafe_request_ids_are_replaced(client, supplied):
    response = client.get("/health", HTTP_X_REQUEST_ID=supplied)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_one_json_access_line_per_request(client, caplog, json_log):
    caplog.set_level(logging.INFO, logger="guardflow.access")
    response = client.get("/health", HTTP_X_REQUEST_ID="trace-42")

    records = [r for r in caplog.records if r.name == "guardflow.access"]
    assert len(records) == 1
    assert (records[0].method, records[0].path, records[0].status) == ("GET", "/health", 200)
    assert records[0].latency_ms >= 0
    line = next(entry for entry in json_log() if entry["logger"] == "guardflow.access")
    assert line["method"] == "GET"
    assert line["path"] == "/health"
    assert line["status"] == 200
    assert isinstance(line["latency_ms"], float | int)
    assert line["request_id"] == "trace-42" == response["X-Request-ID"]
    assert line["level"] == "INFO"
    assert "ts" in line


def test_access_line_records_error_statuses(client, caplog):
    caplog.set_level(logging.INFO, logger="guardflow.access")
    client.get("/api/v1/no-such-endpoint")

    record = next(r for r in caplog.records if r.name == "guardflow.access")
    assert (record.path, record.status) == ("/api/v1/no-such-endpoint", 404)


@pytest.mark.parametrize(
    "secret",
    [
        "Bearer gf_live_abcdefghijklmnop",
        "sk-proj-abcdefghijklmnopqrstuv",
        "sk-ant-api03-abcdefghijklmnop",
        "password=hunter2-hunter2",
        '"password": "hunter2-hunter2"',
        "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJlLXZhbHVl",
    ],
)
def test_secrets_are_redacted_from_log_lines(json_log, secret):
    logger = logging.getLogger("guardflow.test")
    value = secret.split()[-1].split("=")[-1].strip('"')
    logger.warning("calling upstream with %s", secret, extra={"detail": f"header was {secret}"})

    line = json_log()[-1]
    output = json.dumps(line)
    assert value not in output
    assert "[REDACTED]" in line["message"]
    assert "[REDACTED]" in line["detail"]
    assert line["message"].startswith("calling upstream with ")


def test_secrets_are_redacted_from_tracebacks(json_log):
    try:
        raise ValueError("upstream refused key sk-abcdefghijklmnop1234")
    except ValueError:
        logging.getLogger("guardflow.test").exception("provider failed")

    output = json.dumps(json_log()[-1])
    assert "sk-abcdefghijklmnop1234" not in output
    assert "ValueError" in output


def test_ordinary_text_is_left_alone(json_log):
    logging.getLogger("guardflow.test").warning("tokens used: 120 of 4000, model gpt-4o")

    assert json_log()[-1]["message"] == "tokens used: 120 of 4000, model gpt-4o"


@pytest.mark.parametrize("path", ["/health", "/api/v1/no-such-endpoint", "/admin/login/"])
def test_security_headers(client, path):
    response = client.get(path)

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_api_docs_page_may_run_its_own_inline_script_and_nothing_else_may(client):
    docs = client.get("/api/v1/docs")

    assert docs.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in docs["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/health")["Content-Security-Policy"].split("script-src")[1]


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/schema")

    assert response.status_code == 200
    assert b"openapi" in response.content


def test_cors_allows_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    allowed = client.get("/health", HTTP_ORIGIN="https://app.example.com")
    denied = client.get("/health", HTTP_ORIGIN="https://evil.example.net")

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "X-Request-ID" in allowed["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in denied


def test_cors_preflight_allows_the_api_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    response = client.options(
        "/api/v1/chat/completions",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, x-api-key",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "x-api-key"} <= {h.strip() for h in allowed.split(",")}


def test_no_cors_without_configuration(client):
    response = client.get("/health", HTTP_ORIGIN="https://app.example.com")

    assert "Access-Control-Allow-Origin" not in response


def test_admin_is_titled_guardflow(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert b"Guardflow" in response.content


def test_hsts_is_sent_over_https_when_configured(client, settings):
    # Production sets SECURE_HSTS_SECONDS (see test_settings.py); the header then goes out on https.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/health", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/health")


def test_metrics_token_guards_the_metrics_endpoint(client, settings):
    settings.METRICS_TOKEN = "scrape-secret-123"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"})
    assert ok.status_code == 200 and b"guardflow_http_requests_total" in ok.content


@pytest.mark.parametrize("name", ["httpx", "httpx2", "httpcore", "httpcore2"])
def test_sdk_http_clients_do_not_log_every_upstream_request(name):
    # They would write a line with the upstream's internal URL for every gateway call.
    assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    assert logging.getLogger(name).isEnabledFor(logging.WARNING)
