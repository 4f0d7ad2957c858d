"""Account services: the write side of the accounts app."""

import hashlib
import hmac
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from accounts.authentication import API_TOKEN_PREFIX, api_token_hash, user_access_check
from accounts.models import (
    APIToken,
    LimitSettings,
    MFABackupCode,
    MFADevice,
    PasswordHistory,
    User,
    normalize_email_address,
)
from accounts.ratelimits import login_failures_ip_check, login_failures_ip_count
from guardflow_site.crypto import decrypt_secret, encrypt_secret
from guardflow_site.errors import GuardflowError
from usage.services import audit_record

DEFAULT_OPERATOR_EMAIL = "admin@localhost"
GENERATED_PASSWORD_BYTES = 24


@dataclass(frozen=True)
class BootstrapResult:
    created: bool
    email: str
    generated_password: str | None = None


@transaction.atomic
def operator_bootstrap(*, email: str | None, password: str | None) -> BootstrapResult:
    """Make sure an operator exists. Idempotent: an existing account is never changed.

    With an email, that account is the operator; without one, any existing operator will do,
    else `admin@localhost` is created. Without a password a strong one is generated and
    returned so the caller can show it exactly once; it is stored only as an Argon2 hash.
    """
    address = normalize_email_address(email or "")
    if address:
        existing = User.objects.filter(email=address).first()
    else:
        existing = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("id").first()
    if existing is not None:
        return BootstrapResult(created=False, email=existing.email)

    address = address or DEFAULT_OPERATOR_EMAIL
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    user = User(email=address, name="Operator", role=User.Role.ADMIN)
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    return BootstrapResult(created=True, email=address, generated_password=generated)


# ============================================================================================
# Security services (issue 3): registration, login, lockout, passwords, MFA, tokens, blocking.
# Every security event is written to the audit log through usage.services.audit_record.
# ============================================================================================

Request = HttpRequest | None
logger = logging.getLogger("guardflow.accounts")


def _hmac_hex(purpose: bytes, value: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), purpose, hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _email_hash(email: str) -> str:
    """Failed logins for unknown addresses are audited by a hash, never the address itself."""
    return _hmac_hex(b"guardflow-audit-email", normalize_email_address(email))[:16]


# --- passwords --------------------------------------------------------------------------------


def password_validate(*, password: str, user: User) -> None:
    """Django's validators plus ours (max length, history). Raises GuardflowError 400."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise GuardflowError(
            " ".join(exc.messages), code="weak_password", status=400, param="password"
        ) from exc


def refresh_tokens_revoke_all(*, user: User) -> int:
    """Blacklist every refresh token the user holds (password change, block, deactivation)."""
    outstanding = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return len(outstanding)


@transaction.atomic
def user_password_set(*, user: User, password: str) -> None:
    """Set a new (already validated) password, remember the old hash for the history check,
    end every refresh token and, through password_changed_at, every older access token."""
    if user.has_usable_password() and settings.PASSWORD_HISTORY_COUNT > 0:
        PasswordHistory.objects.create(user=user, password_hash=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            : settings.PASSWORD_HISTORY_COUNT
        ]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    refresh_tokens_revoke_all(user=user)


def user_password_change(*, user: User, current_password: str, new_password: str, request: Request) -> dict:
    if not user.check_password(current_password):
        audit_record(action="password_change_failed", actor=user, target=user, request=request)
        raise GuardflowError(
            "The current password is wrong.", code="invalid_password", status=400, param="current_password"
        )
    password_validate(password=new_password, user=user)
    user_password_set(user=user, password=new_password)
    audit_record(action="password_changed", actor=user, target=user, request=request)
    return auth_tokens_issue(user=user)


class _PasswordResetTokens(PasswordResetTokenGenerator):
    """Single-use by construction: the hash covers the password hash and last login."""

    key_salt = "guardflow.accounts.password-reset"

    def check_token(self, user, token) -> bool:
        # Django reads the age limit from PASSWORD_RESET_TIMEOUT; ours has its own setting.
        if not super().check_token(user, token):
            return False
        timestamp = self._b36_timestamp(token)
        return timestamp is not None and self._num_seconds(self._now()) - timestamp <= (
            settings.PASSWORD_RESET_MAX_AGE_SECONDS
        )

    @staticmethod
    def _b36_timestamp(token: str) -> int | None:
        from django.utils.http import base36_to_int

        try:
            return base36_to_int(token.split("-")[0])
        except ValueError:
            return None


_reset_tokens = _PasswordResetTokens()


def _reset_token_for(user: User) -> str:
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{_reset_tokens.make_token(user)}"


def _reset_user_from(token: str) -> User:
    invalid = GuardflowError(
        "The reset token is invalid or has expired.", code="invalid_token", param="token"
    )
    uid_part, _, token_part = token.partition(".")
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid_part)))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise invalid from exc
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not _reset_tokens.check_token(user, token_part):
        raise invalid
    return user


def user_password_forgot(*, email: str, request: Request) -> None:
    """Always succeeds from the caller's view: nothing tells whether the address has an account."""
    user = User.objects.filter(email=normalize_email_address(email), is_active=True).first()
    if user is None or not _mail_throttle_ok(kind="reset", user=user):
        return
    token = _reset_token_for(user)
    _mail(
        user=user,
        subject="Reset your Guardflow password",
        body=(
            "Someone (hopefully you) asked to reset your Guardflow password.\n\n"
            f"Reset token (valid {settings.PASSWORD_RESET_MAX_AGE_SECONDS // 60} minutes, single use):\n"
            f"{token}\n\n"
            f"POST {settings.PUBLIC_BASE_URL}/api/v1/auth/reset-password "
            '{"token": "<the token>", "new_password": "..."}\n\n'
            "If it was not you, ignore this email; your password stays as it is.\n"
        ),
    )
    audit_record(action="password_reset_requested", actor=user, target=user, request=request)


