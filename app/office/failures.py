"""What an office call's failure (``SyncError``) says to a person: one catalogue key per
kind, the same on every office screen, and the server's own reason for a refusal."""

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


def failure_words(t, exc, refused_key: str) -> str:
    """The words for a failed office call: ``refused_key`` (a message taking ``why``) with
    the server's reason when it explained a refusal, else the failure kind's."""
    if exc.kind == "refused":
        return t(refused_key, why=exc.message)
    return t(failure_key(exc.kind))
