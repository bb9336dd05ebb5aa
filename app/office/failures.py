"""What an office call's failure kind (``SyncError.kind``) says to a person: one catalogue
key each, the same on every office screen."""

from __future__ import annotations

_KEYS = {
    "network": "office.err.offline",
    "timeout": "office.err.offline",
    "forbidden": "office.err.forbidden",
    "auth": "office.err.auth",
}


def failure_key(kind: str) -> str:
    """The catalogue key for a failed office call of ``kind``; the server's trouble else."""
    return _KEYS.get(kind, "office.err.server")
