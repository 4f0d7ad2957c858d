from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from proxy.views import admin, gateway

urlpatterns = [
    path("", include("proxy.gateway_urls")),
    # Not under the lean gateway stack, so CSRF applies: exempt it (GET-only, bearer auth) so a
    # wrong method is the 405 it is, not a confusing 403 "csrf_failed".
    path("user/quota", csrf_exempt(gateway.rate_limit), name="user-quota"),
    path("admin/models", admin.ModelListView.as_view(), name="admin-models"),
    path("admin/models/<int:model_id>", admin.ModelDetailView.as_view(), name="admin-model"),
    path("admin/tasks", admin.TaskListView.as_view(), name="admin-tasks"),
    path("admin/tasks/<int:task_id>", admin.TaskDetailView.as_view(), name="admin-task"),
    path("", include("proxy.guard.urls")),
]
