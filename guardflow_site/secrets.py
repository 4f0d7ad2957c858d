"""SECRET_KEY handling: a persistent random key for the embedded default, strict checks in production."""

import secrets
from pathlib import Path

KNOWN_DEFAULT_KEYS = frozenset({"change-me", "changeme", "secret", "django-insecure-change-me"})
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARS = 5


def secret_key_problem(key: str) -> str | None:
    """Return why `key` is not fit for production, or None when it is."""
    if not key:
        return "it is not set"
    if key in KNOWN_DEFAULT_KEYS or key.startswith("django-insecure"):
        return "it is a known default"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"it is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARS:
        return "it has too few distinct characters"
    return None


def load_or_create_dev_secret_key(var_dir: Path) -> str:
    """Keep one random key per checkout so sessions and signed tokens survive restarts."""
    path = var_dir / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    key = secrets.token_urlsafe(64)
    path.write_text(key)
    path.chmod(0o600)
    return key
