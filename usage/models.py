"""Usage and audit records. The audit log is append-only: every security-relevant event."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLog(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True, help_text="As it was at the time.")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_email or 'system'}"


class UsageRecord(models.Model):
    """One row per gateway request, success or failure, written by `usage.services.usage_record_submit`."""

    class Endpoint(models.TextChoices):
        CHAT_COMPLETIONS = "chat.completions", "OpenAI chat completions"
        MESSAGES = "messages", "Anthropic messages"
        CHAT = "chat", "Chat workspace"
        WORKFLOW = "workflow", "Workflow / agent"
        GUARD_JUDGE = "guard_judge", "Guard's LLM judge (the gateway's own call)"

    class Status(models.TextChoices):
        SUCCESS = "success", "Success"
        UPSTREAM_ERROR = "upstream_error", "Upstream error"
        REJECTED_LIMIT = "rejected_limit", "Rejected by limits"
        REJECTED_AUTH = "rejected_auth", "Rejected by auth"
        REJECTED_GUARD = "rejected_guard", "Rejected by guard"
        INVALID_REQUEST = "invalid_request", "Invalid request"
        CLIENT_CLOSED = "client_closed", "Client closed"
        ERROR = "error", "Internal error"

    class Verdict(models.TextChoices):
        ALLOW = "allow", "Allow"
        FLAG = "flag", "Flag"
        BLOCK = "block", "Block"

    request_id = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_records",
    )
    # A plain id on purpose: keeps usage independent of the token model (and history survives deletion).
    token_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    token_prefix = models.CharField(max_length=32, blank=True)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    task = models.ForeignKey(
        "proxy.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_records"
    )
    model_name = models.CharField(max_length=120, blank=True)
    provider = models.CharField(max_length=32, blank=True)
    deployment = models.ForeignKey(
        "proxy.Deployment", null=True, blank=True, on_delete=models.SET_NULL, related_name="usage_records"
    )
    upstream_model = models.CharField(max_length=200, blank=True)
    endpoint = models.CharField(max_length=32, choices=Endpoint.choices, default=Endpoint.CHAT_COMPLETIONS)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal("0"))
    usage_estimated = models.BooleanField(default=False)
    latency_ms = models.PositiveIntegerField(default=0)
    ttft_ms = models.PositiveIntegerField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(default=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUCCESS)
    error_code = models.CharField(max_length=64, blank=True)
    is_stream = models.BooleanField(default=False)
    intent = models.CharField(max_length=64, blank=True)
    intent_confidence = models.FloatField(null=True, blank=True)
    risk_categories = models.JSONField(default=dict, blank=True, help_text="category → score")
    risk_score = models.FloatField(null=True, blank=True)
    deviation = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    flagged = models.BooleanField(default=False, db_index=True)
    # NULL means "not stored" (content storage off), distinct from an empty prompt.
    prompt_content = models.TextField(null=True, blank=True)  # noqa: DJ001
    response_content = models.TextField(null=True, blank=True)  # noqa: DJ001
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["model_name", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["task", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.model_name} {self.status}"
