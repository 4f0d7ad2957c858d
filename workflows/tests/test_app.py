"""The workflows app is installed, owns its tests, and its routes are mounted where clients look."""

from django.apps import apps
from django.urls import get_resolver

import guardflow_site.routing
from workflows import routing, urls


def test_workflows_app_is_installed():
    assert apps.get_app_config("workflows").name == "workflows"


def test_workflows_http_routes_are_mounted_under_api_v1():
    mounted = {
        pattern.urlconf_name
        for api in get_resolver().url_patterns
        if str(api.pattern) == "api/v1/"
        for pattern in api.url_patterns
        if hasattr(pattern, "urlconf_name")
    }
    assert urls in mounted or urls.urlpatterns in mounted


def test_workflows_websocket_routes_are_served_by_the_asgi_router():
    for route in routing.websocket_urlpatterns:
        assert route in guardflow_site.routing.websocket_urlpatterns
