"""Django admin for people and tokens. Never shows a password hash, token hash or MFA secret:
the password row is plain text with a link to the change form, the rest are not on any form."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.models import APIToken, LimitSettings, User
from usage.services import audit_record

# simplejwt's own admin lists whole refresh tokens: live credentials have no place on a page.
for _model in (OutstandingToken, BlacklistedToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "role")


class UserEditForm(forms.ModelForm):
    """No password field at all (Django's would render a summary of the hash)."""

    class Meta:
        model = User
        fields = ("email", "name", "role", "is_active", "email_verified", *LimitSettings.LIMIT_FIELDS)


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's set-password form, going through the same service as every other change:
    history, password_changed_at, and the end of the user's sessions."""

    def set_password_and_save(self, user, password_field_name="password1", commit=True):  # noqa: S107
        if not self.cleaned_data.get("set_usable_password", True):
            user = super().set_password_and_save(user, password_field_name, commit=commit)
            services.refresh_tokens_revoke_all(user=user)
            return user
        services.user_password_set(user=user, password=self.cleaned_data[password_field_name])
        return user


class BlockedFilter(admin.SimpleListFilter):
    title = "blocked"
    parameter_name = "blocked"

    def lookups(self, request, model_admin):
        return (("yes", "Blocked"), ("no", "Not blocked"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(blocked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(blocked_at__isnull=True)
        return queryset


class APITokenInline(admin.TabularInline):
    model = APIToken
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("name", "prefix", "scopes", "expires_at", "last_used_at", "revoked_at", "created_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # created through the API, where the value can be shown once


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm
    list_display = (
        "email",
        "name",
        "role",
        "is_active",
        "blocked_at",
        "locked_until",
        "created_at",
        "last_login",
    )
    list_filter = ("role", "is_active", BlockedFilter, "email_verified")
    search_fields = ("email", "name")
    ordering = ("-created_at",)
    readonly_fields = (
        "password_status",
        "mfa_status",
        "created_at",
        "updated_at",
        "last_login",
        "blocked_at",
        "blocked_reason",
        "locked_until",
        "failed_login_count",
        "lockout_count",
        "password_changed_at",
    )
    filter_horizontal = ()
    inlines = [APITokenInline]
    fieldsets = (
        (None, {"fields": ("email", "password_status")}),
        ("Profile", {"fields": ("name", "role", "is_active", "email_verified")}),
        ("Security", {"fields": ("mfa_status", "password_changed_at", "failed_login_count", "locked_until")}),
        ("Blocking", {"fields": ("blocked_at", "blocked_reason")}),
        ("Limits", {"fields": LimitSettings.LIMIT_FIELDS}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")}),
    )
    actions = ["block_users", "unblock_users", "unlock_users", "reset_mfa", "revoke_all_tokens"]

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.filter(pk=id).first()
            audit_record(action="password_changed", actor=request.user, target=user, request=request)
        return response

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            audit_record(action="user_created", actor=request.user, target=obj, request=request)
            return
        if "role" in form.changed_data:
            audit_record(
                action="role_changed",
                actor=request.user,
                target=obj,
                request=request,
                metadata={"from": form.initial.get("role"), "to": obj.role},
            )
        if form.changed_data:
            audit_record(
                action="user_updated",
                actor=request.user,
                target=obj,
                request=request,
                metadata={"fields": form.changed_data},
            )

    @admin.display(description="Password")
    def password_status(self, user: User) -> str:
        if not user.pk:
            return "-"
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        state = "Set" if user.has_usable_password() else "Not set"
        return format_html('{} (stored as an Argon2 hash). <a href="{}">Change the password</a>.', state, url)

    @admin.display(description="MFA")
    def mfa_status(self, user: User) -> str:
        return "Enabled" if user.pk and services.mfa_is_enabled(user=user) else "Off"

    @admin.action(description="Block selected users")
    def block_users(self, request, queryset) -> None:
        for user in queryset.exclude(pk=request.user.pk):
            services.user_block(user=user, reason="Blocked by an operator in the admin.", actor=request.user)
        self.message_user(request, "Blocked. Edit the reason on each user if needed.", messages.SUCCESS)

    @admin.action(description="Unblock selected users")
    def unblock_users(self, request, queryset) -> None:
        for user in queryset:
            services.user_unblock(user=user, actor=request.user)
        self.message_user(request, "Unblocked.", messages.SUCCESS)

    @admin.action(description="Unlock selected users (clear failed-login lockout)")
    def unlock_users(self, request, queryset) -> None:
        for user in queryset:
            services.user_unlock(user=user, actor=request.user, request=request)
        self.message_user(request, "Unlocked.", messages.SUCCESS)

    @admin.action(description="Reset MFA of selected users")
    def reset_mfa(self, request, queryset) -> None:
        for user in queryset:
            services.user_mfa_reset(user=user, actor=request.user, request=request)
        self.message_user(request, "MFA reset; they can enrol again.", messages.SUCCESS)

    @admin.action(description="Revoke all API tokens of selected users")
    def revoke_all_tokens(self, request, queryset) -> None:
        for token in APIToken.objects.filter(user__in=queryset, revoked_at__isnull=True):
            services.api_token_revoke(token=token, actor=request.user, request=request)
        self.message_user(request, "Tokens revoked.", messages.SUCCESS)


class TokenStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)
        return queryset


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = (TokenStatusFilter,)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user", "task")
    # token_hash is deliberately absent from every list and form.
    fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "allowed_models",
        "task",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "created_by",
        "created_at",
        *LimitSettings.LIMIT_FIELDS,
    )
    readonly_fields = ("user", "prefix", "last_used_at", "revoked_at", "created_by", "created_at")
    actions = ["revoke_tokens"]

    def has_add_permission(self, request) -> bool:
        return False  # created through the API, where the value can be shown once

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead; usage history points at tokens

    def save_model(self, request, obj: APIToken, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_record(
                action="token_updated",
                actor=request.user,
                target=obj,
                request=request,
                metadata={"fields": form.changed_data},
            )

    @admin.action(description="Revoke selected tokens")
    def revoke_tokens(self, request, queryset) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, actor=request.user, request=request)
        self.message_user(request, "Tokens revoked.", messages.SUCCESS)
