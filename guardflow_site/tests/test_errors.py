"""Every API error, under /api/ and /v1/, has the body {"error": {"type", "code", "message", "param"}}."""

import json

import pytest
from django.test import Client, override_settings

from guardflow_site.tests.error_urls import LEAKY_DETAIL

pytestmark = [pytest.mark.django_db, pytest.mark.urls("guardflow_site.tests.error_urls")]

PREFIXES = ["/api/v1/", "/v1/"]


def assert_error(response, status: int, error_type: str, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"type", "code", "message", "param"} <= set(error)  # OpenAI's four keys, param may be null
    assert (error["type"], error["code"]) == (error_type, code)
    assert isinstance(error["message"], str)
    assert error["message"]
    text = response.content.decode()
    for leak in ("Traceback", "SECRET_KEY", 'File "', "DATABASES", LEAKY_DETAIL):
        assert leak not in text
    return error


@pytest.mark.parametrize("prefix", PREFIXES)
def test_400_malformed_json(api_client, prefix):
    response = api_client.post(prefix + "validate", data='{"name": ', content_type="application/json")

    error = assert_error(response, 400, "invalid_request_error", "invalid_json")
    assert "JSON" in error["message"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_400_validation_names_the_field(api_client, prefix):
    response = api_client.post(prefix + "validate", {"name": "ok", "count": 0}, format="json")

    error = assert_error(response, 400, "invalid_request_error", "min_value")
    assert error["param"] == "count"
    assert error["message"].startswith("count: ")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_400_missing_field(api_client, prefix):
    response = api_client.post(prefix + "validate", {"count": 3}, format="json")

    error = assert_error(response, 400, "invalid_request_error", "required")
    assert error["param"] == "name"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_valid_input_passes_the_same_view(api_client, prefix):
    response = api_client.post(prefix + "validate", {"name": "ok", "count": 2}, format="json")

    assert response.status_code == 201
    assert response.json() == {"name": "ok", "count": 2}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_401_without_credentials(api_client, prefix):
    response = api_client.get(prefix + "private")

    assert_error(response, 401, "authentication_error", "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_401_with_a_bad_token(api_client, prefix):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    response = api_client.get(prefix + "private")

    # The code is the authentication backend's to choose; the status and type are the contract.
    error = assert_error(response, 401, "authentication_error", response.json()["error"]["code"])
    assert error["code"] != "not_authenticated"
    assert "not.a.jwt" not in response.content.decode()


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("view", ["forbidden", "django-forbidden"])
def test_403(api_client, prefix, view):
    response = api_client.get(prefix + view)

    assert_error(response, 403, "permission_error", "permission_denied")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_404_from_a_view(api_client, prefix):
    assert_error(api_client.get(prefix + "missing"), 404, "not_found_error", "not_found")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_404_unknown_endpoint(api_client, prefix):
    response = api_client.get(prefix + "no/such/endpoint")

    error = assert_error(response, 404, "not_found_error", "not_found")
    assert "no/such/endpoint" in error["message"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_405(api_client, prefix):
    response = api_client.delete(prefix + "validate")

    error = assert_error(response, 405, "invalid_request_error", "method_not_allowed")
    assert "DELETE" in error["message"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_413_body_over_the_limit(api_client, prefix):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = api_client.post(prefix + "validate", data="x" * 2048, content_type="application/json")

    assert_error(response, 413, "invalid_request_error", "request_too_large")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_415_unsupported_media_type(api_client, prefix):
    response = api_client.post(prefix + "validate", data="name=ok", content_type="text/plain")

    error = assert_error(response, 415, "invalid_request_error", "unsupported_media_type")
    assert "text/plain" in error["message"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("view", ["crash", "plain-crash"])
def test_500_never_leaks(prefix, view, caplog):
    client = Client(raise_request_exception=False)
    response = client.get(prefix + view)

    assert_error(response, 500, "server_error", "internal_error")
    assert any(LEAKY_DETAIL in (record.exc_text or str(record.exc_info)) for record in caplog.records)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_500_never_leaks_with_debug_on(prefix, settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)

    assert_error(client.get(prefix + "plain-crash"), 500, "server_error", "internal_error")
    assert_error(client.get(prefix + "crash"), 500, "server_error", "internal_error")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_deliberate_errors_keep_status_code_and_headers(api_client, prefix):
    response = api_client.get(prefix + "deliberate")

    assert_error(response, 429, "rate_limit_error", "quota_exceeded")
    assert response["Retry-After"] == "7"

    response = api_client.get(prefix + "plain-deliberate")

    error = assert_error(response, 404, "not_found_error", "model_not_found")
    assert error["param"] == "model"


def test_csrf_failure_under_the_api_is_in_the_shape():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/plain-deliberate", data=json.dumps({}), content_type="application/json")

    assert_error(response, 403, "permission_error", "csrf_failed")


def test_pages_outside_the_api_keep_html_errors(client):
    response = client.get("/not-an-api-page")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
