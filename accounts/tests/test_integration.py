"""Against real PostgreSQL and Redis: the principal cache and the rate limits live in Redis, so a
revoke or block in one process is seen by every other process at once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.authentication import _TOKEN_CACHE_KEY, api_token_hash, principal_from_credentials
from accounts.near_cache import NearCache, near_cache
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


def _near_cached(value: str) -> bool:
    return near_cache.get(_TOKEN_CACHE_KEY.format(api_token_hash(value))) is not None


def _resolve_until_near_cached(value: str) -> None:
    """Look the token up until this process serves it from its near copy (the subscription is
    confirmed by the first messages read after subscribing)."""
    deadline = time.monotonic() + 5
    while not _near_cached(value):
        assert time.monotonic() < deadline, "the near cache never took the record"
        principal_from_credentials(authorization=f"Bearer {value}", api_key=None)
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_revoke_in_another_process_is_refused_here_at_once(member):
    token, value = api_token_create(user=member, name="t", scopes=["gateway"])
    header = f"Bearer {value}"
    assert principal_from_credentials(authorization=header, api_key=None).token_id == token.pk  # cached
    _resolve_until_near_cached(value)
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
    _resolve_until_near_cached(value)
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


# --- the near cache itself (accounts/near_cache.py), against the real Redis -----------------------


def _subscribed(cache: NearCache) -> NearCache:
    deadline = time.monotonic() + 5
    while not cache._listen():
        assert time.monotonic() < deadline, "no subscription"
        time.sleep(0.01)
    return cache


def test_near_cache_serves_only_once_subscribed():
    cache = NearCache()
    cache.put("k", "v", ttl=60, generation=cache.generation())
    assert cache.get("k") is None  # not subscribed yet: nothing kept
    _subscribed(cache)
    cache.put("k", "v", ttl=60, generation=cache.generation())
    assert cache.get("k") == "v"


def test_near_cache_invalidation_reaches_another_cache_before_its_next_lookup():
    """Two NearCache objects stand for two processes: each has its own subscription."""
    here, there = _subscribed(NearCache()), _subscribed(NearCache())
    there.put("accounts:auth:tok:x", "old", ttl=60, generation=there.generation())
    there.put("accounts:auth:tok:y", "kept", ttl=60, generation=there.generation())
    here.invalidate(["accounts:auth:tok:x"])
    assert there.get("accounts:auth:tok:x") is None  # no sleep: applied before the lookup
    assert there.get("accounts:auth:tok:y") == "kept"


def test_near_cache_put_after_an_invalidation_is_not_kept():
    """A reader that fetched the shared cache before an invalidation must not keep what it read."""
    here, there = _subscribed(NearCache()), _subscribed(NearCache())
    generation = there.generation()  # the reader starts its shared-cache read here
    here.invalidate(["accounts:auth:tok:z"])
    assert there.get("accounts:auth:tok:z") is None  # applies the message
    there.put("accounts:auth:tok:z", "stale", ttl=60, generation=generation)
    assert there.get("accounts:auth:tok:z") is None


def test_near_cache_drops_everything_when_its_subscription_breaks():
    import redis

    cache = _subscribed(NearCache())
    cache.put("k", "v", ttl=60, generation=cache.generation())
    client_id = cache._pubsub.connection.client_id if hasattr(cache._pubsub.connection, "client_id") else None
    admin = redis.Redis.from_url(settings.REDIS_URL)
    killed = (
        admin.client_kill_filter(_type="pubsub", skipme=True)
        if client_id is None
        else admin.client_kill_filter(_id=client_id)
    )
    assert killed >= 1
    time.sleep(0.05)
    assert cache.get("k") is None  # the broken subscription is noticed: entries are gone
    _subscribed(cache)  # and it subscribes again (after RECONNECT_EVERY_SECONDS)
    assert cache.get("k") is None


def test_near_cache_silent_subscription_is_reset(monkeypatch):
    """A connection that stops answering (no RST: a partition) must not keep serving."""
    from accounts import near_cache as module

    cache = _subscribed(NearCache())
    cache.put("k", "v", ttl=60, generation=cache.generation())
    monkeypatch.setattr(cache._pubsub, "ping", lambda *args: None)  # PINGs go nowhere
    monkeypatch.setattr(module, "PING_EVERY_SECONDS", 0.0)
    monkeypatch.setattr(module, "LIVENESS_SECONDS", 0.05)
    assert cache.get("k") == "v"  # the PING is sent now
    time.sleep(0.1)
    assert cache.get("k") is None  # no PONG within LIVENESS_SECONDS: dropped, to be re-established
    assert cache._pubsub is None and cache._entries == {}


def test_near_cache_invalidation_is_published_where_the_near_cache_is_off(settings):
    """An admin host or a Celery worker with PRINCIPAL_NEAR_CACHE=false still tells the gateway."""
    there = _subscribed(NearCache())
    there.put("accounts:auth:tok:w", "old", ttl=60, generation=there.generation())
    settings.PRINCIPAL_NEAR_CACHE = False
    NearCache().invalidate(["accounts:auth:tok:w"])
    settings.PRINCIPAL_NEAR_CACHE = True
    assert there.get("accounts:auth:tok:w") is None


@pytest.mark.django_db(transaction=True)
def test_drf_requests_get_their_own_copy_of_the_cached_rows(member, rf):
    """The near cache hands out one shared record; a view changing request.user must not change
    what other requests see."""
    from rest_framework.request import Request

    from accounts.authentication import BearerAuthentication

    _, value = api_token_create(user=member, name="t", scopes=["gateway"])
    _resolve_until_near_cached(value)

    def authenticate():
        return BearerAuthentication().authenticate(Request(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {value}")))

    first_user, first_token = authenticate()
    first_user.name = "changed in one request"
    second_user, second_token = authenticate()
    assert second_user is not first_user and second_user.name != "changed in one request"
    assert second_token is not first_token and first_token.user is first_user
