"""MFA endpoints: enrol, enable, disable, regenerate backup codes, and the login second step."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.permissions import IsPersonSession
from accounts.serializers import CodeInput, MFADisableInput, MFAVerifyInput, StrictSerializer
from accounts.views.auth import PublicView
from accounts.views.common import rate_limit, validated


class SessionView(APIView):
    permission_classes = [IsAuthenticated, IsPersonSession]


class MFASetupView(SessionView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        validated(StrictSerializer, request.data)  # no fields: refuses stray input
        return Response(services.mfa_setup(user=request.user, request=request))


class MFAEnableView(SessionView):
    @extend_schema(request=CodeInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "mfa_verify")  # these take a code too: no brute force
        data = validated(CodeInput, request.data)
        codes = services.mfa_enable(user=request.user, code=data["code"], request=request)
        return Response({"mfa_enabled": True, "backup_codes": codes})


class MFADisableView(SessionView):
    @extend_schema(request=MFADisableInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "mfa_verify")  # these take a code too: no brute force
        data = validated(MFADisableInput, request.data)
        services.mfa_disable(user=request.user, **data, request=request)
        return Response({"mfa_enabled": False})


class MFABackupCodesView(SessionView):
    @extend_schema(request=CodeInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "mfa_verify")  # these take a code too: no brute force
        data = validated(CodeInput, request.data)
        codes = services.mfa_backup_codes_regenerate(user=request.user, code=data["code"], request=request)
        return Response({"backup_codes": codes})


class MFAVerifyView(PublicView):
    @extend_schema(request=MFAVerifyInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "mfa_verify")
        data = validated(MFAVerifyInput, request.data)
        return Response(services.auth_mfa_verify(**data, request=request))
