"""People: the custom user model. Email is the login, compared case-insensitively."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def normalize_email_address(email: str) -> str:
    """One spelling per mailbox: `Alice@X.com` and `alice@x.com` are the same account."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=normalize_email_address(username))

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        fields.pop("is_staff", None)
        fields.pop("is_superuser", None)
        user = self.model(email=normalize_email_address(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields["role"] = User.Role.ADMIN
        return self.create_user(email, password, **fields)


class LimitSettings(models.Model):
    """Per-principal limits (users and API tokens). Null means "no limit of this kind here":
    for a user the gateway then applies the default from settings, for a token only the user's.
    The gateway enforces them (stricter of user and token wins)."""

    requests_per_minute = models.PositiveIntegerField(null=True, blank=True)
    requests_per_hour = models.PositiveIntegerField(null=True, blank=True)
    requests_per_day = models.PositiveIntegerField(null=True, blank=True)
    tokens_per_day = models.PositiveBigIntegerField(null=True, blank=True)
    tokens_per_month = models.PositiveBigIntegerField(null=True, blank=True)
    usd_per_day = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    usd_per_month = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    max_concurrent_requests = models.PositiveIntegerField(null=True, blank=True)

    LIMIT_FIELDS = (
        "requests_per_minute",
        "requests_per_hour",
        "requests_per_day",
        "tokens_per_day",
        "tokens_per_month",
        "usd_per_day",
        "usd_per_month",
        "max_concurrent_requests",
    )

    class Meta:
        abstract = True


class User(AbstractBaseUser, LimitSettings):
    class Role(models.TextChoices):
        ADMIN = "admin", "Operator"
        MEMBER = "member", "Member"

    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER, db_index=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive accounts are deleted ones; history is kept."
    )
    blocked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    blocked_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Security state, read on every login attempt.
    email_verified = models.BooleanField(
        default=True, help_text="False only for self-registered accounts until they follow the link."
    )
    password_changed_at = models.DateTimeField(null=True, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0)
    failed_login_window_start = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    lockout_count = models.PositiveIntegerField(
        default=0, help_text="Consecutive lockouts; each lasts longer, up to a cap (never permanent)."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs) -> None:
        self.email = normalize_email_address(self.email)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email_address(self.email)

    @property
    def is_operator(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    # The Django admin asks for these; an operator is staff and holds every permission.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_operator and not self.is_blocked

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


# --- Security state (issue 3) -----------------------------------------------------------------
# Secrets and tokens live in their own tables so no user form or serializer can show them by accident.


class PasswordHistory(models.Model):
    """Old password hashes, so the last PASSWORD_HISTORY_COUNT cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "password history"

    def __str__(self) -> str:
        return f"password of user {self.user_id} from {self.created_at:%Y-%m-%d}"


class MFADevice(models.Model):
    """One TOTP authenticator per user. The secret is encrypted at rest (Fernet)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mfa_device")
    secret_encrypted = models.CharField(max_length=500)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Set when MFA is on.")
    # The 30 s step of the last accepted code: a code is accepted once, never replayed.
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"MFA for {self.user_id} ({'on' if self.confirmed_at else 'pending'})"


class MFABackupCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_backup_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"backup code of user {self.user_id} ({'used' if self.used_at else 'unused'})"


class APIToken(LimitSettings):
    """A credential for programs. Only an HMAC-SHA256 of the value is stored; the value is shown once."""

    class Scope(models.TextChoices):
        GATEWAY = "gateway", "Gateway (LLM calls)"
        USAGE_READ = "usage:read", "Read usage"
        CHATS = "chats", "Chats"
        WORKFLOWS = "workflows", "Workflows"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise the token.")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    allowed_models = models.JSONField(null=True, blank=True, help_text="Model names; empty = any model.")
    task = models.ForeignKey(
        "proxy.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="api_tokens"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
