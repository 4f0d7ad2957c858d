"""Self-service API tokens: list (JWT or token), create and revoke (login session only)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import User
from accounts.permissions import IsPersonSession
from accounts.serializers import TokenCreateInput, TokenOutput
from accounts.views.common import validated
from guardflow_site.errors import GuardflowError
from guardflow_site.pagination import DefaultPagination


def _task_for(user: User, task_id: int | None):
    """The bound task must exist, be active and be assigned to the token's owner."""
    if task_id is None:
        return None
    from proxy.models import Task  # the proxy app owns tasks; only read here

    task = Task.objects.filter(pk=task_id, is_active=True).first()
    assigned = task is not None and (
        task.assigned_to_everyone or user.is_operator or task.assigned_users.filter(pk=user.pk).exists()
    )
    if not assigned:
        raise GuardflowError("No such task for this user.", code="invalid_task", param="task_id")
    return task


def token_create_from(*, data: dict, user: User, actor: User, request: Request) -> dict:
    """Shared by the self-service and operator endpoints: create, return once with the value."""
    task = _task_for(user, data.pop("task_id", None))
    token, value = services.api_token_create(
        user=user,
        name=data.pop("name"),
        scopes=data.pop("scopes"),
        expires_at=data.pop("expires_at", None),
        allowed_models=data.pop("allowed_models", None),
        task=task,
        limits=data,
        actor=actor,
        request=request,
    )
    return {**TokenOutput(token).data, "token": value}


def paginated(view: APIView, request: Request, queryset, serializer_class) -> Response:
    paginator = DefaultPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class TokenListView(APIView):
    pagination_class = DefaultPagination  # what `paginated` uses; lets the schema show the envelope
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated(self, request, selectors.api_token_list_for_user(user=request.user), TokenOutput)

    @extend_schema(request=TokenCreateInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        IsPersonSession().has_permission(request, self)
        data = dict(validated(TokenCreateInput, request.data))
        return Response(
            token_create_from(data=data, user=request.user, actor=request.user, request=request), 201
        )


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated, IsPersonSession]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        token = selectors.api_token_get_for_user(user=request.user, token_id=token_id)
        services.api_token_revoke(token=token, actor=request.user, request=request)
        return Response(status=204)
