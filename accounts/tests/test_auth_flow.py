"""People sign up, verify, log in, rotate and log out, and manage their password."""

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import User
from accounts.tests.helpers import PASSWORD, bearer, login, post, token_from_last_mail
from usage.models import AuditLog

NEW_PASSWORD = "another-long-passphrase-77"


def register(client, email="new@example.com", password=PASSWORD, name="New Person"):
    return client.post(
        "/api/v1/auth/register", {"email": email, "password": password, "name": name}, format="json"
    )


@pytest.mark.django_db
def test_register_verify_login_flow(api_client):
    response = register(api_client, email="New@Example.com")
    assert response.status_code == 201
    assert response.json()["email_verification_required"] is True
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.com"]

    refused = login(api_client, "new@example.com")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "email_not_verified"

    token = token_from_last_mail()
    verified = post(api_client, "/api/v1/auth/verify-email", {"token": token})
    assert verified.status_code == 200
    again = post(api_client, "/api/v1/auth/verify-email", {"token": token})
    assert again.status_code == 400 and again.json()["error"]["code"] == "token_used"

    response = login(api_client, "NEW@example.com")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    bearer(api_client, body["access_token"])
    me = api_client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == "new@example.com" and me.json()["role"] == "member"
    assert "password" not in me.json()
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"user_registered", "email_verified", "login_succeeded"} <= actions


@pytest.mark.django_db
def test_verification_token_expires(api_client):
    register(api_client)
    token = token_from_last_mail()
    with override_settings(EMAIL_VERIFICATION_MAX_AGE_SECONDS=-1):
        response = post(api_client, "/api/v1/auth/verify-email", {"token": token})
    assert response.status_code == 400 and response.json()["error"]["code"] == "token_expired"
    assert User.objects.get(email="new@example.com").email_verified is False


