"""Access checks for DRF views, on top of `accounts.authentication.BearerAuthentication`."""

from rest_framework.permissions import BasePermission

from accounts.authentication import principal_for_user
from accounts.models import APIToken
from accounts.principal import Principal
from guardflow_site.errors import GuardflowError


def request_principal(request) -> Principal | None:
    """The caller's Principal. Without one set by BearerAuthentication (e.g. a session login or
    `force_authenticate` in tests) a signed-in person gets the JWT-style principal: every scope."""
    principal = getattr(getattr(request, "_request", request), "principal", None)
    if principal is not None:
        return principal
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or isinstance(request.auth, APIToken):
        return None
    return principal_for_user(user)


class IsOperator(BasePermission):
    """Operator role, signed in as a person (JWT): API tokens never reach operator endpoints."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if isinstance(request.auth, APIToken):
            raise GuardflowError(
                "Operator endpoints need a login session (JWT), not an API token.",
                code="insufficient_scope",
                status=403,
            )
        if not user.is_operator:
            raise GuardflowError("This endpoint is for operators.", code="operator_required", status=403)
        return True


class IsPersonSession(BasePermission):
    """A JWT login (not an API token): for managing credentials."""

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, APIToken):
            raise GuardflowError(
                "This action needs a login session (JWT), not an API token.",
                code="insufficient_scope",
                status=403,
            )
        return True


# Named like a class because it is used like one: permission_classes = [HasScope("chats")].
def HasScope(scope: str) -> type[BasePermission]:
    """Permission class requiring `scope` of API tokens; JWT sessions hold every scope."""

    class _HasScope(BasePermission):
        def has_permission(self, request, view) -> bool:
            principal = request_principal(request)
            if principal is None:
                return False
            if scope not in principal.scopes:
                raise GuardflowError(
                    f"This API token lacks the `{scope}` scope.", code="insufficient_scope", status=403
                )
            return True

    _HasScope.__name__ = f"HasScope_{scope.replace(':', '_')}"
    return _HasScope
