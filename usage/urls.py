from django.urls import path

from usage import views

urlpatterns = [
    path("user/profile", views.ProfileView.as_view(), name="user-profile"),
    path("user/usage", views.UserUsageView.as_view(), name="user-usage"),
    path("admin/logs", views.AdminLogsView.as_view(), name="admin-logs"),
    path("admin/analytics/usage", views.AdminAnalyticsView.as_view(), name="admin-analytics-usage"),
    path("admin/audit-logs", views.AdminAuditLogsView.as_view(), name="admin-audit-logs"),
]
