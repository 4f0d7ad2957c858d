"""Query-parameter validation and output shapes for the usage endpoints."""

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from usage.models import AuditLog, UsageRecord
from usage.selectors import GROUP_BY_FIELDS, UsageFilters


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """ISO date (`2026-11-21`) or datetime. As an `end`, a bare date includes that whole day."""

    default_error_messages = {
        "invalid": "Use an ISO date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM[:SS][Z])."
    }

    def __init__(self, *, end_of_range: bool = False, **kwargs) -> None:
        self.end_of_range = end_of_range
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime:
        text = str(data).strip()
        try:
            return self._parse(text)
        except (ValueError, OverflowError):  # impossible dates, or years that overflow in UTC
            self.fail("invalid")

    def _parse(self, text: str) -> datetime:
        # A bare date first: parse_datetime would also accept it, as midnight, losing "whole day".
        day = parse_date(text) if len(text) == 10 else None
        if day is not None:
            start = datetime.combine(day, time.min, tzinfo=UTC)
            return start + timedelta(days=1) if self.end_of_range else start
        moment = parse_datetime(text)
        if moment is None:
            raise ValueError(text)
        aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)
        return aware.astimezone(UTC)

    def to_representation(self, value):  # pragma: no cover - input only
        return value


_MAX_ID = 2**63 - 1  # bigint: larger ids would be a database error, not "no match"


@extend_schema_field(OpenApiTypes.STR)
class UserRefField(serializers.CharField):
    """A user id or an email address → {"id": int} or {"email": lowercased str}."""

    default_error_messages = {"invalid_id": "Not a valid user id."}

    def to_internal_value(self, data) -> dict:
        text = super().to_internal_value(data).strip()
        # DRF runs a field's validators on what this returns (a dict), so CharField's own checks
        # (max length, no NUL, which PostgreSQL cannot compare against) run here on the text.
        self.run_validators(text)
        if not (text.isascii() and text.isdigit()):
            return {"email": text.lower()}
        if not 1 <= int(text) <= _MAX_ID:
            self.fail("invalid_id")
        return {"id": int(text)}


class _RangeQuery(serializers.Serializer):
    start = DateOrDateTimeField(required=False)
    end = DateOrDateTimeField(required=False, end_of_range=True)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("start") and attrs.get("end") and attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"end": "end must be after start."})
        return attrs


class UserUsageQuery(_RangeQuery):
    model = serializers.CharField(required=False, max_length=120)
    status = serializers.ChoiceField(required=False, choices=UsageRecord.Status.choices)

    def filters(self) -> UsageFilters:
        return UsageFilters(**self.validated_data)


class AdminLogsQuery(UserUsageQuery):
    user = UserRefField(required=False, max_length=254, help_text="User id or email.")
    task = serializers.IntegerField(required=False, min_value=1, max_value=_MAX_ID)
    flagged = serializers.BooleanField(required=False, allow_null=True, default=None)

    def filters(self) -> UsageFilters:
        data = dict(self.validated_data)
        user = data.pop("user", None) or {}
        data["task_id"] = data.pop("task", None)
        return UsageFilters(**data, user_id=user.get("id"), user_email=user.get("email"))


class AnalyticsQuery(_RangeQuery):
    group_by = serializers.ChoiceField(choices=sorted(GROUP_BY_FIELDS))

    def filters(self) -> UsageFilters:
        return UsageFilters(start=self.validated_data.get("start"), end=self.validated_data.get("end"))


class AuditLogQuery(_RangeQuery):
    action = serializers.CharField(required=False, max_length=64)
    actor = UserRefField(required=False, max_length=254, help_text="User id or email.")


class UsageRecordSerializer(serializers.ModelSerializer):
    """A caller's own record: no content, no other people's data."""

    class Meta:
        model = UsageRecord
        fields = [
            "request_id",
            "created_at",
            "model_name",
            "provider",
            "upstream_model",
            "endpoint",
            "task_id",
            "token_prefix",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "usage_estimated",
            "latency_ms",
            "ttft_ms",
            "http_status",
            "status",
            "error_code",
            "is_stream",
        ]
        read_only_fields = fields


class AdminUsageRecordSerializer(UsageRecordSerializer):
    user_email = serializers.EmailField(source="user.email", default=None, read_only=True)

    class Meta(UsageRecordSerializer.Meta):
        fields = [
            *UsageRecordSerializer.Meta.fields,
            "user_id",
            "user_email",
            "token_id",
            "email_hash",
            "deployment_id",
            "intent",
            "intent_confidence",
            "risk_categories",
            "risk_score",
            "deviation",
            "verdict",
            "flagged",
            "client_ip",
            "prompt_content",
            "response_content",
        ]
        read_only_fields = fields


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = [
            "id",
            "created_at",
            "actor_id",
            "actor_email",
            "action",
            "target_type",
            "target_id",
            "ip_address",
            "user_agent",
            "request_id",
            "metadata",
        ]
        read_only_fields = fields


# --- response shapes (documentation: the OpenAPI schema) ---------------------------------------


class UsageTotalsSerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()
    # Schema only: these totals are rendered from plain dicts, where a Decimal becomes a JSON number.
    cost_usd = serializers.FloatField()


class UsagePeriodsSerializer(serializers.Serializer):
    today = UsageTotalsSerializer()
    month = UsageTotalsSerializer()
    all_time = UsageTotalsSerializer()


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()
    mfa_enabled = serializers.BooleanField(allow_null=True)
    usage = UsagePeriodsSerializer()


class AnalyticsRowSerializer(UsageTotalsSerializer):
    group = serializers.CharField(allow_null=True, help_text="Day (ISO date), user id, model or provider.")
    email = serializers.EmailField(required=False, allow_null=True, help_text="group_by=user only.")
    errors = serializers.IntegerField()
    latency_p50_ms = serializers.FloatField(allow_null=True)
    latency_p95_ms = serializers.FloatField(allow_null=True)


class AnalyticsSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    results = AnalyticsRowSerializer(many=True)