@transaction.atomic
def user_password_reset(*, token: str, new_password: str, request: Request) -> None:
    user = _reset_user_from(token)
    password_validate(password=new_password, user=user)
    user_password_set(user=user, password=new_password)
    # Following the emailed link proves the mailbox: verify it, and lift any lockout.
    user.email_verified = True
    _lockout_clear(user)
    user.save(update_fields=[*_LOCKOUT_FIELDS, "email_verified", "updated_at"])
    audit_record(action="password_reset", actor=user, target=user, request=request)


# --- email ------------------------------------------------------------------------------------


def _mail(*, user: User, subject: str, body: str) -> None:
    """A mail server hiccup must not fail the request (the user can ask again); it is logged."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("could not send %r to user %s", subject, user.pk, exc_info=True)


def _mail_throttle_ok(*, kind: str, user: User) -> bool:
    """At most one mail of a kind per address per minute, whoever asks for it."""
    return cache.add(f"accounts:mail:{kind}:{user.pk}", 1, timeout=60)


_VERIFY_SALT = "guardflow.accounts.verify-email"


def _verification_email_send(*, user: User) -> None:
    token = signing.dumps({"uid": user.pk, "email": user.email}, salt=_VERIFY_SALT)
    hours = settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS // 3600
    _mail(
        user=user,
        subject="Verify your Guardflow email address",
        body=(
            f"Welcome to Guardflow, {user.name or user.email}.\n\n"
            f"Verification token (valid {hours} hours, single use):\n{token}\n\n"
            f"POST {settings.PUBLIC_BASE_URL}/api/v1/auth/verify-email "
            '{"token": "<the token>"}\n'
        ),
    )


@transaction.atomic
def user_register(*, email: str, password: str, name: str, request: Request) -> User | None:
    """Create a member. An address that already has an account gets a notice by mail instead,
    and the caller sees the same answer either way (no account enumeration). Returns the new user or None."""
    if not settings.REGISTRATION_ENABLED:
        raise GuardflowError("Registration is disabled.", code="registration_disabled", status=403)
    address = normalize_email_address(email)
    candidate = User(email=address, name=name)
    password_validate(password=password, user=candidate)
    existing = User.objects.filter(email=address).first()
    if existing is not None:
        if _mail_throttle_ok(kind="exists", user=existing):
            _mail(
                user=existing,
                subject="Guardflow sign-up attempt",
                body="Someone tried to register with your address. You already have an account; "
                "use forgot-password if you cannot log in.\n",
            )
        return None
    needs_verification = settings.REQUIRE_EMAIL_VERIFICATION
    user = User.objects.create_user(
        email=address, password=password, name=name, email_verified=not needs_verification
    )
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password_changed_at"])
    audit_record(action="user_registered", actor=user, target=user, request=request)
    if needs_verification and _mail_throttle_ok(kind="verify", user=user):
        _verification_email_send(user=user)
    return user


def user_email_verify(*, token: str, request: Request) -> User:
    try:
        data = signing.loads(token, salt=_VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise GuardflowError(
            "The verification token has expired; ask for a new one.", code="token_expired", param="token"
        ) from exc
    except signing.BadSignature as exc:
        raise GuardflowError(
            "The verification token is invalid.", code="invalid_token", param="token"
        ) from exc
    user = User.objects.filter(pk=data.get("uid"), email=data.get("email"), is_active=True).first()
    if user is None:
        raise GuardflowError("The verification token is invalid.", code="invalid_token", param="token")
    if user.email_verified:
        raise GuardflowError(
            "This verification token has already been used.", code="token_used", param="token"
        )
    user.email_verified = True
    user.save(update_fields=["email_verified", "updated_at"])
    audit_record(action="email_verified", actor=user, target=user, request=request)
    return user


def user_verification_resend(*, email: str, request: Request) -> None:
    """Same answer whatever the address; throttled per address on top of the per-IP limit."""
    user = User.objects.filter(email=normalize_email_address(email), is_active=True).first()
    if user is None or user.email_verified or not _mail_throttle_ok(kind="verify", user=user):
        return
    _verification_email_send(user=user)
    audit_record(action="email_verification_resent", actor=user, target=user, request=request)


# --- login, lockout, JWTs ---------------------------------------------------------------------

LOCKOUT_MEMORY = timedelta(hours=24)
_LOCKOUT_FIELDS = ["failed_login_count", "failed_login_window_start", "locked_until", "lockout_count"]
_DUMMY_PASSWORD_HASH: list[str] = []


def _dummy_password_check(password: str) -> None:
    """Spend the time a real check takes, so unknown addresses answer as slowly as wrong passwords."""
    if not _DUMMY_PASSWORD_HASH:
        _DUMMY_PASSWORD_HASH.append(make_password(secrets.token_urlsafe(16)))
    User(password=_DUMMY_PASSWORD_HASH[0]).check_password(password)


def _invalid_credentials() -> GuardflowError:
    return GuardflowError("Invalid email or password.", code="invalid_credentials", status=401)


def _locked_error(locked_until: datetime) -> GuardflowError:
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return GuardflowError(
        f"Too many failed logins; the account is locked for {seconds} more seconds.",
        code="account_locked",
        status=429,
        headers={"Retry-After": str(seconds)},
    )


def _lockout_clear(user: User) -> None:
    user.failed_login_count = 0
    user.failed_login_window_start = None
    user.locked_until = None
    user.lockout_count = 0


def _lock_minutes(lockout_count: int) -> int:
    # Doubling on each repeat, capped: never permanent, whatever an attacker does.
    return min(settings.LOCKOUT_MINUTES * 2 ** max(lockout_count - 1, 0), settings.LOCKOUT_MAX_MINUTES)


@transaction.atomic
def login_failure_register(*, user: User, request: Request, reason: str) -> datetime | None:
    """Count a failed attempt; lock the account when the window fills. Returns the lock end, if locked."""
    row = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_ATTEMPT_WINDOW_MINUTES)
    if row.failed_login_window_start is None or now - row.failed_login_window_start > window:
        row.failed_login_count, row.failed_login_window_start = 0, now
    if row.locked_until is not None and now - row.locked_until > LOCKOUT_MEMORY:
        row.lockout_count = 0  # an old lockout no longer makes the next one longer
    row.failed_login_count += 1
    login_failures_ip_count(request)
    audit_record(action="login_failed", actor=None, target=row, request=request, metadata={"reason": reason})
    if row.failed_login_count >= settings.MAX_LOGIN_ATTEMPTS:
        row.lockout_count += 1
        row.locked_until = now + timedelta(minutes=_lock_minutes(row.lockout_count))
        row.failed_login_count, row.failed_login_window_start = 0, None
        audit_record(
            action="account_locked",
            actor=None,
            target=row,
            request=request,
            metadata={"until": row.locked_until.isoformat(), "lockout_count": row.lockout_count},
        )
    row.save(update_fields=_LOCKOUT_FIELDS)
    return row.locked_until if row.locked_until and row.locked_until > now else None


def _lock_check(user: User) -> None:
    if user.locked_until is not None and user.locked_until > timezone.now():
        raise _locked_error(user.locked_until)


def auth_tokens_issue(*, user: User) -> dict:
    refresh = RefreshToken.for_user(user)
    return {
        "access_token": str(refresh.access_token),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    }


def _login_complete(*, user: User, request: Request, mfa: bool) -> dict:
    user.last_login = timezone.now()
    _lockout_clear(user)
    user.save(update_fields=[*_LOCKOUT_FIELDS, "last_login"])
    audit_record(action="login_succeeded", actor=user, target=user, request=request, metadata={"mfa": mfa})
    return auth_tokens_issue(user=user)


def auth_login(*, email: str, password: str, request: Request) -> dict:
    """Password login. Returns the token pair, or `{"mfa_required": true, "mfa_token"}`."""
    login_failures_ip_check(request)
    user = User.objects.filter(email=normalize_email_address(email)).first()
    if user is None or not user.is_active:
        _dummy_password_check(password)
        login_failures_ip_count(request)
        audit_record(
            action="login_failed",
            request=request,
            metadata={"reason": "unknown", "email": _email_hash(email)},
        )
        raise _invalid_credentials()
    _lock_check(user)
    if not user.has_usable_password():
        _dummy_password_check(password)  # Django answers "no" at once for these; don't let timing tell
    if not user.check_password(password):
        locked_until = login_failure_register(user=user, request=request, reason="password")
        raise _locked_error(locked_until) if locked_until else _invalid_credentials()
    # Past this point the caller knows the password, so telling them why they cannot in is safe.
    user_access_check(user)
    if settings.REQUIRE_EMAIL_VERIFICATION and not user.email_verified:
        raise GuardflowError(
            "Verify your email address first (see the email we sent, or ask for a new one).",
            code="email_not_verified",
            status=403,
        )
    if mfa_is_enabled(user=user):
        audit_record(action="login_mfa_challenge", actor=user, target=user, request=request)
        return {"mfa_required": True, "mfa_token": _mfa_token_for(user)}
    return _login_complete(user=user, request=request, mfa=False)


def _refresh_invalid() -> GuardflowError:
    return GuardflowError(
        "The refresh token is invalid or expired.", code="invalid_refresh_token", status=401
    )


def _refresh_payload(raw: str) -> dict:
    """Signature, expiry and type only (the blacklist is checked separately, atomically)."""
    try:
        payload = UntypedToken(raw).payload
    except TokenError as exc:
        raise _refresh_invalid() from exc
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or not payload.get(jwt_settings.JTI_CLAIM):
        raise _refresh_invalid()
    return payload


def _refresh_consume(payload: dict) -> User:
    """Blacklist the presented refresh token exactly once; a second use is a reuse."""
    outstanding = OutstandingToken.objects.filter(jti=payload[jwt_settings.JTI_CLAIM]).first()
    if outstanding is None or outstanding.user is None:
        raise _refresh_invalid()
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        # A rotated token came back: someone holds a copy. End every session of the user.
        refresh_tokens_revoke_all(user=outstanding.user)
        audit_record(action="refresh_token_reused", actor=None, target=outstanding.user)
        raise GuardflowError(
            "This refresh token has already been used; all sessions were ended.",
            code="token_revoked",
            status=401,
        )
    return outstanding.user


def auth_refresh(*, refresh_token: str) -> dict:
    """Rotate: the presented refresh token is blacklisted and a new pair is issued."""
    user = _refresh_consume(_refresh_payload(refresh_token))
    user_access_check(user)
    return auth_tokens_issue(user=user)


@transaction.atomic
def auth_logout(*, refresh_token: str, user: User | None, request: Request) -> None:
    payload = _refresh_payload(refresh_token)
    if user is not None and str(payload.get(jwt_settings.USER_ID_CLAIM)) != str(user.pk):
        raise _refresh_invalid()
    outstanding = OutstandingToken.objects.filter(jti=payload[jwt_settings.JTI_CLAIM]).first()
    if outstanding is None:
        raise _refresh_invalid()
    BlacklistedToken.objects.get_or_create(token=outstanding)
    audit_record(action="logout", actor=outstanding.user, target=outstanding.user, request=request)


@transaction.atomic
def user_unlock(*, user: User, actor: User | None = None, request: Request = None) -> User:
    _lockout_clear(user)
    user.save(update_fields=_LOCKOUT_FIELDS)
    audit_record(action="account_unlocked", actor=actor, target=user, request=request)
    return user


# --- MFA (TOTP, RFC 6238) ---------------------------------------------------------------------

TOTP_STEP_SECONDS = 30
BACKUP_CODE_COUNT = 10
_MFA_TOKEN_SALT = "guardflow.accounts.mfa-login"  # noqa: S105  (a salt name)
MFA_TOKEN_MAX_ATTEMPTS = 5


def mfa_is_enabled(*, user: User) -> bool:
    return MFADevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _mfa_device(user: User, *, confirmed: bool) -> MFADevice | None:
    return MFADevice.objects.filter(user=user, confirmed_at__isnull=not confirmed).first()


def _totp_accept(device: MFADevice, code: str) -> bool:
    """A 6-digit code of the current step ±1, newer than the last accepted one; marks it used."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return False
    totp = pyotp.TOTP(decrypt_secret(device.secret_encrypted), interval=TOTP_STEP_SECONDS)
    now_step = int(timezone.now().timestamp()) // TOTP_STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > device.last_used_step and hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            # Conditional update: two requests racing with the same code cannot both win.
            won = MFADevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step)
            return won == 1
    return False


