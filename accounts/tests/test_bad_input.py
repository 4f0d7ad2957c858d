"""Every accounts endpoint answers bad input with a 4xx in the error shape and changes nothing."""

import pytest
from django.test import override_settings

from accounts.models import APIToken, User
from accounts.tests.helpers import bearer, login
from usage.models import AuditLog

PUBLIC = [
    "/api/v1/auth/register",
    "/api/v1/auth/verify-email",
    "/api/v1/auth/resend-verification",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/forgot-password",
    "/api/v1/auth/reset-password",
    "/api/v1/auth/mfa/verify",
]
AUTHENTICATED = [
    "/api/v1/auth/change-password",
    "/api/v1/auth/mfa/setup",
    "/api/v1/auth/mfa/enable",
    "/api/v1/auth/mfa/disable",
    "/api/v1/auth/mfa/backup-codes",
    "/api/v1/user/tokens",
    "/api/v1/admin/users",
    "/api/v1/admin/users/{id}/block",
    "/api/v1/admin/users/{id}/unblock",
    "/api/v1/admin/users/{id}/tokens",
]

# One valid-looking body per endpoint, so that a single bad field is the only problem.
VALID = {
    "/api/v1/auth/register": {"email": "n@example.com", "password": "a-long-good-passphrase-1", "name": "N"},
    "/api/v1/auth/verify-email": {"token": "abc"},
    "/api/v1/auth/resend-verification": {"email": "n@example.com"},
    "/api/v1/auth/login": {"email": "member@example.com", "password": "x"},
    "/api/v1/auth/refresh": {"refresh_token": "abc"},
    "/api/v1/auth/logout": {"refresh_token": "abc"},
    "/api/v1/auth/forgot-password": {"email": "member@example.com"},
    "/api/v1/auth/reset-password": {"token": "abc", "new_password": "a-long-good-passphrase-1"},
    "/api/v1/auth/mfa/verify": {"mfa_token": "abc", "code": "123456"},
    "/api/v1/auth/change-password": {"current_password": "x", "new_password": "a-long-good-passphrase-1"},
    "/api/v1/auth/mfa/setup": {},
    "/api/v1/auth/mfa/enable": {"code": "123456"},
    "/api/v1/auth/mfa/disable": {"password": "x", "code": "123456"},
    "/api/v1/auth/mfa/backup-codes": {"code": "123456"},
    "/api/v1/user/tokens": {"name": "t"},
    "/api/v1/admin/users": {"email": "n@example.com"},
    "/api/v1/admin/users/{id}/block": {"reason": "r"},
    "/api/v1/admin/users/{id}/unblock": {},
    "/api/v1/admin/users/{id}/tokens": {"name": "t"},
}


@pytest.fixture
def client_for(api_client, operator, member):
    def make(path: str):
        if path in AUTHENTICATED:
            api_client.force_authenticate(user=operator)  # the login flow itself is tested elsewhere
        return api_client, path.format(id=member.pk)

    return make


def snapshot() -> tuple:
    return (
        list(User.objects.order_by("id").values_list("email", "password", "role", "blocked_at", "is_active")),
        APIToken.objects.count(),
    )


