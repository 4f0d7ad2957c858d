"""Input validation and output shapes for the accounts API. Strict: unknown fields and wrong types
are refused (400), so a typo never silently does nothing."""

from django.utils import timezone
from rest_framework import serializers

from accounts.models import APIToken, LimitSettings, User
from accounts.services import LIMIT_ALIASES, mfa_is_enabled


class StrictCharField(serializers.CharField):
    """A string, really: DRF's CharField would quietly turn 123 into "123"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({unknown[0]: ["Unknown field."]}, code="unknown_field")
        return super().to_internal_value(data)


def _password_field(**kwargs) -> StrictCharField:
    # Length is checked by the policy; the cap here only stops absurd bodies before hashing.
    return StrictCharField(trim_whitespace=False, max_length=1024, **kwargs)


class EmailInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)


class RegisterInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password_field()
    name = StrictCharField(max_length=150, required=False, allow_blank=True, default="")


class TokenInput(StrictSerializer):
    token = StrictCharField(max_length=1000)


class LoginInput(StrictSerializer):
    """JSON {email, password}, or the OAuth2 password form (username=&password=[&grant_type=...])."""

    email = serializers.EmailField(max_length=254, required=False)
    username = serializers.EmailField(max_length=254, required=False)
    password = _password_field()
    grant_type = StrictCharField(required=False, max_length=20)
    scope = StrictCharField(required=False, allow_blank=True, max_length=200)
    client_id = StrictCharField(required=False, allow_blank=True, max_length=200)
    client_secret = StrictCharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        email = attrs.get("email") or attrs.get("username")
        if not email:
            raise serializers.ValidationError({"email": ["This field is required."]}, code="required")
        if attrs.get("grant_type") not in (None, "password"):
            raise serializers.ValidationError({"grant_type": ['Only "password" is supported.']})
        return {"email": email, "password": attrs["password"]}


class RefreshInput(StrictSerializer):
    refresh_token = StrictCharField(max_length=2000, required=False)
    refresh = StrictCharField(max_length=2000, required=False)

    def validate(self, attrs):
        value = attrs.get("refresh_token") or attrs.get("refresh")
        if not value:
            raise serializers.ValidationError({"refresh_token": ["This field is required."]}, code="required")
        return {"refresh_token": value}


class ResetPasswordInput(StrictSerializer):
    token = StrictCharField(max_length=500)
    new_password = _password_field()


class ChangePasswordInput(StrictSerializer):
    current_password = _password_field()
    new_password = _password_field()


class CodeInput(StrictSerializer):
    code = StrictCharField(max_length=32)


class MFADisableInput(StrictSerializer):
    password = _password_field()
    code = StrictCharField(max_length=32)


class MFAVerifyInput(StrictSerializer):
    mfa_token = StrictCharField(max_length=500)
    code = StrictCharField(max_length=32)


# --- limits (users and tokens) ----------------------------------------------------------------


# The column ranges (PositiveIntegerField / PositiveBigIntegerField): a larger number would be a
# database error on save (PostgreSQL: out of range; SQLite: past 2**63), so it is refused here.
_INT_MAX = 2**31 - 1
_BIGINT_MAX = 2**63 - 1


def _limit_field(max_value: int) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=max_value, required=False, allow_null=True)


class LimitsInput(StrictSerializer):
    requests_per_minute = _limit_field(_INT_MAX)
    requests_per_hour = _limit_field(_INT_MAX)
    requests_per_day = _limit_field(_INT_MAX)
    tokens_per_day = _limit_field(_BIGINT_MAX)
    tokens_per_month = _limit_field(_BIGINT_MAX)
    usd_per_day = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    usd_per_month = serializers.DecimalField(
        max_digits=12, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    max_concurrent_requests = _limit_field(_INT_MAX)
    daily_quota = _limit_field(_BIGINT_MAX)
    monthly_quota = _limit_field(_BIGINT_MAX)

    def validate(self, attrs):
        for alias, field in LIMIT_ALIASES.items():
            if alias in attrs:
                if field in attrs and attrs[field] != attrs[alias]:
                    raise serializers.ValidationError({alias: [f"Conflicts with {field}."]})
                attrs[field] = attrs.pop(alias)
        return attrs


def _limits_output(obj: LimitSettings) -> dict:
    return {name: getattr(obj, name) for name in LimitSettings.LIMIT_FIELDS}


# --- API tokens -------------------------------------------------------------------------------


class TokenCreateInput(LimitsInput):
    name = StrictCharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=APIToken.Scope.choices),
        allow_empty=False,
        max_length=10,
        required=False,
        default=list,
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    expires_in_days = serializers.IntegerField(required=False, min_value=1, max_value=3650)
    allowed_models = serializers.ListField(
        child=StrictCharField(max_length=120), max_length=100, required=False, allow_null=True
    )
    task_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["scopes"] = attrs.get("scopes") or [APIToken.Scope.GATEWAY]
        if "expires_in_days" in attrs:
            if attrs.get("expires_at"):
                raise serializers.ValidationError(
                    {"expires_in_days": ["Give expires_at or expires_in_days."]}
                )
            attrs["expires_at"] = timezone.now() + timezone.timedelta(days=attrs.pop("expires_in_days"))
        if attrs.get("expires_at") and attrs["expires_at"] <= timezone.now():
            raise serializers.ValidationError({"expires_at": ["Must be in the future."]})
        return attrs


class TokenOutput(serializers.ModelSerializer):
    task_id = serializers.IntegerField(allow_null=True)
    status = serializers.SerializerMethodField()
    limits = serializers.SerializerMethodField()

    class Meta:
        model = APIToken
        fields = (
            "id",
            "name",
            "prefix",
            "scopes",
            "allowed_models",
            "task_id",
            "status",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "limits",
        )

    def get_status(self, token: APIToken) -> str:
        if token.revoked_at:
            return "revoked"
        return "expired" if token.is_expired() else "active"

    def get_limits(self, token: APIToken) -> dict:
        return _limits_output(token)


# --- users ------------------------------------------------------------------------------------


class MeOutput(serializers.ModelSerializer):
    mfa_enabled = serializers.SerializerMethodField()
    limits = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "name",
            "role",
            "email_verified",
            "mfa_enabled",
            "created_at",
            "last_login",
            "limits",
        )

    def get_mfa_enabled(self, user: User) -> bool:
        return mfa_is_enabled(user=user)

    def get_limits(self, user: User) -> dict:
        return _limits_output(user)


class AdminUserOutput(MeOutput):
    status = serializers.SerializerMethodField()

    class Meta(MeOutput.Meta):
        fields = (
            *MeOutput.Meta.fields,
            "status",
            "is_active",
            "blocked_at",
            "blocked_reason",
            "locked_until",
            "updated_at",
        )

    def get_status(self, user: User) -> str:
        if not user.is_active:
            return "inactive"
        if user.is_blocked:
            return "blocked"
        if user.locked_until and user.locked_until > timezone.now():
            return "locked"
        return "active"


class AdminUserCreateInput(LimitsInput):
    email = serializers.EmailField(max_length=254)
    name = StrictCharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=User.Role.choices, required=False, default=User.Role.MEMBER)
    password = _password_field(required=False)
    token_name = StrictCharField(max_length=100, required=False, default="initial")
    token_scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=APIToken.Scope.choices), allow_empty=False, required=False
    )


class AdminUserUpdateInput(LimitsInput):
    name = StrictCharField(max_length=150, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=User.Role.choices, required=False)
    email_verified = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="true reactivates; use DELETE to deactivate."
    )

    def validate_is_active(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError(
                "Only true (reactivate) is allowed here; use DELETE to deactivate."
            )
        return value


class AdminUserListQuery(StrictSerializer):
    search = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=User.Role.choices, required=False, default="")
    status = serializers.ChoiceField(
        choices=["active", "blocked", "inactive", "locked", "unverified"], required=False, default=""
    )
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False)


class BlockInput(StrictSerializer):
    reason = StrictCharField(max_length=500)
