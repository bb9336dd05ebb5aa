"""The outbox: mutations waiting for the server, in the order they were made.

A mutation leaves the outbox only when the server answered ``applied`` or ``duplicate`` (the
server remembers every id, so resending after a lost answer is harmless). A ``rejected`` one
stays, with the server's code and message, out of the push queue until the user discards or
resends it. Functions run inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from services.protocol import PHONE_MUTATION_TYPES, PayloadError, check_mutation
from services.rows import dumps, settle


def validate_payload(
    mutation_type: str,
    payload: dict[str, Any],
    questions: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The payload as it goes on the wire, checked by the protocol's rules
    (``check_mutation``, the same the server applies; ``answers`` against ``questions``
    when given). Raises ``PayloadError`` (a ValueError) naming the field (nothing is
    written then)."""
    if mutation_type not in PHONE_MUTATION_TYPES:
        raise PayloadError("forbidden", "type", f"a phone does not send {mutation_type!r:.80}")
    parsed = check_mutation(mutation_type, payload, questions)
    return parsed.model_dump(mode="json", exclude_unset=True)


def _payload(raw: str) -> dict[str, Any] | None:
    """A stored payload; None if it is not a JSON object (an older version may have written
    anything: the engine then sets it aside as unsendable instead of failing every sync)."""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError, RecursionError):  # RecursionError: nested too deep
        return None
    return value if isinstance(value, dict) else None


def enqueue(
    conn: sqlite3.Connection,
    mutation_id: str,
    mutation_type: str,
    entity_id: str,
    payload: dict[str, Any],
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO outbox (id, type, entity_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
        (mutation_id, mutation_type, entity_id, dumps(payload), created_at),
    )


def batch(conn: sqlite3.Connection, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, type, entity_id, payload, created_at FROM outbox"
        " WHERE state = 'pending' ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        {"id": i, "type": t, "entity_id": e, "payload": _payload(p), "created_at": c}
        for i, t, e, p, c in rows
    ]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    out = {"pending": 0, "rejected": 0}
    for state, n in conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state"):
        out[state] = n
    return out


def rejected(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, type, entity_id, payload, code, message, created_at FROM outbox"
        " WHERE state = 'rejected' ORDER BY seq"
    ).fetchall()
    return [
        {
            "id": i,
            "type": t,
            "entity_id": e,
            "payload": _payload(p) or {},
            "code": code,
            "message": msg,
            "created_at": c,
        }
        for i, t, e, p, code, msg, c in rows
    ]


def mark_results(conn: sqlite3.Connection, results: list[Any]) -> set[str]:
    """Record the server's per-mutation answers; returns the local tables touched."""
    tables: set[str] = set()
    for res in results:
        if isinstance(res, BaseModel):
            res = res.model_dump(mode="json")
        mid, status = str(res["id"]), res["status"]
        if status in ("applied", "duplicate"):
            if conn.execute("DELETE FROM outbox WHERE id = ?", (mid,)).rowcount:
                tables |= settle(conn, mid, discard=False)
        elif status == "rejected":
            err = res.get("error") or {}
            conn.execute(
                "UPDATE outbox SET state = 'rejected', code = ?, message = ? WHERE id = ?",
                (err.get("code") or "rejected", err.get("message") or "", mid),
            )
        else:
            raise ValueError(f"unknown mutation status {status!r} for {mid}")
    return tables


def discard(conn: sqlite3.Connection, mutation_id: str) -> set[str]:
    """Drop a rejected mutation and undo its local rows' pending edit."""
    cur = conn.execute("DELETE FROM outbox WHERE id = ? AND state = 'rejected'", (mutation_id,))
    if cur.rowcount == 0:
        raise ValueError(f"no rejected mutation {mutation_id}")
    return settle(conn, mutation_id, discard=True)


def resend(
    conn: sqlite3.Connection,
    mutation_id: str,
    payload: dict[str, Any] | None,
    questions: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Queue a rejected mutation again, optionally with a corrected payload (validated, its
    answers against ``questions`` when given)."""
    row = conn.execute(
        "SELECT type FROM outbox WHERE id = ? AND state = 'rejected'", (mutation_id,)
    ).fetchone()
    if row is None:
        raise ValueError(f"no rejected mutation {mutation_id}")
    if payload is not None:
        payload = validate_payload(row[0], payload, questions)
        conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (dumps(payload), mutation_id))
    conn.execute(
        "UPDATE outbox SET state = 'pending', code = NULL, message = NULL WHERE id = ?",
        (mutation_id,),
    )
