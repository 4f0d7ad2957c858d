"""Accounts endpoints under /api/v1/."""

from django.urls import path

from accounts.views import admin_users, auth, mfa, tokens

urlpatterns = [
    path("auth/register", auth.RegisterView.as_view(), name="auth-register"),
    path("auth/verify-email", auth.VerifyEmailView.as_view(), name="auth-verify-email"),
    path("auth/resend-verification", auth.ResendVerificationView.as_view(), name="auth-resend-verification"),
    path("auth/login", auth.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", auth.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/forgot-password", auth.ForgotPasswordView.as_view(), name="auth-forgot-password"),
    path("auth/reset-password", auth.ResetPasswordView.as_view(), name="auth-reset-password"),
    path("auth/change-password", auth.ChangePasswordView.as_view(), name="auth-change-password"),
    path("auth/me", auth.MeView.as_view(), name="auth-me"),
    path("auth/mfa/setup", mfa.MFASetupView.as_view(), name="auth-mfa-setup"),
    path("auth/mfa/enable", mfa.MFAEnableView.as_view(), name="auth-mfa-enable"),
    path("auth/mfa/disable", mfa.MFADisableView.as_view(), name="auth-mfa-disable"),
    path("auth/mfa/backup-codes", mfa.MFABackupCodesView.as_view(), name="auth-mfa-backup-codes"),
    path("auth/mfa/verify", mfa.MFAVerifyView.as_view(), name="auth-mfa-verify"),
    path("user/tokens", tokens.TokenListView.as_view(), name="user-tokens"),
    path("user/tokens/<int:token_id>", tokens.TokenDetailView.as_view(), name="user-token-detail"),
    path("admin/users", admin_users.AdminUserListView.as_view(), name="admin-users"),
    path("admin/users/<int:user_id>", admin_users.AdminUserDetailView.as_view(), name="admin-user-detail"),
    path(
        "admin/users/<int:user_id>/block", admin_users.AdminUserBlockView.as_view(), name="admin-user-block"
    ),
    path(
        "admin/users/<int:user_id>/unblock",
        admin_users.AdminUserUnblockView.as_view(),
        name="admin-user-unblock",
    ),
    path(
        "admin/users/<int:user_id>/unlock",
        admin_users.AdminUserUnlockView.as_view(),
        name="admin-user-unlock",
    ),
    path(
        "admin/users/<int:user_id>/mfa-reset",
        admin_users.AdminUserMFAResetView.as_view(),
        name="admin-user-mfa-reset",
    ),
    path(
        "admin/users/<int:user_id>/tokens",
        admin_users.AdminUserTokensView.as_view(),
        name="admin-user-tokens",
    ),
]