def _backup_code_hash(code: str) -> str:
    return _hmac_hex(b"guardflow-mfa-backup", code.replace("-", "").replace(" ", "").strip().lower())


def _backup_code_accept(user: User, code: str) -> bool:
    if not isinstance(code, str) or not 8 <= len(code) <= 20:
        return False
    used = MFABackupCode.objects.filter(
        user=user, code_hash=_backup_code_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return used == 1


def _backup_codes_create(user: User) -> list[str]:
    MFABackupCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)[:5]}-{secrets.token_hex(3)[:5]}" for _ in range(BACKUP_CODE_COUNT)]
    MFABackupCode.objects.bulk_create(
        [MFABackupCode(user=user, code_hash=_backup_code_hash(c)) for c in codes]
    )
    return codes


@transaction.atomic
def mfa_setup(*, user: User, request: Request) -> dict:
    """Start enrolment: a fresh secret, shown once. MFA stays off until `mfa_enable` confirms a code."""
    if mfa_is_enabled(user=user):
        raise GuardflowError(
            "MFA is already enabled; disable it first.", code="mfa_already_enabled", status=409
        )
    secret = pyotp.random_base32()
    MFADevice.objects.update_or_create(
        user=user, defaults={"secret_encrypted": encrypt_secret(secret), "last_used_step": 0}
    )
    uri = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=settings.MFA_ISSUER
    )
    audit_record(action="mfa_setup_started", actor=user, target=user, request=request)
    return {"secret": secret, "otpauth_uri": uri, "qr_code": segno.make(uri, error="m").svg_data_uri(scale=4)}


