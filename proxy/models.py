"""The model registry (models clients name → deployments that serve them) and declared tasks."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class Task(models.Model):
    """A declared purpose. Requests may carry `task_id`; the guard scores prompts against it."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    allowed_intents = models.JSONField(default=list, blank=True, help_text="Intents that fit this task.")
    assigned_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="tasks")
    assigned_to_everyone = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LLMModel(models.Model):
    """A model name clients send, with its prices and capabilities."""

    name = models.CharField(max_length=120, unique=True, help_text='What clients send as "model".')
    description = models.CharField(max_length=300, blank=True)
    input_price_per_mtok = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    output_price_per_mtok = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    context_window = models.PositiveIntegerField(default=128_000)
    max_output_tokens = models.PositiveIntegerField(
        default=4096, help_text="Cap reserved when max_tokens is absent."
    )
    supports_streaming = models.BooleanField(default=True)
    supports_tools = models.BooleanField(default=True)
    supports_vision = models.BooleanField(default=False)
    is_enabled = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "model"

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    """One upstream that can serve an LLMModel. Only operators set these (base URLs included)."""

    class Provider(models.TextChoices):
        OPENAI = "openai", "OpenAI"
        AZURE = "azure", "Azure OpenAI"
        OPENAI_COMPATIBLE = "openai_compatible", "OpenAI-compatible"
        ANTHROPIC = "anthropic", "Anthropic"
        GEMINI = "gemini", "Gemini"
        MOCK = "mock", "Mock (built in)"

    model = models.ForeignKey(LLMModel, on_delete=models.CASCADE, related_name="deployments")
    provider = models.CharField(max_length=32, choices=Provider.choices)
    upstream_model = models.CharField(max_length=200)
    base_url = models.URLField(max_length=500, blank=True)
    api_version = models.CharField(max_length=40, blank=True, help_text="Azure OpenAI api-version.")
    api_key_encrypted = models.TextField(blank=True, editable=False)
    api_key_hint = models.CharField(max_length=16, blank=True, editable=False)
    api_key_env = models.CharField(
        max_length=120, blank=True, help_text="Read the key from this environment variable at call time."
    )
    weight = models.PositiveIntegerField(default=1)
    priority = models.IntegerField(
        default=0, help_text="Lower is tried first; weights split traffic within one."
    )
    timeout_seconds = models.FloatField(default=60.0)
    options = models.JSONField(default=dict, blank=True, help_text="Provider options (mock delay, headers).")
    is_enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model", "priority", "id"]

    def __str__(self) -> str:
        return f"{self.model.name} → {self.provider}:{self.upstream_model}"
