"""Password validators added to Django's (length, similarity, common list, numeric)."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Very long passwords only cost hashing time; 128 characters is plenty for a passphrase."""

    def __init__(self, max_length: int | None = None) -> None:
        self.max_length = max_length

    def _limit(self) -> int:
        return self.max_length or settings.PASSWORD_MAX_LENGTH

    def validate(self, password: str, user=None) -> None:
        if len(password) > self._limit():
            raise ValidationError(
                f"This password is too long. It must contain at most {self._limit()} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at most {self._limit()} characters."


class PasswordHistoryValidator:
    """Refuse the current password and the last PASSWORD_HISTORY_COUNT ones (0 disables)."""

    def validate(self, password: str, user=None) -> None:
        count = settings.PASSWORD_HISTORY_COUNT
        if count <= 0 or user is None or not getattr(user, "pk", None):
            return
        # The stored hash is the current password; history rows hold the ones before it.
        hashes = [user.password] if user.has_usable_password() else []
        hashes += list(user.password_history.values_list("password_hash", flat=True)[: max(count - 1, 0)])
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                f"This password was used recently. Choose one you have not used in your last {count}.",
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be one of your recent passwords."
