"""The PIN lock: 4-6 digits, stored only as a salted PBKDF2 hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

MAX_TRIES = 5
_ITERATIONS = 200_000


def is_valid_pin(pin: str) -> bool:
    return pin.isdigit() and pin.isascii() and 4 <= len(pin) <= 6


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``"pbkdf2$<iterations>$<salt b64>$<hash b64>"``; raises ValueError for a bad PIN."""
    if not is_valid_pin(pin):
        raise ValueError("PIN must be 4-6 digits")
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, _ITERATIONS)
    b64 = base64.b64encode
    return f"pbkdf2${_ITERATIONS}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt_b64, digest_b64 = stored.split("$")
        if scheme != "pbkdf2":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)