def _invalid_code(param: str = "code") -> GuardflowError:
    return GuardflowError("The code is not valid.", code="invalid_mfa_code", status=400, param=param)


def mfa_enable(*, user: User, code: str, request: Request) -> list[str]:
    device = _mfa_device(user, confirmed=False)
    if device is None:
        if mfa_is_enabled(user=user):
            raise GuardflowError("MFA is already enabled.", code="mfa_already_enabled", status=409)
        raise GuardflowError("Call mfa/setup first.", code="mfa_not_set_up", status=409)
    if not _totp_accept(device, code):
        audit_record(action="mfa_enable_failed", actor=user, target=user, request=request)
        raise _invalid_code()
    MFADevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    codes = _backup_codes_create(user)
    audit_record(action="mfa_enabled", actor=user, target=user, request=request)
    return codes


def _mfa_confirmed_or_409(user: User) -> MFADevice:
    device = _mfa_device(user, confirmed=True)
    if device is None:
        raise GuardflowError("MFA is not enabled.", code="mfa_not_enabled", status=409)
    return device


def mfa_disable(*, user: User, password: str, code: str, request: Request) -> None:
    device = _mfa_confirmed_or_409(user)
    if not user.check_password(password):
        audit_record(action="mfa_disable_failed", actor=user, target=user, request=request)
        raise GuardflowError("The password is wrong.", code="invalid_password", param="password")
    if not (_totp_accept(device, code) or _backup_code_accept(user, code)):
        audit_record(action="mfa_disable_failed", actor=user, target=user, request=request)
        raise _invalid_code()
    _mfa_remove(user)
    audit_record(action="mfa_disabled", actor=user, target=user, request=request)


