from django import forms
from django.contrib import admin

from proxy.models import Deployment, LLMModel, Task
from proxy.services.registry import deployment_set_api_key


class DeploymentForm(forms.ModelForm):
    """The credential is write-only: typed in, stored encrypted, never shown back (only a hint)."""

    base_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    api_key = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored key. Stored encrypted.",
    )

    class Meta:
        model = Deployment
        fields = (
            "provider",
            "upstream_model",
            "base_url",
            "api_version",
            "api_key",
            "api_key_env",
            "weight",
            "priority",
            "timeout_seconds",
            "options",
            "is_enabled",
        )

    def save(self, commit: bool = True) -> Deployment:
        deployment = super().save(commit=False)
        if self.cleaned_data.get("api_key"):
            deployment_set_api_key(deployment=deployment, api_key=self.cleaned_data["api_key"])
        if commit:
            deployment.save()
        return deployment


class DeploymentInline(admin.StackedInline):
    model = Deployment
    form = DeploymentForm
    extra = 0
    readonly_fields = ("api_key_hint",)


@admin.register(LLMModel)
class LLMModelAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_enabled",
        "input_price_per_mtok",
        "output_price_per_mtok",
        "context_window",
        "supports_streaming",
        "supports_tools",
        "supports_vision",
    )
    list_filter = ("is_enabled", "supports_tools", "supports_vision", "deployments__provider")
    search_fields = ("name", "description", "deployments__upstream_model")
    inlines = [DeploymentInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "assigned_to_everyone", "created_at")
    list_filter = ("is_active", "assigned_to_everyone")
    search_fields = ("name", "description")
    filter_horizontal = ("assigned_users",)
