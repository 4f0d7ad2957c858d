"""Against real PostgreSQL and Redis: the principal cache and the rate limits live in Redis, so a
revoke or block in one process is seen by every other process at once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.authentication import principal_from_credentials
from accounts.services import api_token_create
from accounts.tests.helpers import login, post
from guardflow_site.errors import GuardflowError

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def run_in_other_process(code: str) -> None:
    """Run Django code in a separate interpreter on the same test database and Redis."""
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    )
    script = "import django; django.setup()\n" + code
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "guardflow_site.settings"},
        check=True,
        timeout=120,
    )


def test_cache_is_redis():
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()


@pytest.mark.django_db(transaction=True)
def test_revoke_in_another_process_is_refused_here_at_once(member):
    token, value = api_token_create(user=member, name="t", scopes=["gateway"])
    header = f"Bearer {value}"
    assert principal_from_credentials(authorization=header, api_key=None).token_id == token.pk  # cached
    run_in_other_process(
        "from accounts.models import APIToken\n"
        "from accounts.services import api_token_revoke\n"
        f"api_token_revoke(token=APIToken.objects.get(pk={token.pk}))\n"
    )
    with pytest.raises(GuardflowError) as excinfo:
        principal_from_credentials(authorization=header, api_key=None)
    assert excinfo.value.code == "token_revoked"


@pytest.mark.django_db(transaction=True)
def test_block_in_another_process_is_refused_here_at_once(member):
    _, value = api_token_create(user=member, name="t", scopes=["gateway"])
    header = f"Bearer {value}"
    principal_from_credentials(authorization=header, api_key=None)
    run_in_other_process(
        "from accounts.models import User\n"
        "from accounts.services import user_block\n"
        f"user_block(user=User.objects.get(pk={member.pk}), reason='auto: risk')\n"
    )
    with pytest.raises(GuardflowError) as excinfo:
        principal_from_credentials(authorization=header, api_key=None)
    assert excinfo.value.code == "account_blocked" and excinfo.value.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_login_rate_limit_counts_in_redis(api_client, settings):
    settings.AUTH_RATE_LIMITS = {**settings.AUTH_RATE_LIMITS, "login": "2/m"}
    for _ in range(2):
        assert login(api_client, "nobody@example.com", "wrong-password-123").status_code == 401
    response = login(api_client, "nobody@example.com", "wrong-password-123")
    assert response.status_code == 429 and response.json()["error"]["code"] == "rate_limited"


@pytest.mark.django_db(transaction=True)
def test_refresh_rotation_and_reuse_on_postgres(api_client, member):
    tokens = login(api_client, "member@example.com").json()
    rotated = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    reuse = post(api_client, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert reuse.status_code == 401
    # The rotated one was ended too: reuse of a rotated token ends the family.
    latest = post(api_client, "/api/v1/auth/refresh", {"refresh_token": rotated.json()["refresh_token"]})
    assert latest.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_mfa_token_single_use_through_redis(api_client, member):
    import pyotp
    from django.utils import timezone

    from accounts.models import MFADevice
    from accounts.services import _mfa_token_for, auth_mfa_verify
    from guardflow_site.crypto import encrypt_secret

    secret = pyotp.random_base32()
    MFADevice.objects.create(
        user=member, secret_encrypted=encrypt_secret(secret), confirmed_at=timezone.now()
    )
    token = _mfa_token_for(member)
    assert "access_token" in auth_mfa_verify(mfa_token=token, code=pyotp.TOTP(secret).now(), request=None)
    with pytest.raises(GuardflowError):
        auth_mfa_verify(mfa_token=token, code=pyotp.TOTP(secret).now(), request=None)
