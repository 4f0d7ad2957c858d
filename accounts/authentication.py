"""Authentication: `Authorization: Bearer <JWT | gf_ token>` (and `x-api-key: gf_...`).

Hot path for the gateway. What a credential resolves to (the principal, the user row and the
token row) is cached in the Django cache (Redis in production) keyed by the token's keyed hash
or the user id, so a hit costs no query and a miss costs one indexed query; in production each
process also keeps a near copy (`accounts/near_cache.py`), so a hit costs no round trip either.
Every write that could change the answer (revoke, block, role, limits, deactivation) deletes
those entries through the signal handlers in `accounts/signals.py` and publishes the keys to
every process's near copy, so all processes refuse at once.
"""

import copy
import functools
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import APIToken, LimitSettings, User
from accounts.near_cache import near_cache
from accounts.principal import ALL_SCOPES, Principal
from guardflow_site.errors import GuardflowError

logger = logging.getLogger("guardflow.accounts")

API_TOKEN_PREFIX = "gf_"  # noqa: S105  (a prefix, not a secret)
_TOKEN_CACHE_KEY = "accounts:auth:tok:{}"  # noqa: S105
_USER_CACHE_KEY = "accounts:auth:user:{}"
_TOUCH_KEY = "accounts:auth:touched:{}"
# last_used_at is written at most this often per token, so a busy token does not write per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


# --- token values and hashes ------------------------------------------------------------------


def _hash_key() -> bytes:
    return _derived_hash_key(settings.API_TOKEN_HASH_KEY, settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)  # per request otherwise: the key derivation is a second HMAC
