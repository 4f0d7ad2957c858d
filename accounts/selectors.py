"""Account reads. Ownership is checked here, once."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import APIToken, User
from guardflow_site.errors import GuardflowError


def api_token_list_for_user(*, user: User) -> QuerySet[APIToken]:
    return APIToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get_for_user(*, user: User, token_id: int) -> APIToken:
    """The user's token, or 404 (also for other people's tokens: their existence is not revealed)."""
    token = APIToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise GuardflowError("No such token.", code="not_found", status=404)
    return token


def user_get(*, user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise GuardflowError("No such user.", code="not_found", status=404)
    return user


USER_STATUSES = ("active", "blocked", "inactive", "locked", "unverified")


def user_list(*, search: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    users = User.objects.all().order_by("id")
    if search:
        users = users.filter(Q(email__icontains=search) | Q(name__icontains=search))
    if role:
        users = users.filter(role=role)
    return _filter_status(users, status)


def _filter_status(users: QuerySet[User], status: str) -> QuerySet[User]:
    if status == "active":
        return users.filter(is_active=True, blocked_at__isnull=True)
    if status == "blocked":
        return users.filter(blocked_at__isnull=False)
    if status == "inactive":
        return users.filter(is_active=False)
    if status == "locked":
        return users.filter(locked_until__gt=timezone.now())
    if status == "unverified":
        return users.filter(email_verified=False)
    return users
