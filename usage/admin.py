from django.contrib import admin

from usage.models import AuditLog, UsageRecord


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, nobody edits or deletes it from the admin."""

    list_display = ("created_at", "action", "actor_email", "target_type", "target_id", "ip_address")
    list_filter = ("action", "target_type")
    search_fields = ("actor_email", "target_id", "request_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(UsageRecord)
class UsageRecordAdmin(admin.ModelAdmin):
    """Read-only: usage records are the books. Content shows only when it was stored (redacted)."""

    list_display = (
        "created_at",
        "request_id",
        "user",
        "model_name",
        "provider",
        "status",
        "http_status",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "latency_ms",
        "verdict",
        "flagged",
    )
    list_filter = ("status", "model_name", "provider", "verdict", "flagged", "endpoint", "created_at")
    search_fields = ("request_id", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    raw_id_fields = ("user", "task", "deployment")

    def get_fields(self, request, obj=None) -> list[str]:
        fields = [f.name for f in UsageRecord._meta.fields if f.name != "id"]
        if obj is not None and obj.prompt_content is None and obj.response_content is None:
            fields = [name for name in fields if name not in {"prompt_content", "response_content"}]
        return fields

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return self.get_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
