"""A test-only urlconf: small views that fail in each way, mounted under /api/v1/ and /v1/."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework import exceptions, permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from guardflow_site.errors import GuardflowError

LEAKY_DETAIL = "boom: SECRET_KEY=do-not-leak-this"


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=10)
    count = serializers.IntegerField(min_value=1)


@api_view(["POST"])
@permission_classes([permissions.AllowAny])
def validate_item(request: Request) -> Response:
    serializer = ItemSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(serializer.validated_data, status=201)


@api_view(["GET"])
def private(request: Request) -> Response:  # default permission: IsAuthenticated
    return Response({"ok": True})


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def forbidden(request: Request) -> Response:
    raise exceptions.PermissionDenied("Operators only.")


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def django_forbidden(request: Request) -> Response:
    raise DjangoPermissionDenied


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def missing(request: Request) -> Response:
    raise Http404("No such chat.")


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def crash(request: Request) -> Response:
    raise RuntimeError(LEAKY_DETAIL)


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def deliberate(request: Request) -> Response:
    raise GuardflowError("Quota exceeded.", code="quota_exceeded", status=429, headers={"Retry-After": "7"})


def plain_crash(request: HttpRequest) -> JsonResponse:
    raise RuntimeError(LEAKY_DETAIL)


def plain_deliberate(request: HttpRequest) -> JsonResponse:
    raise GuardflowError("Unknown model.", code="model_not_found", status=404, param="model")


failing = [
    path("validate", validate_item),
    path("private", private),
    path("forbidden", forbidden),
    path("django-forbidden", django_forbidden),
    path("missing", missing),
    path("crash", crash),
    path("deliberate", deliberate),
    path("plain-crash", plain_crash),
    path("plain-deliberate", plain_deliberate),
]

urlpatterns = [
    path("api/v1/", include(failing)),
    path("v1/", include(failing)),
    path("", include("guardflow_site.urls")),
]

handler400 = "guardflow_site.errors.handler400"
handler403 = "guardflow_site.errors.handler403"
handler404 = "guardflow_site.errors.handler404"
handler500 = "guardflow_site.errors.handler500"
