from django.urls import path, register_converter

from proxy.guard import views


class RequestIdConverter:
    """Request ids are short and plain (as the request-id middleware makes and accepts them);
    anything else is not a review, and must not reach the database (NUL bytes would)."""

    regex = r"[A-Za-z0-9._:-]{1,128}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RequestIdConverter, "request_id")

urlpatterns = [
    path("admin/guard/reviews", views.ReviewListView.as_view(), name="guard-reviews"),
    path(
        "admin/guard/reviews/<request_id:request_id>/false-positive",
        views.ReviewFalsePositiveView.as_view(),
        name="guard-review-false-positive",
    ),
]
