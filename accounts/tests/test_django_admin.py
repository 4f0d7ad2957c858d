"""The Django admin: operator actions work, and no page shows a hash or secret."""

import pytest
from django.urls import reverse

from accounts.models import APIToken, MFADevice
from accounts.services import api_token_create, login_failure_register, user_block
from guardflow_site.crypto import encrypt_secret


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


@pytest.mark.django_db
def test_user_change_page_shows_no_hash_or_secret(admin_client, member):
    MFADevice.objects.create(user=member, secret_encrypted=encrypt_secret("JBSWY3DPEHPK3PXP"))
    _, value = api_token_create(user=member, name="t", scopes=["gateway"])
    token = APIToken.objects.get(user=member)
    page = admin_client.get(reverse("admin:accounts_user_change", args=[member.pk])).content.decode()
    assert "argon2$" not in page and member.password not in page
    assert "JBSWY3DPEHPK3PXP" not in page and MFADevice.objects.get().secret_encrypted not in page
    assert token.token_hash not in page and value not in page
    assert reverse("admin:auth_user_password_change", args=[member.pk]) in page
    token_page = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.token_hash not in token_page and token.prefix in token_page
    listing = admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert token.token_hash not in listing


@pytest.mark.django_db
def test_refresh_tokens_are_not_browsable(admin_client):
    response = admin_client.get("/admin/token_blacklist/outstandingtoken/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_admin_actions(admin_client, member):
    url = reverse("admin:accounts_user_changelist")
    admin_client.post(url, {"action": "block_users", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.is_blocked
    admin_client.post(url, {"action": "unblock_users", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert not member.is_blocked

    for _ in range(5):
        login_failure_register(user=member, request=None, reason="password")
    member.refresh_from_db()
    assert member.locked_until is not None
    admin_client.post(url, {"action": "unlock_users", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.locked_until is None

    MFADevice.objects.create(user=member, secret_encrypted=encrypt_secret("JBSWY3DPEHPK3PXP"))
    admin_client.post(url, {"action": "reset_mfa", "_selected_action": [member.pk]})
    assert not MFADevice.objects.filter(user=member).exists()

    token, _ = api_token_create(user=member, name="t", scopes=["gateway"])
    token_url = reverse("admin:accounts_apitoken_changelist")
    admin_client.post(token_url, {"action": "revoke_tokens", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_block_action_never_blocks_the_acting_operator(admin_client, operator):
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "block_users", "_selected_action": [operator.pk]},
    )
    operator.refresh_from_db()
    assert not operator.is_blocked


@pytest.mark.django_db
def test_blocked_operator_loses_admin_access(client, operator, user_factory):
    other = user_factory(email="op2@example.com", role="admin")
    user_block(user=other, reason="test")
    client.force_login(other)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_add_and_password_pages_render(admin_client, member):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    page = admin_client.get(reverse("admin:auth_user_password_change", args=[member.pk]))
    assert page.status_code == 200 and member.password not in page.content.decode()
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200


@pytest.mark.django_db
def test_admin_password_change_goes_through_the_policy_and_is_audited(admin_client, member):
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import PasswordHistory
    from usage.models import AuditLog

    refresh = RefreshToken.for_user(member)
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    weak = admin_client.post(url, {"password1": "short", "password2": "short", "usable_password": "true"})
    assert weak.status_code == 200
    new = "operator-chosen-passphrase-3"
    done = admin_client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new) and member.password_changed_at is not None
    assert PasswordHistory.objects.filter(user=member).count() == 1
    assert AuditLog.objects.filter(action="password_changed", target_id=str(member.pk)).exists()
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()


@pytest.mark.django_db
def test_admin_role_change_is_audited(admin_client, member):
    from usage.models import AuditLog

    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = {
        "email": member.email,
        "name": member.name,
        "role": "admin",
        "is_active": "on",
        "email_verified": "on",
    }
    data.update({"api_tokens-TOTAL_FORMS": "0", "api_tokens-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.role == "admin"
    assert AuditLog.objects.get(action="role_changed").metadata == {"from": "member", "to": "admin"}
