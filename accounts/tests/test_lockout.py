"""Failed logins soft-lock an account for a while; never for good; per-IP limits stop spraying."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.tests.helpers import PASSWORD, bearer, login, post
from usage.models import AuditLog

WRONG = "definitely-not-the-password"


def fail_times(client, n: int, email: str = "member@example.com") -> list:
    return [login(client, email, WRONG) for _ in range(n)]


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(api_client, member):
    responses = fail_times(api_client, 5)
    assert [r.status_code for r in responses[:4]] == [401] * 4
    assert responses[4].status_code == 429
    right = login(api_client, "member@example.com", PASSWORD)
    assert right.status_code == 429
    assert right.json()["error"]["code"] == "account_locked"
    assert 0 < int(right["Retry-After"]) <= 15 * 60 + 1
    assert AuditLog.objects.filter(action="account_locked", target_id=str(member.pk)).count() == 1
    assert AuditLog.objects.filter(action="login_failed", target_id=str(member.pk)).count() == 5


@pytest.mark.django_db
def test_lock_expires_and_success_resets_the_counter(api_client, member):
    fail_times(api_client, 5)
    User.objects.filter(pk=member.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert login(api_client, "member@example.com").status_code == 200
    member.refresh_from_db()
    assert (member.failed_login_count, member.lockout_count, member.locked_until) == (0, 0, None)
    # After a success the count starts again from zero.
    assert [r.status_code for r in fail_times(api_client, 4)] == [401] * 4


@pytest.mark.django_db
@override_settings(RATELIMIT_ENABLE=False)
def test_repeat_lockouts_grow_but_are_capped(api_client, member):
    lengths = []
    for _ in range(6):
        fail_times(api_client, 5)
        member.refresh_from_db()
        lengths.append(round((member.locked_until - timezone.now()).total_seconds() / 60))
        User.objects.filter(pk=member.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert lengths == [15, 30, 60, 120, 240, 240]


@pytest.mark.django_db
def test_failures_outside_the_window_do_not_add_up(api_client, member):
    fail_times(api_client, 4)
    User.objects.filter(pk=member.pk).update(failed_login_window_start=timezone.now() - timedelta(hours=1))
    assert login(api_client, "member@example.com", WRONG).status_code == 401
    member.refresh_from_db()
    assert member.failed_login_count == 1 and member.locked_until is None


@pytest.mark.django_db
def test_operator_unlocks(api_client, member, operator):
    fail_times(api_client, 5)
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    response = post(api_client, f"/api/v1/admin/users/{member.pk}/unlock")
    assert response.status_code == 200 and response.json()["status"] == "active"
    api_client.credentials()
    assert login(api_client, "member@example.com").status_code == 200
    assert AuditLog.objects.filter(action="account_unlocked", target_id=str(member.pk)).exists()


@pytest.mark.django_db
def test_password_reset_lifts_a_lockout(api_client, member):
    from accounts.tests.helpers import token_from_last_mail

    fail_times(api_client, 5)
    post(api_client, "/api/v1/auth/forgot-password", {"email": "member@example.com"})
    new_password = "brand-new-passphrase-55"
    post(
        api_client,
        "/api/v1/auth/reset-password",
        {"token": token_from_last_mail(), "new_password": new_password},
    )
    assert login(api_client, "member@example.com", new_password).status_code == 200


@pytest.mark.django_db
@override_settings(AUTH_RATE_LIMITS={"login": "3/m"})
def test_login_is_rate_limited_per_ip_across_accounts(api_client, user_factory):
    for n in range(3):
        assert login(api_client, f"sprayed{n}@example.com", WRONG).status_code == 401
    blocked = login(api_client, "another@example.com", WRONG)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert int(blocked["Retry-After"]) >= 1
    # Another address is not affected.
    other = api_client.post(
        "/api/v1/auth/login",
        {"email": "x@example.com", "password": WRONG},
        format="json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "path", "body"),
    [
        ("register", "/api/v1/auth/register", {"email": "a@example.com", "password": "x"}),
        ("password", "/api/v1/auth/forgot-password", {"email": "a@example.com"}),
        ("password", "/api/v1/auth/reset-password", {"token": "x", "new_password": "y"}),
        ("mfa_verify", "/api/v1/auth/mfa/verify", {"mfa_token": "x", "code": "123456"}),
        ("refresh", "/api/v1/auth/refresh", {"refresh_token": "x"}),
        ("verify_email", "/api/v1/auth/verify-email", {"token": "x"}),
    ],
)
def test_every_auth_endpoint_is_rate_limited(api_client, name, path, body):
    with override_settings(AUTH_RATE_LIMITS={name: "1/m"}):
        post(api_client, path, body)
        response = post(api_client, path, body)
    assert response.status_code == 429
    assert response.json()["error"] == {
        "type": "rate_limit_error",
        "code": "rate_limited",
        "message": response.json()["error"]["message"],
        "param": None,
    }


@pytest.mark.django_db
def test_an_old_lockout_is_forgotten_after_a_day(api_client, member):
    fail_times(api_client, 5)
    User.objects.filter(pk=member.pk).update(locked_until=timezone.now() - timedelta(days=2))
    fail_times(api_client, 5)
    member.refresh_from_db()
    assert member.lockout_count == 1
    assert round((member.locked_until - timezone.now()).total_seconds() / 60) == 15


@pytest.mark.django_db
def test_failed_login_audit_never_holds_the_password(api_client, member):
    login(api_client, "member@example.com", WRONG)
    login(api_client, "nobody@example.com", WRONG)
    dumped = str(list(AuditLog.objects.values()))
    assert WRONG not in dumped and "nobody@example.com" not in dumped


@pytest.mark.django_db
@override_settings(AUTH_RATE_LIMITS={"login": "100/m", "login_failures": "4/h"})
def test_too_many_failures_from_one_address_soft_lock_the_address(api_client, member, user_factory):
    for n in range(3):
        login(api_client, f"ghost{n}@example.com", WRONG)
    login(api_client, "member@example.com", WRONG)
    # Five failures are past the limit of four; even a right password from here waits.
    login(api_client, "member@example.com", WRONG)
    response = login(api_client, "member@example.com", PASSWORD)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "ip_locked" and int(response["Retry-After"]) > 0
    elsewhere = api_client.post(
        "/api/v1/auth/login",
        {"email": "member@example.com", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.9.8.7",
    )
    assert elsewhere.status_code == 200
