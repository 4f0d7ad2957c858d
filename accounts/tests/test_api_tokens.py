"""API tokens: created with a value shown once, stored hashed, checked cheaply, refused clearly."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.authentication import api_token_hash, principal_from_credentials, principal_require_scope
from accounts.models import APIToken, User
from accounts.principal import ALL_SCOPES
from accounts.services import api_token_create, api_token_revoke, user_block, user_unblock
from accounts.tests.helpers import bearer, login, post
from guardflow_site.errors import GuardflowError
from usage.models import AuditLog


def session(client, email="member@example.com") -> None:
    bearer(client, login(client, email).json()["access_token"])


def make_token(user, **kwargs) -> tuple[APIToken, str]:
    kwargs.setdefault("name", "ci")
    kwargs.setdefault("scopes", ["gateway"])
    return api_token_create(user=user, **kwargs)


@pytest.mark.django_db
def test_create_shows_the_value_once_and_stores_a_keyed_hash(api_client, member):
    session(api_client)
    response = post(
        api_client,
        "/api/v1/user/tokens",
        {
            "name": "laptop",
            "scopes": ["gateway", "usage:read"],
            "allowed_models": ["mock"],
            "requests_per_minute": 5,
        },
    )
    assert response.status_code == 201
    body = response.json()
    value = body["token"]
    assert value.startswith("gf_") and len(value) >= 3 + 43
    assert body["prefix"] == value[:10] and body["scopes"] == ["gateway", "usage:read"]
    assert body["limits"]["requests_per_minute"] == 5
    stored = APIToken.objects.get(pk=body["id"])
    assert stored.token_hash == api_token_hash(value) and value not in stored.token_hash
    listing = api_client.get("/api/v1/user/tokens").json()
    assert listing["count"] == 1
    assert "token" not in listing["results"][0] and "token_hash" not in listing["results"][0]
    assert value not in str(listing)
    assert AuditLog.objects.filter(action="token_created", target_id=str(stored.pk)).exists()


@pytest.mark.django_db
def test_token_authenticates_requests(api_client, member):
    _, value = make_token(member, scopes=["gateway"])
    bearer(api_client, value)
    me = api_client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["email"] == "member@example.com"
    stored = APIToken.objects.get(user=member)
    assert stored.last_used_at is not None


@pytest.mark.django_db
def test_x_api_key_header_is_accepted(api_client, member):
    _, value = make_token(member)
    principal = principal_from_credentials(authorization=None, api_key=value)
    assert principal.user_id == member.pk
    api_client.credentials(HTTP_X_API_KEY=value)
    assert api_client.get("/api/v1/auth/me").status_code == 200


@pytest.mark.django_db
def test_principal_fields_for_a_token(member):
    from proxy.models import Task

    task = Task.objects.create(name="support", assigned_to_everyone=True)
    member.tokens_per_day = 1000
    member.save()
    token, value = make_token(
        member,
        scopes=["gateway", "chats"],
        allowed_models=["mock", "gpt"],
        task=task,
        limits={"usd_per_day": 2},
    )
    principal = principal_from_credentials(authorization=f"Bearer {value}", api_key=None)
    assert principal.token_id == token.pk and principal.email == member.email and principal.role == "member"
    assert principal.scopes == frozenset({"gateway", "chats"})
    assert principal.allowed_models == frozenset({"mock", "gpt"})
    assert principal.bound_task_id == task.pk
    assert principal.user_limits["tokens_per_day"] == 1000
    assert (
        principal.token_limits["usd_per_day"] == 2 and principal.token_limits["requests_per_minute"] is None
    )
    with pytest.raises(GuardflowError) as excinfo:
        principal_require_scope(principal, "workflows")
    assert excinfo.value.status_code == 403 and excinfo.value.code == "insufficient_scope"


@pytest.mark.django_db
def test_jwt_principal_has_every_scope(api_client, member):
    access = login(api_client, "member@example.com").json()["access_token"]
    principal = principal_from_credentials(authorization=f"Bearer {access}", api_key=None)
    assert principal.token_id is None and principal.scopes == ALL_SCOPES and principal.allowed_models is None


@pytest.mark.django_db
def test_lookup_costs_one_query_on_a_miss_and_none_on_a_hit(member):
    _, value = make_token(member)
    header = f"Bearer {value}"
    principal_from_credentials(authorization=header, api_key=None)  # first use also records last_used_at
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as miss:
        principal_from_credentials(authorization=header, api_key=None)
    with CaptureQueriesContext(connection) as hit:
        principal_from_credentials(authorization=header, api_key=None)
    assert len(miss.captured_queries) == 1
    assert "token_hash" in miss.captured_queries[0]["sql"]
    assert len(hit.captured_queries) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "code"),
    [("revoked", "token_revoked"), ("expired", "token_expired"), ("unknown", "invalid_token")],
)
def test_revoked_expired_unknown_tokens_get_distinct_401s(api_client, member, state, code):
    token, value = make_token(member)
    principal_from_credentials(authorization=f"Bearer {value}", api_key=None)  # cached now
    if state == "revoked":
        api_token_revoke(token=token, actor=member)
    elif state == "expired":
        token.expires_at = timezone.now() - timedelta(seconds=1)
        token.save()
    else:
        value = "gf_" + "x" * 43
    bearer(api_client, value)
    response = api_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code


@pytest.mark.django_db
def test_expiry_is_checked_on_cached_entries_too(member, monkeypatch):
    from accounts import authentication

    _, value = make_token(member, expires_at=timezone.now() + timedelta(seconds=60))
    principal_from_credentials(authorization=f"Bearer {value}", api_key=None)  # cached now
    later = timezone.now() + timedelta(seconds=120)
    monkeypatch.setattr(authentication.timezone, "now", lambda: later)
    with CaptureQueriesContext(connection) as queries, pytest.raises(GuardflowError) as excinfo:
        principal_from_credentials(authorization=f"Bearer {value}", api_key=None)
    assert excinfo.value.code == "token_expired" and len(queries.captured_queries) == 0


@pytest.mark.django_db
def test_block_refuses_tokens_and_jwts_at_once_and_unblock_restores(api_client, member, operator):
    _, value = make_token(member)
    access = login(api_client, "member@example.com").json()["access_token"]
    for credential in (value, access):
        principal_from_credentials(authorization=f"Bearer {credential}", api_key=None)  # warm the cache
    user_block(user=member, reason="prompt abuse", actor=operator, evidence={"risk": 0.97})
    for credential in (value, access):
        bearer(api_client, credential)
        response = api_client.get("/api/v1/auth/me")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "account_blocked"
        assert "prompt abuse" in response.json()["error"]["message"]
    api_client.credentials()
    refused = login(api_client, "member@example.com")
    assert refused.status_code == 403 and "prompt abuse" in refused.json()["error"]["message"]
    audit = AuditLog.objects.get(action="user_blocked")
    assert audit.metadata["evidence"] == {"risk": 0.97} and audit.metadata["automatic"] is False
    user_unblock(user=member, actor=operator)
    bearer(api_client, value)
    assert api_client.get("/api/v1/auth/me").status_code == 200


@pytest.mark.django_db
def test_role_and_limit_changes_reach_cached_principals(member):
    _, value = make_token(member)
    header = f"Bearer {value}"
    assert principal_from_credentials(authorization=header, api_key=None).role == "member"
    member.role = User.Role.ADMIN
    member.requests_per_minute = 7
    member.save()
    principal = principal_from_credentials(authorization=header, api_key=None)
    assert principal.role == "admin" and principal.user_limits["requests_per_minute"] == 7


@pytest.mark.django_db
def test_deactivated_user_tokens_are_refused(api_client, member):
    _, value = make_token(member)
    principal_from_credentials(authorization=f"Bearer {value}", api_key=None)
    member.is_active = False
    member.save()
    bearer(api_client, value)
    assert api_client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_revoke_own_token_and_not_someone_elses(api_client, member, user_factory):
    other = user_factory(email="other@example.com")
    theirs, _ = make_token(other)
    mine, value = make_token(member)
    session(api_client)
    assert api_client.delete(f"/api/v1/user/tokens/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api_client.delete(f"/api/v1/user/tokens/{mine.pk}").status_code == 204
    assert api_client.delete("/api/v1/user/tokens/999999").status_code == 404
    api_client.credentials()
    bearer(api_client, value)
    assert api_client.get("/api/v1/auth/me").json()["error"]["code"] == "token_revoked"
    assert AuditLog.objects.filter(action="token_revoked", target_id=str(mine.pk)).exists()


@pytest.mark.django_db
def test_listing_shows_only_own_tokens(api_client, member, user_factory):
    make_token(user_factory(email="other@example.com"), name="theirs")
    make_token(member, name="mine")
    session(api_client)
    names = [t["name"] for t in api_client.get("/api/v1/user/tokens").json()["results"]]
    assert names == ["mine"]


@pytest.mark.django_db
def test_api_token_cannot_mint_tokens(api_client, member):
    _, value = make_token(member)
    bearer(api_client, value)
    assert api_client.get("/api/v1/user/tokens").status_code == 200
    response = post(api_client, "/api/v1/user/tokens", {"name": "escalate", "scopes": ["workflows"]})
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"
    assert APIToken.objects.filter(user=member).count() == 1


@pytest.mark.django_db
def test_expiry_and_bound_task_on_create(api_client, member):
    from proxy.models import Task

    open_task = Task.objects.create(name="open", assigned_to_everyone=True)
    private = Task.objects.create(name="private")
    session(api_client)
    ok = post(api_client, "/api/v1/user/tokens", {"name": "t", "expires_in_days": 7, "task_id": open_task.pk})
    assert ok.status_code == 201 and ok.json()["task_id"] == open_task.pk and ok.json()["expires_at"]
    refused = post(api_client, "/api/v1/user/tokens", {"name": "t", "task_id": private.pk})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_task"
    past = post(api_client, "/api/v1/user/tokens", {"name": "t", "expires_at": "2001-01-01T00:00:00Z"})
    assert past.status_code == 400
    assert APIToken.objects.filter(user=member).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["Basic abc", "Bearer", "Bearer not.a.jwt", "Token gf_abc", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"]
)
def test_malformed_authorization_headers_are_401(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"type", "code", "message"}


@pytest.mark.django_db
def test_expired_and_tampered_jwts_are_refused(api_client, member):
    from rest_framework_simplejwt.tokens import AccessToken

    expired = AccessToken.for_user(member)
    expired.set_exp(lifetime=-timedelta(seconds=5))
    bearer(api_client, str(expired))
    assert api_client.get("/api/v1/auth/me").json()["error"]["code"] == "token_expired"
    good = login(api_client, "member@example.com").json()["access_token"]
    header, payload, signature = good.split(".")
    bearer(api_client, f"{header}.{payload}.{signature[:-3]}abc")
    response = api_client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


@pytest.mark.django_db
def test_password_change_ends_existing_access_tokens(api_client, member):
    from datetime import datetime

    access = login(api_client, "member@example.com").json()["access_token"]
    User.objects.filter(pk=member.pk).update(password_changed_at=datetime(2100, 1, 1, tzinfo=UTC))
    member.refresh_from_db()
    member.save()  # signal: forget the cached principal
    bearer(api_client, access)
    assert api_client.get("/api/v1/auth/me").json()["error"]["code"] == "token_revoked"


@pytest.mark.django_db
def test_has_scope_permission(rf, member):
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from accounts.authentication import BearerAuthentication
    from accounts.permissions import HasScope

    _, value = make_token(member, scopes=["gateway"])
    for scope, allowed in (("gateway", True), ("chats", False)):
        request = Request(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {value}"))
        request.authenticators = [BearerAuthentication()]
        request.user  # noqa: B018  (runs authentication)
        if allowed:
            assert HasScope(scope)().has_permission(request, APIView())
        else:
            with pytest.raises(GuardflowError):
                HasScope(scope)().has_permission(request, APIView())


@pytest.mark.django_db
def test_request_principal_for_forced_or_session_logins(rf, member):
    from rest_framework.request import Request

    from accounts.permissions import HasScope, request_principal

    request = Request(rf.get("/"))
    request._user, request._auth = member, None  # what force_authenticate / a session login leaves
    principal = request_principal(request)
    assert principal.user_id == member.pk and principal.scopes == ALL_SCOPES
    assert HasScope("workflows")().has_permission(request, None)


@pytest.mark.django_db
def test_a_failed_last_used_write_never_refuses_a_valid_token(member, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    _, value = make_token(member)

    def locked(self, **kwargs):
        raise OperationalError("database table is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    assert principal_from_credentials(authorization=f"Bearer {value}", api_key=None).user_id == member.pk


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/v1/user/tokens", "PaginatedTokenOutputList"),
        ("/api/v1/admin/users", "PaginatedAdminUserOutputList"),
        ("/api/v1/admin/users/{user_id}/tokens", "PaginatedTokenOutputList"),
    ],
)
def test_schema_documents_the_paginated_envelope(api_client, path, component):
    # The schema said a bare array; the responses are {"count", "next", "previous", "results"}.
    schema = api_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{component}"}


def test_the_token_hash_follows_its_key_settings(settings):
    settings.API_TOKEN_HASH_KEY = ""
    derived = api_token_hash("gf_value")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40  # derived from SECRET_KEY when not set
    assert api_token_hash("gf_value") != derived
    settings.API_TOKEN_HASH_KEY = "a-dedicated-hash-key"
    dedicated = api_token_hash("gf_value")
    assert dedicated not in (derived, api_token_hash("gf_other"))
    settings.SECRET_KEY = "yet-another-secret-key-" + "y" * 40  # no effect once a key is set
    assert api_token_hash("gf_value") == dedicated
