"""The operator's user API: members get 403; operators list, create, edit, block, deactivate."""

import pytest

from accounts.models import APIToken, User
from accounts.tests.helpers import bearer, login, post
from usage.models import AuditLog

ADMIN_PATHS = [
    ("get", "/api/v1/admin/users"),
    ("post", "/api/v1/admin/users"),
    ("get", "/api/v1/admin/users/{id}"),
    ("patch", "/api/v1/admin/users/{id}"),
    ("delete", "/api/v1/admin/users/{id}"),
    ("post", "/api/v1/admin/users/{id}/block"),
    ("post", "/api/v1/admin/users/{id}/unblock"),
    ("post", "/api/v1/admin/users/{id}/unlock"),
    ("post", "/api/v1/admin/users/{id}/mfa-reset"),
    ("get", "/api/v1/admin/users/{id}/tokens"),
    ("post", "/api/v1/admin/users/{id}/tokens"),
]


@pytest.fixture
def as_operator(api_client, operator):
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    return api_client


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ADMIN_PATHS)
def test_members_get_403_everywhere(api_client, member, operator, method, path):
    bearer(api_client, login(api_client, "member@example.com").json()["access_token"])
    response = getattr(api_client, method)(path.format(id=operator.pk), {}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "operator_required"
    operator.refresh_from_db()
    assert operator.is_active and not operator.is_blocked


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ADMIN_PATHS[:3])
def test_anonymous_gets_401(api_client, operator, method, path):
    response = getattr(api_client, method)(path.format(id=operator.pk), {}, format="json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_operator_api_token_is_not_enough(api_client, operator):
    from accounts.services import api_token_create

    _, value = api_token_create(user=operator, name="ops", scopes=["gateway"])
    bearer(api_client, value)
    response = api_client.get("/api/v1/admin/users")
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"


@pytest.mark.django_db
def test_create_user_with_quota_aliases_and_call_with_its_token(as_operator):
    response = post(
        as_operator,
        "/api/v1/admin/users",
        {
            "email": "Bot@Example.com",
            "name": "Bot",
            "daily_quota": 5000,
            "monthly_quota": 90000,
            "usd_per_day": 1.5,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"]["email"] == "bot@example.com" and body["user"]["role"] == "member"
    assert body["user"]["limits"]["tokens_per_day"] == 5000
    assert body["user"]["limits"]["tokens_per_month"] == 90000
    value = body["api_token"]["token"]
    assert value.startswith("gf_") and body["api_token"]["scopes"] == ["gateway"]
    user = User.objects.get(email="bot@example.com")
    assert str(user.usd_per_day) == "1.5000" and not user.has_usable_password()
    as_operator.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
    assert as_operator.get("/api/v1/auth/me").json()["email"] == "bot@example.com"
    assert AuditLog.objects.filter(action="user_created", target_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_create_duplicate_email_is_409(as_operator, member):
    response = post(as_operator, "/api/v1/admin/users", {"email": "MEMBER@example.com"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "email_taken"


@pytest.mark.django_db
def test_create_with_weak_password_changes_nothing(as_operator):
    response = post(as_operator, "/api/v1/admin/users", {"email": "x@example.com", "password": "short"})
    assert response.status_code == 400
    assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.django_db
def test_list_search_filter_and_paginate(as_operator, user_factory, operator):
    user_factory(email="alice@example.com", name="Alice")
    bob = user_factory(email="bob@example.com", name="Bob")
    from accounts.services import user_block

    user_block(user=bob, reason="spam")
    everyone = as_operator.get("/api/v1/admin/users").json()
    assert everyone["count"] == 3
    assert [u["email"] for u in as_operator.get("/api/v1/admin/users?search=ALI").json()["results"]] == [
        "alice@example.com"
    ]
    assert [u["email"] for u in as_operator.get("/api/v1/admin/users?role=admin").json()["results"]] == [
        "operator@example.com"
    ]
    blocked = as_operator.get("/api/v1/admin/users?status=blocked").json()["results"]
    assert [u["email"] for u in blocked] == ["bob@example.com"] and blocked[0]["blocked_reason"] == "spam"
    page = as_operator.get("/api/v1/admin/users?page_size=2&page=2").json()
    assert page["count"] == 3 and len(page["results"]) == 1
    assert as_operator.get("/api/v1/admin/users?status=weird").status_code == 400
    assert as_operator.get("/api/v1/admin/users?page=0").status_code == 400
    assert "password" not in str(everyone)


@pytest.mark.django_db
def test_patch_role_and_limits_is_audited(as_operator, member):
    response = as_operator.patch(
        f"/api/v1/admin/users/{member.pk}", {"role": "admin", "daily_quota": 10, "name": "M"}, format="json"
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.role, member.tokens_per_day, member.name) == ("admin", 10, "M")
    change = AuditLog.objects.get(action="role_changed")
    assert change.metadata == {"from": "member", "to": "admin"}


@pytest.mark.django_db
def test_operator_cannot_demote_block_or_delete_themself(as_operator, operator):
    assert (
        as_operator.patch(f"/api/v1/admin/users/{operator.pk}", {"role": "member"}, format="json").status_code
        == 400
    )
    assert post(as_operator, f"/api/v1/admin/users/{operator.pk}/block", {"reason": "x"}).status_code == 400
    assert as_operator.delete(f"/api/v1/admin/users/{operator.pk}").status_code == 400
    operator.refresh_from_db()
    assert operator.role == "admin" and operator.is_active and not operator.is_blocked


@pytest.mark.django_db
def test_block_and_unblock(as_operator, member, api_client):
    assert post(as_operator, f"/api/v1/admin/users/{member.pk}/block", {}).status_code == 400
    response = post(as_operator, f"/api/v1/admin/users/{member.pk}/block", {"reason": "leaked data"})
    assert response.status_code == 200 and response.json()["status"] == "blocked"
    from rest_framework.test import APIClient

    other = APIClient()
    refused = login(other, "member@example.com")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "account_blocked"
    assert "leaked data" in refused.json()["error"]["message"]
    assert post(as_operator, f"/api/v1/admin/users/{member.pk}/unblock").json()["status"] == "active"
    assert login(other, "member@example.com").status_code == 200
    assert AuditLog.objects.filter(action__in=["user_blocked", "user_unblocked"]).count() == 2


@pytest.mark.django_db
def test_delete_deactivates_and_keeps_history(as_operator, member):
    from accounts.services import api_token_create

    _, value = api_token_create(user=member, name="t", scopes=["gateway"])
    assert as_operator.delete(f"/api/v1/admin/users/{member.pk}").status_code == 204
    member.refresh_from_db()
    assert member.is_active is False
    assert APIToken.objects.get(user=member).revoked_at is not None
    assert as_operator.get(f"/api/v1/admin/users/{member.pk}").json()["status"] == "inactive"
    as_operator.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
    assert as_operator.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_user_tokens_list_and_create(as_operator, member):
    created = post(
        as_operator, f"/api/v1/admin/users/{member.pk}/tokens", {"name": "svc", "scopes": ["chats"]}
    )
    assert created.status_code == 201 and created.json()["token"].startswith("gf_")
    listing = as_operator.get(f"/api/v1/admin/users/{member.pk}/tokens").json()
    assert [t["name"] for t in listing["results"]] == ["svc"] and "token" not in listing["results"][0]
    assert APIToken.objects.get(user=member).created_by.email == "operator@example.com"


@pytest.mark.django_db
def test_unknown_user_is_404(as_operator):
    assert as_operator.get("/api/v1/admin/users/999999").status_code == 404
    assert post(as_operator, "/api/v1/admin/users/999999/block", {"reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_reactivate_with_patch(as_operator, member):
    as_operator.delete(f"/api/v1/admin/users/{member.pk}")
    refused = as_operator.patch(f"/api/v1/admin/users/{member.pk}", {"is_active": False}, format="json")
    assert refused.status_code == 400
    response = as_operator.patch(f"/api/v1/admin/users/{member.pk}", {"is_active": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    from rest_framework.test import APIClient

    assert login(APIClient(), "member@example.com").status_code == 200
    assert AuditLog.objects.filter(action="user_reactivated", target_id=str(member.pk)).exists()
