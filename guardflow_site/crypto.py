"""Encryption at rest for provider credentials (Fernet via `cryptography`).

Keys come from `CREDENTIALS_ENCRYPTION_KEYS` (comma-separated Fernet keys, newest first, so a
key can be rotated without losing stored secrets); without it a key is derived from SECRET_KEY.
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"guardflow-credentials", info=b"fernet")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@functools.cache
def _fernet() -> MultiFernet:
    configured = [k.strip() for k in getattr(settings, "CREDENTIALS_ENCRYPTION_KEYS", []) if k.strip()]
    keys = [Fernet(k) for k in configured] or [Fernet(_derived_key(settings.SECRET_KEY))]
    return MultiFernet(keys)


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt_secret(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("stored credential cannot be decrypted with the configured keys") from exc


def mask_secret(plaintext: str) -> str:
    """What a person may see of a credential: that it exists, and its last 4 characters."""
    if not plaintext:
        return ""
    return "****" + plaintext[-4:] if len(plaintext) > 8 else "****"