def _mfa_remove(user: User) -> None:
    MFADevice.objects.filter(user=user).delete()
    MFABackupCode.objects.filter(user=user).delete()


def mfa_backup_codes_regenerate(*, user: User, code: str, request: Request) -> list[str]:
    device = _mfa_confirmed_or_409(user)
    if not _totp_accept(device, code):
        raise _invalid_code()
    codes = _backup_codes_create(user)
    audit_record(action="mfa_backup_codes_regenerated", actor=user, target=user, request=request)
    return codes


@transaction.atomic
def user_mfa_reset(*, user: User, actor: User | None = None, request: Request = None) -> None:
    """Operator action for someone who lost their authenticator and backup codes."""
    _mfa_remove(user)
    audit_record(action="mfa_reset", actor=actor, target=user, request=request)


def _mfa_token_for(user: User) -> str:
    return signing.dumps({"uid": user.pk, "jti": secrets.token_urlsafe(12)}, salt=_MFA_TOKEN_SALT)


def _mfa_token_load(token: str) -> tuple[User, str]:
    try:
        data = signing.loads(token, salt=_MFA_TOKEN_SALT, max_age=settings.MFA_TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise GuardflowError(
            "The MFA token is invalid or expired; log in again.", code="invalid_mfa_token", status=401
        ) from exc
    jti = str(data.get("jti", ""))
    user = User.objects.filter(pk=data.get("uid")).first()
    if user is None or not jti or cache.get(f"accounts:mfa-token-used:{jti}"):
        raise GuardflowError(
            "The MFA token was already used; log in again.", code="invalid_mfa_token", status=401
        )
    return user, jti


def _mfa_token_attempt_failed(jti: str) -> None:
    key = f"accounts:mfa-token-attempts:{jti}"
    cache.add(key, 0, timeout=settings.MFA_TOKEN_MAX_AGE_SECONDS + 5)
    if cache.incr(key) >= MFA_TOKEN_MAX_ATTEMPTS:
        cache.set(f"accounts:mfa-token-used:{jti}", 1, timeout=settings.MFA_TOKEN_MAX_AGE_SECONDS + 5)


def auth_mfa_verify(*, mfa_token: str, code: str, request: Request) -> dict:
    """Second login step: a TOTP code or a backup code. The MFA token then stops working."""
    user, jti = _mfa_token_load(mfa_token)
    user_access_check(user)
    _lock_check(user)
    device = _mfa_confirmed_or_409(user)
    accepted = _totp_accept(device, code) or _backup_code_accept(user, code)
    if not accepted:
        _mfa_token_attempt_failed(jti)
        locked_until = login_failure_register(user=user, request=request, reason="mfa_code")
        raise _locked_error(locked_until) if locked_until else _invalid_code()
    if not cache.add(f"accounts:mfa-token-used:{jti}", 1, timeout=settings.MFA_TOKEN_MAX_AGE_SECONDS + 5):
        raise GuardflowError(
            "The MFA token was already used; log in again.", code="invalid_mfa_token", status=401
        )
    return _login_complete(user=user, request=request, mfa=True)


# --- API tokens -------------------------------------------------------------------------------

API_TOKEN_RANDOM_BYTES = 32
API_TOKEN_PREFIX_LENGTH = 10
API_TOKEN_MAX_ACTIVE_PER_USER = 100


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    allowed_models: list[str] | None = None,
    task=None,
    limits: dict | None = None,
    actor: User | None = None,
    request: Request = None,
) -> tuple[APIToken, str]:
    """Create a token; returns it and its clear value, which is never available again."""
    active = APIToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= API_TOKEN_MAX_ACTIVE_PER_USER:
        raise GuardflowError(
            f"At most {API_TOKEN_MAX_ACTIVE_PER_USER} active tokens per user; revoke one first.",
            code="too_many_tokens",
            status=409,
        )
    value = API_TOKEN_PREFIX + secrets.token_urlsafe(API_TOKEN_RANDOM_BYTES)
    token = APIToken.objects.create(
        user=user,
        name=name,
        prefix=value[:API_TOKEN_PREFIX_LENGTH],
        token_hash=api_token_hash(value),
        scopes=sorted(set(scopes)),
        allowed_models=sorted(set(allowed_models)) if allowed_models else None,
        task=task,
        expires_at=expires_at,
        created_by=actor or user,
        **_limit_values(limits),
    )
    audit_record(
        action="token_created",
        actor=actor or user,
        target=token,
        request=request,
        metadata={"user_id": user.pk, "name": name, "scopes": token.scopes, "prefix": token.prefix},
    )
    return token, value


