"""Usage read API: thin views (validate the query → one selector → serialise)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsOperator
from usage import selectors
from usage.serializers import (
    AdminLogsQuery,
    AdminUsageRecordSerializer,
    AnalyticsQuery,
    AnalyticsSerializer,
    AuditLogQuery,
    AuditLogSerializer,
    ProfileSerializer,
    UsageRecordSerializer,
    UserUsageQuery,
)


class _PageQuery(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500)


def _validated(query_class: type[serializers.Serializer], request: Request) -> serializers.Serializer:
    """Query parameters through a serializer: junk is a 400 in the error shape, never a 500."""
    _PageQuery(data=request.query_params).is_valid(raise_exception=True)
    query = query_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


class _ListView(GenericAPIView):
    def paginated(self, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _mfa_enabled(user) -> bool | None:
    try:
        from accounts.services import mfa_is_enabled
    except ImportError:  # accounts without MFA: the flag is simply absent
        return None
    return mfa_is_enabled(user=user)


class ProfileView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer

    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "role": user.role,
                "created_at": user.created_at,
                "mfa_enabled": _mfa_enabled(user),
                "usage": selectors.usage_totals_for_user(user=user),
            }
        )


class UserUsageView(_ListView):
    permission_classes = [IsAuthenticated]
    serializer_class = UsageRecordSerializer

    @extend_schema(parameters=[UserUsageQuery], responses=UsageRecordSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = _validated(UserUsageQuery, request)
        records = selectors.usage_records_for_user(user=request.user, filters=query.filters())
        return self.paginated(records)


class AdminLogsView(_ListView):
    permission_classes = [IsOperator]
    serializer_class = AdminUsageRecordSerializer

    @extend_schema(parameters=[AdminLogsQuery], responses=AdminUsageRecordSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = _validated(AdminLogsQuery, request)
        records = selectors.usage_records_list(filters=query.filters())
        return self.paginated(records)


class AdminAnalyticsView(GenericAPIView):
    permission_classes = [IsOperator]
    serializer_class = AnalyticsSerializer

    @extend_schema(parameters=[AnalyticsQuery])
    def get(self, request: Request) -> Response:
        query = _validated(AnalyticsQuery, request)
        group_by = query.validated_data["group_by"]
        rows = selectors.usage_analytics(group_by=group_by, filters=query.filters())
        return Response({"group_by": group_by, "results": rows})


class AdminAuditLogsView(_ListView):
    permission_classes = [IsOperator]
    serializer_class = AuditLogSerializer

    @extend_schema(parameters=[AuditLogQuery], responses=AuditLogSerializer(many=True))
    def get(self, request: Request) -> Response:
        data = _validated(AuditLogQuery, request).validated_data
        actor = data.get("actor") or {}
        logs = selectors.audit_logs_list(
            action=data.get("action"),
            actor_id=actor.get("id"),
            actor_email=actor.get("email"),
            start=data.get("start"),
            end=data.get("end"),
        )
        return self.paginated(logs)