@sensitive_variables("configured", "secret_key")  # never in an error report's frame locals
def _derived_hash_key(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    # Derived, so rotating SECRET_KEY without setting API_TOKEN_HASH_KEY invalidates all tokens.
    return hmac.new(secret_key.encode(), b"guardflow-api-token-hash", hashlib.sha256).digest()


def api_token_hash(value: str) -> str:
    """Keyed hash (HMAC-SHA256) of a token value; a leaked table alone cannot be brute-forced."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


# --- cached resolution ------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthRecord:
    """What a credential resolves to. Model instances are cached along with the principal."""

    principal: Principal
    user: User
    token: APIToken | None = None


def _limits_of(obj: LimitSettings | None) -> dict:
    return {name: (getattr(obj, name) if obj is not None else None) for name in LimitSettings.LIMIT_FIELDS}


def _principal_for(user: User, token: APIToken | None) -> Principal:
    if token is None:
        scopes, allowed, task_id = ALL_SCOPES, None, None
    else:
        scopes, task_id = frozenset(token.scopes or ()), token.task_id
        allowed = frozenset(token.allowed_models) if token.allowed_models else None
    return Principal(
        user_id=user.pk,
        email=user.email,
        role=user.role,
        token_id=token.pk if token is not None else None,
        token_prefix=token.prefix if token is not None else "",
        scopes=scopes,
        allowed_models=allowed,
        bound_task_id=task_id,
        user_limits=_limits_of(user),
        token_limits=_limits_of(token),
    )


def principal_for_user(user: User) -> Principal:
    """The principal of a person signed in without an API token (every scope, no token limits)."""
    return _principal_for(user, None)


def _cache_seconds() -> int:
    return settings.PRINCIPAL_CACHE_SECONDS


def _cached(key: str, load: Callable[[], AuthRecord]) -> AuthRecord:
    """Near cache (this process), then the shared cache, then `load` (the database)."""
    record = near_cache.get(key)
    if record is not None:
        return record
    generation = near_cache.generation()  # before reading: an invalidation meanwhile wins
    record = cache.get(key)
    if record is None:
        record = load()
        cache.set(key, record, _cache_seconds())
    # Half the shared TTL: a change no signal announces is then at most 1.5 TTLs old anywhere.
    near_cache.put(key, record, ttl=_cache_seconds() / 2, generation=generation)
    return record


def _token_record(value: str) -> AuthRecord:
    digest = api_token_hash(value)

    def load() -> AuthRecord:
        token = APIToken.objects.select_related("user").filter(token_hash=digest).first()
        if token is None:
            raise GuardflowError("The API token is not valid.", code="invalid_token", status=401)
        _touch(token)
        return AuthRecord(principal=_principal_for(token.user, token), user=token.user, token=token)

    return _cached(_TOKEN_CACHE_KEY.format(digest), load)


def _touch(token: APIToken) -> None:
    """Record last use, at most once a minute per token across all processes, and best effort:
    a busy database must never turn a valid credential away."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at <= LAST_USED_RESOLUTION:
        return
    # cache.add is atomic (Redis SET NX): of a burst of concurrent misses, one writes.
    if not cache.add(_TOUCH_KEY.format(token.pk), 1, int(LAST_USED_RESOLUTION.total_seconds())):
        return
    try:
        with transaction.atomic():
            # .update(): no signal, so the cache entry about to be written is not thrown away.
            APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError:
        logger.warning("could not record last use of API token %s", token.pk, exc_info=True)
        return
    token.last_used_at = now


def _user_record(user_id: int) -> AuthRecord:
    def load() -> AuthRecord:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise GuardflowError("The access token is not valid.", code="invalid_token", status=401)
        return AuthRecord(principal=_principal_for(user, None), user=user)

    return _cached(_USER_CACHE_KEY.format(user_id), load)


def _forget(keys: list[str]) -> None:
    cache.delete_many(keys)
    near_cache.invalidate(keys)  # after the delete: a process re-reading meanwhile finds nothing stale


def principal_cache_forget_token(*, token_hash: str) -> None:
    _forget([_TOKEN_CACHE_KEY.format(token_hash)])


def principal_cache_forget_user(*, user_id: int) -> None:
    """Drop the user's JWT entry and every one of their token entries."""
    hashes = APIToken.objects.filter(user_id=user_id).values_list("token_hash", flat=True)
    _forget([_USER_CACHE_KEY.format(user_id), *(_TOKEN_CACHE_KEY.format(h) for h in hashes)])


def principal_cache_forget_user_on_commit(*, user_id: int) -> None:
    """Forget now and again after commit, so a reader racing the transaction cannot re-cache old state."""
    principal_cache_forget_user(user_id=user_id)
    transaction.on_commit(lambda: principal_cache_forget_user(user_id=user_id))


def principal_cache_forget_token_on_commit(*, token_hash: str) -> None:
    principal_cache_forget_token(token_hash=token_hash)
    transaction.on_commit(lambda: principal_cache_forget_token(token_hash=token_hash))


# --- checks -----------------------------------------------------------------------------------


def user_access_check(user: User) -> None:
    """Refuse deleted and blocked accounts; used for every credential and at login."""
    if not user.is_active:
        raise GuardflowError("This account has been deactivated.", code="account_inactive", status=401)
    if user.is_blocked:
        reason = user.blocked_reason or "no reason given"
        raise GuardflowError(f"This account is blocked: {reason}", code="account_blocked", status=403)


def _token_state_check(token: APIToken, now: datetime) -> None:
    if token.revoked_at is not None:
        raise GuardflowError("The API token has been revoked.", code="token_revoked", status=401)
    if token.expires_at is not None and token.expires_at <= now:
        raise GuardflowError("The API token has expired.", code="token_expired", status=401)


def _jwt_record(raw: str) -> tuple[AuthRecord, AccessToken]:
    try:
        access = AccessToken(raw)
    except ExpiredTokenError as exc:
        raise GuardflowError("The access token has expired.", code="token_expired", status=401) from exc
    except TokenError as exc:
        raise GuardflowError("The access token is not valid.", code="invalid_token", status=401) from exc
    user_id = str(access.get(jwt_settings.USER_ID_CLAIM, ""))  # simplejwt writes it as a string
    if not user_id.isdigit():
        raise GuardflowError("The access token is not valid.", code="invalid_token", status=401)
    record = _user_record(int(user_id))
    changed = record.user.password_changed_at
    # A password change ends every session that started before it.
    if changed is not None and int(access.get("iat", 0)) < int(changed.timestamp()):
        with _refusing(record):
            raise GuardflowError("The access token has been revoked.", code="token_revoked", status=401)
    return record, access


def _credential_from(authorization: str | None, api_key: str | None) -> str:
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise GuardflowError(
                "Use `Authorization: Bearer <token>`.", code="invalid_authorization_header", status=401
            )
        return value.strip()
    if api_key:
        return api_key.strip()
    raise GuardflowError(
        "Authentication credentials were not provided.", code="not_authenticated", status=401
    )


def authenticate_credentials(
    *, authorization: str | None, api_key: str | None
) -> tuple[AuthRecord, APIToken | AccessToken]:
    """Resolve and check a credential. Raises GuardflowError 401/403."""
    raw = _credential_from(authorization, api_key)
    if raw.startswith(API_TOKEN_PREFIX):
        record = _token_record(raw)
        with _refusing(record):
            _token_state_check(record.token, timezone.now())
            user_access_check(record.user)
        return record, record.token
    if api_key and not authorization:
        raise GuardflowError("x-api-key must be a Guardflow API token.", code="invalid_token", status=401)
    record, access = _jwt_record(raw)
    with _refusing(record):
        user_access_check(record.user)
    return record, access


@contextmanager
def _refusing(record: AuthRecord) -> Iterator[None]:
    """The credential is genuine but refused (revoked, expired, blocked): name the caller on the
    error, so the gateway can still record the request against them."""
    try:
        yield
    except GuardflowError as exc:
        exc.caller = record.principal
        raise


def principal_from_credentials(*, authorization: str | None, api_key: str | None) -> Principal:
    """For code outside DRF (the async gateway views). Raises GuardflowError (401/403)."""
    record, _ = authenticate_credentials(authorization=authorization, api_key=api_key)
    return record.principal


def principal_require_scope(principal: Principal, scope: str) -> None:
    if scope not in principal.scopes:
        raise GuardflowError(
            f"This API token lacks the `{scope}` scope.", code="insufficient_scope", status=403
        )


class BearerAuthentication(BaseAuthentication):
    """DRF authentication: JWT or API token. `request.principal` carries the Principal."""

    def authenticate(self, request: Request):
        authorization = request.META.get("HTTP_AUTHORIZATION")
        api_key = request.META.get("HTTP_X_API_KEY")
        if not authorization and not api_key:
            return None
        record, auth = authenticate_credentials(authorization=authorization, api_key=api_key)
        request._request.principal = record.principal
        # The cached rows are shared by concurrent requests (the near cache hands out one
        # object); a view may change its request.user before saving, so it gets its own copy.
        user = copy.copy(record.user)
        if isinstance(auth, APIToken):
            auth = copy.copy(auth)
            auth._state.fields_cache["user"] = user
        return user, auth

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
