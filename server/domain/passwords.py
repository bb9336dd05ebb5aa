"""Password hashing with argon2id (argon2-cffi).

Parameters: argon2id, memory 19 MiB (19,456 KiB), 2 passes, 1 lane: the first of OWASP's
equivalent argon2id settings. One verification took 21 ms on the 2-core test machine when
quiet, 65-165 ms while it was shared and loaded (``python bench/login_bench.py --hash-only``)
and holds 19 MiB while it runs, so a server process hashing ``login_hash_slots`` passwords
at once (server.domain.hash_gate) needs at most that many times 19 MiB for it. The stored
hash is a self-describing PHC string (parameters and salt included): hashes made with other
parameters still verify, and ``check`` hands back a fresh hash with the current parameters
to store after a successful login, so every account moves to the current cost as it signs in.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

_hasher = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (a fresh random salt each call)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for any malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check(password_hash: str, password: str) -> tuple[bool, str | None]:
    """(whether ``password`` matches, a new hash to store if it does and the stored one was
    made with other parameters, else None)."""
    if not verify_password(password_hash, password):
        return False, None
    return True, hash_password(password) if needs_rehash(password_hash) else None


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password")


def spend_verify() -> None:
    """Spend the time of one verification (used for unknown users, so response time does
    not tell whether a username exists)."""
    verify_password(_dummy_hash(), "wrong-password")


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
