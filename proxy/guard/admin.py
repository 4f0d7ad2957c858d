"""Operators edit policies, thresholds and the allow-list, and work the review queue here."""

import re

from django import forms
from django.contrib import admin, messages

from proxy.guard.models import AllowListEntry, GuardPolicy, GuardReview, GuardSettings, UserRiskState
from proxy.guard.services import guard_review_mark_false_positive, guard_risk_reset


@admin.register(GuardPolicy)
class GuardPolicyAdmin(admin.ModelAdmin):
    list_display = ("category", "action", "threshold", "enabled", "updated_at")
    list_editable = ("action", "threshold", "enabled")
    list_filter = ("action", "enabled")


@admin.register(GuardSettings)
class GuardSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return not GuardSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AllowListEntryForm(forms.ModelForm):
    class Meta:
        model = AllowListEntry
        fields = ("kind", "value", "note")

    def clean(self):
        data = super().clean()
        if data.get("kind") == AllowListEntry.Kind.PATTERN:
            try:
                re.compile(data.get("value") or "")
            except re.error as exc:
                raise forms.ValidationError({"value": f"Not a valid regular expression: {exc}"}) from exc
        if data.get("kind") == AllowListEntry.Kind.HASH and not re.fullmatch(
            r"[0-9a-f]{64}", data.get("value") or ""
        ):
            raise forms.ValidationError({"value": "A hash entry is a 64-character sha256 hex digest."})
        return data


@admin.register(AllowListEntry)
class AllowListEntryAdmin(admin.ModelAdmin):
    form = AllowListEntryForm
    list_display = ("kind", "value", "note", "source_request_id", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "note", "source_request_id")

    def save_model(self, request, obj, form, change) -> None:
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


@admin.register(UserRiskState)
class UserRiskStateAdmin(admin.ModelAdmin):
    list_display = ("user", "score", "updated_at", "warned_at", "blocked_by_guard_at")
    search_fields = ("user__email",)
    readonly_fields = ("user", "score", "updated_at", "warned_at", "blocked_by_guard_at", "evidence")
    actions = ["reset_risk"]

    @admin.action(description="Reset the risk score")
    def reset_risk(self, request, queryset) -> None:
        for state in queryset:
            guard_risk_reset(user_id=state.user_id)
        messages.success(request, f"Reset {queryset.count()} risk score(s).")


@admin.register(GuardReview)
class GuardReviewAdmin(admin.ModelAdmin):
    list_display = ("request_id", "created_at", "user", "verdict", "top_category", "score", "status")
    list_filter = ("status", "verdict", "top_category")
    search_fields = ("request_id", "user__email")
    readonly_fields = [f.name for f in GuardReview._meta.fields]
    actions = ["mark_false_positive"]

    @admin.action(description="Mark as false positive (adds the prompt to the allow-list)")
    def mark_false_positive(self, request, queryset) -> None:
        for review in queryset:
            guard_review_mark_false_positive(request_id=review.request_id, operator=request.user)
        messages.success(request, f"Marked {queryset.count()} request(s) as false positives.")
