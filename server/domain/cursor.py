"""The pull cursor: opaque to the phone, ``base64url("1.<seq>.<scope-hash>")`` inside."""

from __future__ import annotations

import base64
import binascii


class MalformedCursor(ValueError):
    """Not a cursor this server ever gave out (400)."""


class StaleCursor(ValueError):
    """A real cursor the server can no longer serve (410): history compacted past it, or
    taken under a different scope."""


def encode_cursor(seq: int, fingerprint: str) -> str:
    raw = f"1.{seq}.{fingerprint}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """(seq, scope fingerprint); raises MalformedCursor."""
    if len(cursor) > 200:
        raise MalformedCursor("malformed cursor")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        version, seq, fingerprint = raw.split(".")
        number = int(seq)
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise MalformedCursor("malformed cursor") from exc
    if version != "1" or number < 0 or not seq.isdigit() or not fingerprint:
        raise MalformedCursor("malformed cursor")
    return number, fingerprint
