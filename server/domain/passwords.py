"""Password hashing with argon2id (argon2-cffi).

``hash_password`` gives a self-describing PHC string (parameters and salt included), so the
cost can be raised later without breaking stored hashes; ``verify_password`` never raises on
a wrong or malformed hash, it just answers False.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (a fresh random salt each call)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for any malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password")


def spend_verify() -> None:
    """Spend the time of one verification (used for unknown users, so response time does
    not tell whether a username exists)."""
    verify_password(_dummy_hash(), "wrong-password")


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
