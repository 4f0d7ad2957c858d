"""TOTP MFA: enrol, log in with it, replay protection, backup codes, disable, operator reset."""

import pytest
from django.test import override_settings

from accounts.models import MFABackupCode, MFADevice
from accounts.tests.helpers import PASSWORD, bearer, login, post, totp_code
from usage.models import AuditLog


def enrol(client, email="member@example.com") -> tuple[str, list[str]]:
    bearer(client, login(client, email).json()["access_token"])
    setup = post(client, "/api/v1/auth/mfa/setup")
    assert setup.status_code == 200
    secret = setup.json()["secret"]
    enabled = post(client, "/api/v1/auth/mfa/enable", {"code": totp_code(secret)})
    assert enabled.status_code == 200, enabled.json()
    client.credentials()
    return secret, enabled.json()["backup_codes"]


def mfa_login(client, email="member@example.com") -> str:
    body = login(client, email).json()
    assert body["mfa_required"] is True and "access_token" not in body
    return body["mfa_token"]


@pytest.mark.django_db
def test_setup_returns_secret_uri_and_qr(api_client, member):
    bearer(api_client, login(api_client, "member@example.com").json()["access_token"])
    body = post(api_client, "/api/v1/auth/mfa/setup").json()
    assert body["otpauth_uri"].startswith("otpauth://totp/Guardflow:member%40example.com?secret=")
    assert body["secret"] in body["otpauth_uri"]
    assert body["qr_code"].startswith("data:image/svg+xml")
    # Stored encrypted, and MFA is not on until a code confirms it.
    device = MFADevice.objects.get(user=member)
    assert body["secret"] not in device.secret_encrypted and device.confirmed_at is None
    assert login(api_client, "member@example.com").json().get("mfa_required") is None


@pytest.mark.django_db
def test_enable_with_a_wrong_code_keeps_mfa_off(api_client, member):
    bearer(api_client, login(api_client, "member@example.com").json()["access_token"])
    post(api_client, "/api/v1/auth/mfa/setup")
    response = post(api_client, "/api/v1/auth/mfa/enable", {"code": "000000"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_mfa_code"
    assert MFADevice.objects.get(user=member).confirmed_at is None


@pytest.mark.django_db
def test_enable_gives_ten_hashed_backup_codes(api_client, member):
    _, codes = enrol(api_client)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(MFABackupCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert AuditLog.objects.filter(action="mfa_enabled", target_id=str(member.pk)).exists()


@pytest.mark.django_db
def test_login_with_totp_and_replay_is_refused(api_client, member):
    secret, _ = enrol(api_client)
    # The code that enabled MFA was used: a fresh step's code is needed.
    code = totp_code(secret, offset_steps=1)
    response = post(api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": code})
    assert response.status_code == 200 and "access_token" in response.json()
    replay = post(api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": code})
    assert replay.status_code == 400 and replay.json()["error"]["code"] == "invalid_mfa_code"


@pytest.mark.django_db
def test_mfa_token_is_single_use(api_client, member):
    secret, _ = enrol(api_client)
    token = mfa_login(api_client)
    assert (
        post(
            api_client, "/api/v1/auth/mfa/verify", {"mfa_token": token, "code": totp_code(secret, 1)}
        ).status_code
        == 200
    )
    again = post(api_client, "/api/v1/auth/mfa/verify", {"mfa_token": token, "code": "123456"})
    assert again.status_code == 401 and again.json()["error"]["code"] == "invalid_mfa_token"


@pytest.mark.django_db
def test_mfa_token_expires(api_client, member):
    secret, _ = enrol(api_client)
    token = mfa_login(api_client)
    with override_settings(MFA_TOKEN_MAX_AGE_SECONDS=-1):
        response = post(
            api_client, "/api/v1/auth/mfa/verify", {"mfa_token": token, "code": totp_code(secret, 1)}
        )
    assert response.status_code == 401


@pytest.mark.django_db
def test_code_from_two_steps_away_is_refused(api_client, member):
    secret, _ = enrol(api_client)
    response = post(
        api_client,
        "/api/v1/auth/mfa/verify",
        {"mfa_token": mfa_login(api_client), "code": totp_code(secret, -3)},
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_backup_code_works_once(api_client, member):
    _, codes = enrol(api_client)
    first = post(
        api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": codes[0]}
    )
    assert first.status_code == 200
    second = post(
        api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": codes[0]}
    )
    assert second.status_code == 400
    assert MFABackupCode.objects.filter(user=member, used_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_failed_mfa_codes_count_towards_lockout(api_client, member):
    enrol(api_client)
    statuses = [
        post(
            api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": "000000"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[-1] == 429
    assert login(api_client, "member@example.com").status_code == 429


@pytest.mark.django_db
def test_regenerate_backup_codes_replaces_the_old_ones(api_client, member):
    secret, old = enrol(api_client)
    token = post(api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": old[0]})
    bearer(api_client, token.json()["access_token"])
    response = post(api_client, "/api/v1/auth/mfa/backup-codes", {"code": totp_code(secret, 1)})
    assert response.status_code == 200
    new = response.json()["backup_codes"]
    assert len(new) == 10 and not set(new) & set(old)
    api_client.credentials()
    stale = post(api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": old[1]})
    assert stale.status_code == 400


@pytest.mark.django_db
def test_disable_needs_password_and_code(api_client, member):
    _, codes = enrol(api_client)
    access = post(
        api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": codes[0]}
    )
    bearer(api_client, access.json()["access_token"])
    wrong_pw = post(
        api_client, "/api/v1/auth/mfa/disable", {"password": "nope-nope-nope-1", "code": codes[1]}
    )
    assert wrong_pw.status_code == 400 and wrong_pw.json()["error"]["code"] == "invalid_password"
    wrong_code = post(api_client, "/api/v1/auth/mfa/disable", {"password": PASSWORD, "code": "000000"})
    assert wrong_code.status_code == 400
    assert MFADevice.objects.filter(user=member, confirmed_at__isnull=False).exists()
    ok = post(api_client, "/api/v1/auth/mfa/disable", {"password": PASSWORD, "code": codes[1]})
    assert ok.status_code == 200
    api_client.credentials()
    assert "access_token" in login(api_client, "member@example.com").json()


@pytest.mark.django_db
def test_setup_when_enabled_is_a_conflict(api_client, member):
    _, codes = enrol(api_client)
    access = post(
        api_client, "/api/v1/auth/mfa/verify", {"mfa_token": mfa_login(api_client), "code": codes[0]}
    )
    bearer(api_client, access.json()["access_token"])
    assert post(api_client, "/api/v1/auth/mfa/setup").status_code == 409


@pytest.mark.django_db
def test_operator_resets_mfa(api_client, member, operator):
    enrol(api_client)
    bearer(api_client, login(api_client, "operator@example.com").json()["access_token"])
    assert post(api_client, f"/api/v1/admin/users/{member.pk}/mfa-reset").status_code == 200
    api_client.credentials()
    assert "access_token" in login(api_client, "member@example.com").json()
    assert AuditLog.objects.filter(action="mfa_reset", target_id=str(member.pk)).exists()