def _limit_values(limits: dict | None) -> dict:
    return {key: value for key, value in (limits or {}).items() if key in LimitSettings.LIMIT_FIELDS}


@transaction.atomic
def api_token_revoke(*, token: APIToken, actor: User | None = None, request: Request = None) -> APIToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="token_revoked",
            actor=actor,
            target=token,
            request=request,
            metadata={"user_id": token.user_id, "prefix": token.prefix},
        )
    return token


# --- operators: users -------------------------------------------------------------------------

LIMIT_ALIASES = {"daily_quota": "tokens_per_day", "monthly_quota": "tokens_per_month"}


@transaction.atomic
def user_block(*, user: User, reason: str, actor: User | None = None, evidence: dict | None = None) -> User:
    """Block an account: login refused, every token and session refused at once.
    `actor=None` means an automatic block (the guard); `evidence` explains it in the audit log."""
    user.blocked_at = user.blocked_at or timezone.now()
    user.blocked_reason = (reason or "Blocked by an operator.")[:500]
    user.save(update_fields=["blocked_at", "blocked_reason", "updated_at"])
    refresh_tokens_revoke_all(user=user)
    audit_record(
        action="user_blocked",
        actor=actor,
        target=user,
        metadata={"reason": user.blocked_reason, "automatic": actor is None, "evidence": evidence or {}},
    )
    return user


