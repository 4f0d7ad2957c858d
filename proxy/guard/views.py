"""Operator API for the guard's review queue: list flagged requests, mark a false positive."""

from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsOperator
from proxy.guard.models import GuardReview
from proxy.guard.selectors import guard_review_list
from proxy.guard.services import guard_review_mark_false_positive
from proxy.guard.taxonomy import CATEGORIES


class ReviewQuery(serializers.Serializer):
    category = serializers.ChoiceField(choices=CATEGORIES, required=False)
    user = serializers.IntegerField(min_value=1, required=False)
    min_score = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    status = serializers.ChoiceField(choices=GuardReview.Status.choices, required=False)


class FalsePositiveInput(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    user_email = serializers.CharField(source="user.email", default=None, read_only=True)

    class Meta:
        model = GuardReview
        fields = [
            "request_id",
            "created_at",
            "user",
            "user_email",
            "verdict",
            "top_category",
            "score",
            "categories",
            "intent",
            "status",
            "reviewed_at",
        ]


class ReviewListView(GenericAPIView):
    permission_classes = [IsOperator]
    serializer_class = ReviewSerializer

    def get(self, request: Request) -> Response:
        query = ReviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        reviews = guard_review_list(
            category=data.get("category"),
            user_id=data.get("user"),
            min_score=data.get("min_score"),
            status=data.get("status"),
        )
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)


class ReviewFalsePositiveView(GenericAPIView):
    permission_classes = [IsOperator]
    serializer_class = FalsePositiveInput

    def post(self, request: Request, request_id: str) -> Response:
        payload = FalsePositiveInput(data=request.data or {})
        payload.is_valid(raise_exception=True)
        review, entry = guard_review_mark_false_positive(
            request_id=request_id, operator=request.user, note=payload.validated_data["note"]
        )
        body = ReviewSerializer(review).data
        body["allow_listed"] = entry is not None
        return Response(body)
