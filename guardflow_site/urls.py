"""Top-level routes. Each app owns its endpoints in its own urls module."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from guardflow_site import health, metrics

admin.site.site_header = "Guardflow"
admin.site.site_title = "Guardflow"
admin.site.index_title = "Guardflow operations"

api_v1 = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("accounts.urls")),
    path("", include("usage.urls")),
    path("", include("proxy.urls")),
    path("", include("chats.urls")),
    path("", include("workflows.urls")),
]

urlpatterns = [
    path("health", health.liveness, name="health"),
    path("health/ready", health.readiness, name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # The gateway again under /v1 so an SDK's base_url may be http://host/v1.
    path("v1/", include("proxy.gateway_urls")),
]

handler400 = "guardflow_site.errors.handler400"
handler403 = "guardflow_site.errors.handler403"
handler404 = "guardflow_site.errors.handler404"
handler500 = "guardflow_site.errors.handler500"
