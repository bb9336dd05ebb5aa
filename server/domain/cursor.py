"""The pull cursor: opaque to the phone. Inside, ``base64url("1.<seq>.<scope-hash>")`` for a
user of one community (a position in its change sequence), or
``base64url("2.<seq>_<seq>_....<scope-hash>")`` for a street user (one position per community,
in the order of ``Principal.community_ids``; the scope hash names that list)."""

from __future__ import annotations

import base64
import binascii

#: Room for a street of a few dozen communities with 12-digit positions.
MAX_CURSOR_CHARS = 1200


class MalformedCursor(ValueError):
    """Not a cursor this server ever gave out (400)."""


class StaleCursor(ValueError):
    """A real cursor the server can no longer serve (410): history compacted past it, or
    taken under a different scope."""


class CursorAhead(StaleCursor):
    """A cursor past the counter this database holds: on the primary a cursor from before a
    restore (410); on a standby, one from a fresher source than the standby has replayed."""


def encode_cursor(seqs: list[int], fingerprint: str) -> str:
    if len(seqs) == 1:
        raw = f"1.{seqs[0]}.{fingerprint}"
    else:
        raw = f"2.{'_'.join(map(str, seqs))}.{fingerprint}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[list[int], str]:
    """(positions, scope fingerprint); raises MalformedCursor."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise MalformedCursor("malformed cursor")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        version, seqs, fingerprint = raw.split(".")
        parts = (seqs.split("_") if seqs else []) if version == "2" else [seqs]
        numbers = [int(p) for p in parts]
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise MalformedCursor("malformed cursor") from exc
    if (
        version not in ("1", "2")
        or not all(p.isdigit() for p in parts)
        or not fingerprint
        or (version == "2" and len(parts) == 1)  # one position is always written as "1."
    ):
        raise MalformedCursor("malformed cursor")
    return numbers, fingerprint
