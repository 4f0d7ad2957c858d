"""Reads for the guard's review queue."""

from django.db.models import QuerySet
from django.http import Http404

from proxy.guard.models import GuardReview


def guard_review_list(
    *,
    category: str | None = None,
    user_id: int | None = None,
    min_score: float | None = None,
    status: str | None = None,
) -> QuerySet[GuardReview]:
    reviews = GuardReview.objects.select_related("user").order_by("-created_at", "-id")
    if category:
        reviews = reviews.filter(top_category=category)
    if user_id is not None:
        reviews = reviews.filter(user_id=user_id)
    if min_score is not None:
        reviews = reviews.filter(score__gte=min_score)
    if status:
        reviews = reviews.filter(status=status)
    return reviews


def guard_review_get(*, request_id: str) -> GuardReview:
    review = GuardReview.objects.filter(request_id=request_id).first()
    if review is None:
        raise Http404("No flagged request with this id.")
    return review