@transaction.atomic
def user_unblock(*, user: User, actor: User | None = None) -> User:
    was_blocked = user.blocked_at is not None
    user.blocked_at, user.blocked_reason = None, ""
    user.save(update_fields=["blocked_at", "blocked_reason", "updated_at"])
    if was_blocked:
        audit_record(action="user_unblocked", actor=actor, target=user)
    return user


def _decimal_or_int(value):
    return Decimal(str(value)) if isinstance(value, float) else value


@transaction.atomic
def user_create_by_operator(
    *,
    actor: User,
    email: str,
    name: str = "",
    role: str = User.Role.MEMBER,
    password: str | None = None,
    limits: dict | None = None,
    token_name: str = "initial",  # noqa: S107
    token_scopes: list[str] | None = None,
    request: Request = None,
) -> tuple[User, APIToken, str]:
    """An operator adds someone: the account (verified, since the operator vouches for the address)
    and a first API token whose value is returned once."""
    address = normalize_email_address(email)
    if User.objects.filter(email=address).exists():
        raise GuardflowError(
            "A user with this email already exists.", code="email_taken", status=409, param="email"
        )
    user = User(email=address, name=name, role=role, email_verified=True, **_limit_values(limits))
    if password:
        password_validate(password=password, user=user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()  # they set one through forgot-password
    user.save()
    audit_record(action="user_created", actor=actor, target=user, request=request, metadata={"role": role})
    token, value = api_token_create(
        user=user, name=token_name, scopes=token_scopes or ["gateway"], actor=actor, request=request
    )
    return user, token, value


@transaction.atomic
def user_update_by_operator(*, actor: User, user: User, data: dict, request: Request = None) -> User:
    """Change name, role, email_verified and limits. Role changes are audited on their own."""
    if "role" in data and data["role"] != user.role:
        if user.pk == actor.pk:
            raise GuardflowError("You cannot change your own role.", code="cannot_modify_self", param="role")
        audit_record(
            action="role_changed",
            actor=actor,
            target=user,
            request=request,
            metadata={"from": user.role, "to": data["role"]},
        )
    if data.get("is_active") and not user.is_active:
        # Tokens revoked at deactivation stay revoked; the person logs in again with their password.
        audit_record(action="user_reactivated", actor=actor, target=user, request=request)
    changed = []
    for field in ("name", "role", "email_verified", "is_active", *LimitSettings.LIMIT_FIELDS):
        if field in data:
            setattr(user, field, data[field])
            changed.append(field)
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="user_updated", actor=actor, target=user, request=request, metadata={"fields": changed}
        )
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: Request = None) -> User:
    """ "Delete" keeps the row and its history; login, tokens and sessions stop working."""
    if user.pk == actor.pk:
        raise GuardflowError("You cannot delete your own account.", code="cannot_modify_self")
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    refresh_tokens_revoke_all(user=user)
    audit_record(action="user_deactivated", actor=actor, target=user, request=request)
    return user
