"""Auth endpoints for people: register, verify, login, refresh, logout, passwords, me."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.permissions import IsPersonSession
from accounts.serializers import (
    ChangePasswordInput,
    EmailInput,
    LoginInput,
    MeOutput,
    RefreshInput,
    RegisterInput,
    ResetPasswordInput,
    TokenInput,
)
from accounts.views.common import rate_limit, validated


class PublicView(APIView):
    """No credential needed (and a stale Authorization header must not get in the way)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class RegisterView(PublicView):
    @extend_schema(request=RegisterInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "register")
        data = validated(RegisterInput, request.data)
        services.user_register(**data, request=request)
        # The same answer whether or not the address already had an account.
        return Response(
            {
                "email": data["email"].lower(),
                "email_verification_required": settings.REQUIRE_EMAIL_VERIFICATION,
                "message": "Account created. Check your email to verify your address.",
            },
            status=201,
        )


class VerifyEmailView(PublicView):
    @extend_schema(request=TokenInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "verify_email")
        data = validated(TokenInput, request.data)
        user = services.user_email_verify(token=data["token"], request=request)
        return Response({"email": user.email, "email_verified": True})


class ResendVerificationView(PublicView):
    @extend_schema(request=EmailInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "resend_verification")
        data = validated(EmailInput, request.data)
        services.user_verification_resend(email=data["email"], request=request)
        return Response({"message": "If the address needs verifying, a new email is on its way."})


class LoginView(PublicView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=LoginInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "login")
        data = validated(LoginInput, request.data)
        return Response(services.auth_login(email=data["email"], password=data["password"], request=request))


class RefreshView(PublicView):
    @extend_schema(request=RefreshInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "refresh")
        data = validated(RefreshInput, request.data)
        return Response(services.auth_refresh(refresh_token=data["refresh_token"]))


class LogoutView(PublicView):
    @extend_schema(request=RefreshInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "refresh")
        data = validated(RefreshInput, request.data)
        services.auth_logout(refresh_token=data["refresh_token"], user=None, request=request)
        return Response({"message": "Logged out."})


class ForgotPasswordView(PublicView):
    @extend_schema(request=EmailInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "password")
        data = validated(EmailInput, request.data)
        services.user_password_forgot(email=data["email"], request=request)
        return Response({"message": "If the address has an account, a reset email is on its way."})


class ResetPasswordView(PublicView):
    @extend_schema(request=ResetPasswordInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "password")
        data = validated(ResetPasswordInput, request.data)
        services.user_password_reset(token=data["token"], new_password=data["new_password"], request=request)
        return Response({"message": "Password changed. Log in with the new password."})


class ChangePasswordView(APIView):
    permission_classes = [IsAuthenticated, IsPersonSession]

    @extend_schema(request=ChangePasswordInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        rate_limit(request, "password")
        data = validated(ChangePasswordInput, request.data)
        tokens = services.user_password_change(user=request.user, **data, request=request)
        return Response({"message": "Password changed; other sessions were ended.", **tokens})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=MeOutput)
    def get(self, request: Request) -> Response:
        return Response(MeOutput(request.user).data)
