"""Operator API over users: list/search, create (with a first token), edit, deactivate, block."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.permissions import IsOperator
from accounts.serializers import (
    AdminUserCreateInput,
    AdminUserListQuery,
    AdminUserOutput,
    AdminUserUpdateInput,
    BlockInput,
    StrictSerializer,
    TokenCreateInput,
    TokenOutput,
)
from accounts.views.common import validated
from accounts.views.tokens import paginated, token_create_from
from guardflow_site.errors import GuardflowError
from guardflow_site.pagination import DefaultPagination


class OperatorView(APIView):
    permission_classes = [IsAuthenticated, IsOperator]


class AdminUserListView(OperatorView):
    pagination_class = DefaultPagination  # what `paginated` uses; lets the schema show the envelope

    @extend_schema(parameters=[AdminUserListQuery], responses=AdminUserOutput(many=True))
    def get(self, request: Request) -> Response:
        query = validated(AdminUserListQuery, request.query_params.dict())
        users = selectors.user_list(search=query["search"], role=query["role"], status=query["status"])
        return paginated(self, request, users, AdminUserOutput)

    @extend_schema(request=AdminUserCreateInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = dict(validated(AdminUserCreateInput, request.data))
        user, token, value = services.user_create_by_operator(
            actor=request.user,
            email=data.pop("email"),
            name=data.pop("name"),
            role=data.pop("role"),
            password=data.pop("password", None),
            token_name=data.pop("token_name"),
            token_scopes=data.pop("token_scopes", None),
            limits=data,
            request=request,
        )
        body = {"user": AdminUserOutput(user).data, "api_token": {**TokenOutput(token).data, "token": value}}
        return Response(body, status=201)


class AdminUserDetailView(OperatorView):
    @extend_schema(responses=AdminUserOutput)
    def get(self, request: Request, user_id: int) -> Response:
        return Response(AdminUserOutput(selectors.user_get(user_id=user_id)).data)

    @extend_schema(request=AdminUserUpdateInput, responses=AdminUserOutput)
    def patch(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        data = validated(AdminUserUpdateInput, request.data)
        user = services.user_update_by_operator(actor=request.user, user=user, data=data, request=request)
        return Response(AdminUserOutput(user).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        services.user_deactivate(actor=request.user, user=user, request=request)
        return Response(status=204)


class AdminUserBlockView(OperatorView):
    @extend_schema(request=BlockInput, responses=AdminUserOutput)
    def post(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        data = validated(BlockInput, request.data)
        if user.pk == request.user.pk:
            raise GuardflowError("You cannot block yourself.", code="cannot_modify_self")
        return Response(
            AdminUserOutput(services.user_block(user=user, reason=data["reason"], actor=request.user)).data
        )


class AdminUserUnblockView(OperatorView):
    @extend_schema(request=None, responses=AdminUserOutput)
    def post(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        validated(StrictSerializer, request.data)
        return Response(AdminUserOutput(services.user_unblock(user=user, actor=request.user)).data)


class AdminUserUnlockView(OperatorView):
    @extend_schema(request=None, responses=AdminUserOutput)
    def post(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        validated(StrictSerializer, request.data)
        return Response(
            AdminUserOutput(services.user_unlock(user=user, actor=request.user, request=request)).data
        )


class AdminUserMFAResetView(OperatorView):
    @extend_schema(request=None, responses=AdminUserOutput)
    def post(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        validated(StrictSerializer, request.data)
        services.user_mfa_reset(user=user, actor=request.user, request=request)
        return Response(AdminUserOutput(user).data)


class AdminUserTokensView(OperatorView):
    pagination_class = DefaultPagination  # what `paginated` uses; lets the schema show the envelope

    @extend_schema(responses=TokenOutput(many=True))
    def get(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        return paginated(self, request, selectors.api_token_list_for_user(user=user), TokenOutput)

    @extend_schema(request=TokenCreateInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, user_id: int) -> Response:
        user = selectors.user_get(user_id=user_id)
        data = dict(validated(TokenCreateInput, request.data))
        return Response(token_create_from(data=data, user=user, actor=request.user, request=request), 201)