def assert_error_shape(response, status_range=(400, 499)) -> None:
    assert status_range[0] <= response.status_code <= status_range[1], response.content
    error = response.json()["error"]
    assert isinstance(error["type"], str) and isinstance(error["code"], str) and error["message"]


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("path", PUBLIC + AUTHENTICATED)
def test_malformed_json(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    response = client.post(url, '{"email": ', content_type="application/json")
    assert_error_shape(response)
    assert response.json()["error"]["code"] == "invalid_json"
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("path", PUBLIC + AUTHENTICATED)
def test_wrong_content_type(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    response = client.post(url, "<xml/>", content_type="application/xml")
    assert response.status_code == 415
    assert_error_shape(response)
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("path", PUBLIC + AUTHENTICATED)
def test_extra_field(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    response = client.post(url, {**VALID[path], "is_admin": True}, format="json")
    assert_error_shape(response)
    assert response.status_code == 400 and response.json()["error"]["param"] == "is_admin"
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("path", PUBLIC + AUTHENTICATED)
def test_json_array_body(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    response = client.post(url, [VALID[path]], format="json")
    assert_error_shape(response)
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("path", [p for p in PUBLIC + AUTHENTICATED if VALID[p]])
def test_wrong_types(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    body = {key: 12345 for key in VALID[path]}
    response = client.post(url, body, format="json")
    assert_error_shape(response)
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("path", [p for p in PUBLIC + AUTHENTICATED if VALID[p]])
def test_missing_fields(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    response = client.post(url, {}, format="json")
    assert_error_shape(response)
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False, DATA_UPLOAD_MAX_MEMORY_SIZE=50_000)
@pytest.mark.parametrize("path", ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/user/tokens"])
def test_huge_body(client_for, path):
    client, url = client_for(path)
    before = snapshot()
    response = client.post(url, {"email": "a@example.com", "password": "x" * 100_000}, format="json")
    assert response.status_code == 413
    assert_error_shape(response, (413, 413))
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
def test_overlong_password_is_refused_before_hashing(api_client, member):
    response = api_client.post(
        "/api/v1/auth/login", {"email": "member@example.com", "password": "x" * 5000}, format="json"
    )
    assert response.status_code == 400
    assert not AuditLog.objects.filter(action="login_failed").exists()


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize(
    "body",
    [
        {"name": "t", "scopes": ["admin"]},
        {"name": "t", "scopes": []},
        {"name": "t", "scopes": "gateway"},
        {"name": "t", "allowed_models": "mock"},
        {"name": "t", "requests_per_minute": -1},
        {"name": "t", "usd_per_day": "lots"},
        {"name": "t", "task_id": "abc"},
        {"name": "t", "task_id": 99999},
        {"name": "t", "expires_at": "tomorrow"},
        {"name": "t", "expires_in_days": 0},
        {"name": ""},
        {"name": "x" * 101},
    ],
)
def test_token_create_bad_fields(api_client, member, body):
    bearer(api_client, login(api_client, "member@example.com").json()["access_token"])
    response = api_client.post("/api/v1/user/tokens", body, format="json")
    assert_error_shape(response)
    assert response.status_code == 400
    assert APIToken.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"role": "root"},
        {"daily_quota": "x"},
        {"email_verified": "maybe"},
        {"password": "new-one"},
        {"tokens_per_day": -5},
    ],
)
def test_admin_patch_bad_fields(api_client, operator, member, body):
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    before = snapshot()
    response = api_client.patch(f"/api/v1/admin/users/{member.pk}", body, format="json")
    assert_error_shape(response)
    assert snapshot() == before


@pytest.mark.django_db
def test_non_numeric_ids_are_404(api_client, operator):
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    assert api_client.get("/api/v1/admin/users/abc").status_code == 404
    assert api_client.delete("/api/v1/user/tokens/abc").status_code == 404


@pytest.mark.django_db
def test_wrong_method_is_405_in_shape(api_client, member):
    response = api_client.get("/api/v1/auth/login")
    assert response.status_code == 405
    assert_error_shape(response, (405, 405))


# Limits larger than their column (int / bigint) were a 500 from the database on save.
LIMIT_TOO_LARGE = [
    {"requests_per_minute": 2**31},
    {"requests_per_day": 10**30},
    {"max_concurrent_requests": 2**63},
    {"tokens_per_day": 2**63},
    {"monthly_quota": 10**30},
]


def _limits_snapshot() -> list:
    return list(User.objects.order_by("id").values_list(*User.LIMIT_FIELDS))


@pytest.mark.django_db
@pytest.mark.parametrize("body", LIMIT_TOO_LARGE)
def test_admin_patch_limit_beyond_column_is_400(api_client, operator, member, body):
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    before = (snapshot(), _limits_snapshot(), AuditLog.objects.count())
    response = api_client.patch(f"/api/v1/admin/users/{member.pk}", body, format="json")
    assert response.status_code == 400
    assert_error_shape(response)
    assert response.json()["error"]["param"] == next(iter(body))
    assert (snapshot(), _limits_snapshot(), AuditLog.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("body", LIMIT_TOO_LARGE)
def test_admin_create_user_limit_beyond_column_is_400(api_client, operator, body):
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    before = snapshot()
    response = api_client.post("/api/v1/admin/users", {"email": "new@example.com", **body}, format="json")
    assert response.status_code == 400
    assert_error_shape(response)
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
@pytest.mark.parametrize("body", LIMIT_TOO_LARGE)
def test_token_create_limit_beyond_column_is_400(api_client, member, body):
    bearer(api_client, login(api_client, "member@example.com").json()["access_token"])
    response = api_client.post("/api/v1/user/tokens", {"name": "t", **body}, format="json")
    assert response.status_code == 400
    assert_error_shape(response)
    assert APIToken.objects.count() == 0


@pytest.mark.django_db
def test_limit_at_column_maximum_is_kept(api_client, operator, member):
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    body = {"requests_per_minute": 2**31 - 1, "tokens_per_day": 2**63 - 1}
    response = api_client.patch(f"/api/v1/admin/users/{member.pk}", body, format="json")
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.requests_per_minute, member.tokens_per_day) == (2**31 - 1, 2**63 - 1)
