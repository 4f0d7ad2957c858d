"""Validation and rendering for the model registry and tasks (admin API and load_models)."""

import os

from django.core.validators import URLValidator
from django.db import transaction
from rest_framework import serializers

from proxy.models import Deployment, LLMModel, Task

PROVIDERS_NEEDING_BASE_URL = {Deployment.Provider.AZURE, Deployment.Provider.OPENAI_COMPATIBLE}


def _contains_nul(value: object) -> bool:
    """Whether a JSON value holds a NUL in any key or string; PostgreSQL's jsonb refuses those
    (a 500 on save). Iterative, so a deeply nested body cannot exhaust the stack here."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class DeploymentSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="upstream_model", max_length=200)
    api_key = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=4096)
    api_key_masked = serializers.CharField(source="api_key_hint", read_only=True)
    timeout = serializers.FloatField(source="timeout_seconds", required=False, min_value=0.1, max_value=600)
    # URLField accepts http(s) only (Django's URLValidator default schemes are http, https, ftp(s)).
    base_url = serializers.CharField(required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Deployment
        fields = (
            "id",
            "provider",
            "model",
            "base_url",
            "api_version",
            "api_key",
            "api_key_env",
            "api_key_masked",
            "weight",
            "priority",
            "timeout",
            "options",
            "is_enabled",
        )
        read_only_fields = ("id",)

    def validate_api_key(self, value: str) -> str:
        if value.startswith("env:"):
            name = value[4:]
            if not name or name not in os.environ:
                raise serializers.ValidationError(f"Environment variable {name or '(empty)'} is not set.")
            return os.environ[name]
        return value

    def validate_base_url(self, value: str) -> str:
        if value:
            URLValidator(schemes=["http", "https"])(value)
        return value

    def validate_options(self, value: object) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object.")
        if _contains_nul(value):
            raise serializers.ValidationError("Must not contain NUL characters.")
        return value

    def validate(self, attrs: dict) -> dict:
        provider = attrs.get("provider")
        if provider in PROVIDERS_NEEDING_BASE_URL and not attrs.get("base_url"):
            raise serializers.ValidationError({"base_url": f"Required for provider {provider}."})
        if provider == Deployment.Provider.AZURE and not attrs.get("api_version"):
            raise serializers.ValidationError({"api_version": "Required for provider azure."})
        return attrs


class CapabilitiesSerializer(serializers.Serializer):
    streaming = serializers.BooleanField(required=False)
    tools = serializers.BooleanField(required=False)
    vision = serializers.BooleanField(required=False)


class LLMModelSerializer(serializers.ModelSerializer):
    deployments = DeploymentSerializer(many=True, required=False)
    capabilities = CapabilitiesSerializer(required=False, write_only=True)
    enabled = serializers.BooleanField(source="is_enabled", required=False)
    name = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,119}$", max_length=120)
    input_price_per_mtok = serializers.DecimalField(
        max_digits=12, decimal_places=6, min_value=0, required=False
    )
    output_price_per_mtok = serializers.DecimalField(
        max_digits=12, decimal_places=6, min_value=0, required=False
    )

    class Meta:
        model = LLMModel
        fields = (
            "id",
            "name",
            "description",
            "input_price_per_mtok",
            "output_price_per_mtok",
            "context_window",
            "max_output_tokens",
            "supports_streaming",
            "supports_tools",
            "supports_vision",
            "capabilities",
            "enabled",
            "deployments",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "created_at", "updated_at")
        extra_kwargs = {"name": {"validators": []}}

    def validate_name(self, value: str) -> str:
        existing = LLMModel.objects.filter(name=value)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists() and not self.context.get("upsert"):
            raise serializers.ValidationError("A model with this name already exists.")
        return value

    def validate(self, attrs: dict) -> dict:
        capabilities = attrs.pop("capabilities", {})
        for key in ("streaming", "tools", "vision"):
            if key in capabilities:
                attrs[f"supports_{key}"] = capabilities[key]
        if self.instance is None and not attrs.get("deployments"):
            raise serializers.ValidationError({"deployments": "At least one deployment is required."})
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict) -> LLMModel:
        from proxy.services.registry import model_upsert

        return model_upsert(data=validated_data)

    @transaction.atomic
    def update(self, instance: LLMModel, validated_data: dict) -> LLMModel:
        from proxy.services.registry import model_update

        return model_update(model=instance, data=validated_data)


class TaskSerializer(serializers.ModelSerializer):
    assigned_users = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Task.assigned_users.field.related_model.objects.all()
    )
    allowed_intents = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["coding", "writing", "analysis", "data", "translation", "math", "general_chat", "other"]
        ),
        required=False,
    )

    class Meta:
        model = Task
        fields = (
            "id",
            "name",
            "description",
            "allowed_intents",
            "assigned_users",
            "assigned_to_everyone",
            "is_active",
            "created_at",
        )
        read_only_fields = ("id", "created_at")