@pytest.mark.django_db
def test_tampered_verification_token_is_refused(api_client):
    register(api_client)
    token = token_from_last_mail()
    response = post(api_client, "/api/v1/auth/verify-email", {"token": token[:-2] + "xx"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_token"


@pytest.mark.django_db
def test_resend_verification_sends_a_new_mail_once_per_minute(api_client):
    register(api_client)
    post(api_client, "/api/v1/auth/resend-verification", {"email": "new@example.com"})
    response = post(api_client, "/api/v1/auth/resend-verification", {"email": "new@example.com"})
    assert response.status_code == 200
    # One at registration; the second resend within a minute is swallowed.
    assert len(mail.outbox) == 1
    from django.core.cache import cache

    cache.clear()
    post(api_client, "/api/v1/auth/resend-verification", {"email": "new@example.com"})
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_resend_verification_is_rate_limited_per_ip(api_client):
    with override_settings(AUTH_RATE_LIMITS={"resend_verification": "2/h"}):
        for _ in range(2):
            post(api_client, "/api/v1/auth/resend-verification", {"email": "x@example.com"})
        response = post(api_client, "/api/v1/auth/resend-verification", {"email": "x@example.com"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_register_without_verification_when_disabled(api_client):
    with override_settings(REQUIRE_EMAIL_VERIFICATION=False):
        assert register(api_client).status_code == 201
        assert login(api_client, "new@example.com").status_code == 200
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(REGISTRATION_ENABLED=False)
def test_registration_can_be_disabled(api_client):
    response = register(api_client)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "registration_disabled"
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.django_db
def test_register_existing_email_gives_the_same_answer_and_changes_nothing(api_client, member):
    before = member.password
    response = register(api_client, email="MEMBER@example.com")
    assert response.status_code == 201
    assert User.objects.filter(email="member@example.com").count() == 1
    member.refresh_from_db()
    assert member.password == before
    assert "already have an account" in mail.outbox[-1].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short-pw-1", "too short"),
        ("x" * 129, "too long"),
        ("password1234", "too common"),
        ("newperson-example", "too similar"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_register_enforces_password_policy(api_client, password, fragment):
    response = register(api_client, email="newperson@example.com", password=password)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "weak_password"
    assert fragment in response.json()["error"]["message"]
    assert not User.objects.filter(email="newperson@example.com").exists()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(api_client):
    with override_settings(REQUIRE_EMAIL_VERIFICATION=False):
        register(api_client)
    assert User.objects.get(email="new@example.com").password.startswith("argon2")


@pytest.mark.django_db
def test_login_with_oauth2_password_form(api_client, member):
    response = api_client.post(
        "/api/v1/auth/login",
        "grant_type=password&username=member%40example.com&password=correct-horse-battery-staple-42",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


@pytest.mark.django_db
def test_unknown_email_and_wrong_password_answer_alike(api_client, member):
    unknown = login(api_client, "nobody@example.com")
    wrong = login(api_client, "member@example.com", "not-the-password-at-all")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.django_db
def test_unknown_email_still_runs_the_password_hasher(api_client, monkeypatch):
    from accounts import services

    calls = []
    real = services._dummy_password_check
    monkeypatch.setattr(services, "_dummy_password_check", lambda pw: calls.append(1) or real(pw))
    login(api_client, "nobody@example.com")
    assert calls == [1]


@pytest.mark.django_db
def test_deactivated_user_cannot_log_in(api_client, member):
    member.is_active = False
    member.save()
    assert login(api_client, "member@example.com").json()["error"]["code"] == "invalid_credentials"


@pytest.mark.django_db
def test_refresh_rotates_and_reuse_is_refused(api_client, member):
    tokens = login(api_client, "member@example.com").json()
    first = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    reuse = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.json()["error"]["code"] == "token_revoked"
    # Reuse means a copy is out there: the whole family ends, including the newest token.
    newest = post(api_client, "/api/v1/auth/refresh", {"refresh_token": rotated["refresh_token"]})
    assert newest.status_code == 401
    assert AuditLog.objects.filter(action="refresh_token_reused").exists()


@pytest.mark.django_db
def test_access_token_is_not_a_refresh_token(api_client, member):
    tokens = login(api_client, "member@example.com").json()
    response = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["access_token"]})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_refresh_token"


@pytest.mark.django_db
def test_refresh_of_blocked_user_is_refused(api_client, member):
    from accounts.services import user_block

    refresh = login(api_client, "member@example.com").json()["refresh_token"]
    user_block(user=member, reason="abuse")
    response = post(api_client, "/api/v1/auth/refresh", {"refresh_token": refresh})
    assert response.status_code == 401


@pytest.mark.django_db
def test_logout_blacklists_the_refresh_token(api_client, member):
    tokens = login(api_client, "member@example.com").json()
    out = post(api_client, "/api/v1/auth/logout", {"refresh_token": tokens["refresh_token"]})
    assert out.status_code == 200
    response = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401


@pytest.mark.django_db
def test_forgot_password_always_answers_200(api_client, member):
    known = post(api_client, "/api/v1/auth/forgot-password", {"email": "member@example.com"})
    unknown = post(api_client, "/api/v1/auth/forgot-password", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@example.com"]


@pytest.mark.django_db
def test_reset_password_is_single_use_and_ends_sessions(api_client, member):
    old_refresh = login(api_client, "member@example.com").json()["refresh_token"]
    post(api_client, "/api/v1/auth/forgot-password", {"email": "member@example.com"})
    token = token_from_last_mail()
    payload = {"token": token, "new_password": NEW_PASSWORD}
    assert post(api_client, "/api/v1/auth/reset-password", payload).status_code == 200
    second = post(
        api_client,
        "/api/v1/auth/reset-password",
        {"token": token, "new_password": "yet-another-passphrase-9"},
    )
    assert second.status_code == 400 and second.json()["error"]["code"] == "invalid_token"
    assert login(api_client, "member@example.com", NEW_PASSWORD).status_code == 200
    assert login(api_client, "member@example.com", PASSWORD).status_code == 401
    refreshed = post(api_client, "/api/v1/auth/refresh", {"refresh_token": old_refresh})
    assert refreshed.status_code == 401


@pytest.mark.django_db
def test_reset_token_expires_after_an_hour(api_client, member):
    post(api_client, "/api/v1/auth/forgot-password", {"email": "member@example.com"})
    token = token_from_last_mail()
    with override_settings(PASSWORD_RESET_MAX_AGE_SECONDS=-1):
        response = post(
            api_client, "/api/v1/auth/reset-password", {"token": token, "new_password": NEW_PASSWORD}
        )
    assert response.status_code == 400
    assert login(api_client, "member@example.com").status_code == 200


@pytest.mark.django_db
def test_reset_with_weak_password_changes_nothing(api_client, member):
    post(api_client, "/api/v1/auth/forgot-password", {"email": "member@example.com"})
    token = token_from_last_mail()
    response = post(api_client, "/api/v1/auth/reset-password", {"token": token, "new_password": "abc"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "weak_password"
    assert login(api_client, "member@example.com").status_code == 200


@pytest.mark.django_db
def test_change_password_requires_current_and_ends_other_sessions(api_client, member):
    tokens = login(api_client, "member@example.com").json()
    bearer(api_client, tokens["access_token"])
    wrong = post(
        api_client,
        "/api/v1/auth/change-password",
        {"current_password": "not-it-at-all-000", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_password"
    ok = post(
        api_client,
        "/api/v1/auth/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert ok.status_code == 200
    assert "access_token" in ok.json()
    api_client.credentials()
    old = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert old.status_code == 401
    assert AuditLog.objects.filter(action="password_changed", target_id=str(member.pk)).exists()


@pytest.mark.django_db
def test_password_history_prevents_reuse(api_client, member):
    tokens = login(api_client, "member@example.com").json()
    bearer(api_client, tokens["access_token"])
    same = post(
        api_client, "/api/v1/auth/change-password", {"current_password": PASSWORD, "new_password": PASSWORD}
    )
    assert same.status_code == 400 and same.json()["error"]["code"] == "weak_password"
    change = post(
        api_client,
        "/api/v1/auth/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    bearer(api_client, change.json()["access_token"])
    back = post(
        api_client,
        "/api/v1/auth/change-password",
        {"current_password": NEW_PASSWORD, "new_password": PASSWORD},
    )
    assert back.status_code == 400
    assert "used recently" in back.json()["error"]["message"]


@pytest.mark.django_db
@override_settings(PASSWORD_HISTORY_COUNT=0)
def test_password_history_can_be_disabled(api_client, member):
    bearer(api_client, login(api_client, "member@example.com").json()["access_token"])
    same = post(
        api_client, "/api/v1/auth/change-password", {"current_password": PASSWORD, "new_password": PASSWORD}
    )
    assert same.status_code == 200


@pytest.mark.django_db
def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
