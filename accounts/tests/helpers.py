"""Small helpers for the accounts tests."""

import pyotp
from django.core import mail
from django.utils import timezone

PASSWORD = "correct-horse-battery-staple-42"


def token_from_last_mail() -> str:
    """The token sits on the line after the one ending in 'single use):'."""
    lines = mail.outbox[-1].body.splitlines()
    index = next(i for i, line in enumerate(lines) if line.endswith("single use):"))
    return lines[index + 1].strip()


def login(client, email: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/login", {"email": email, "password": password}, format="json")


def bearer(client, access_token: str) -> None:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")


def totp_code(secret: str, offset_steps: int = 0) -> str:
    now = int(timezone.now().timestamp()) + 30 * offset_steps
    return pyotp.TOTP(secret).at(now)


def post(client, path: str, data: dict | None = None):
    return client.post(path, data if data is not None else {}, format="json")
