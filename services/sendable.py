"""Whether a mutation can be sent, and the bytes a push carries, encoded one by one.

A push body is built from mutations encoded separately, so that one that cannot be sent (a
``NaN`` or a lone surrogate written by an older version, a payload too large for any push)
is named and set aside instead of failing the whole body, and so that nothing is encoded
twice. The encoding is httpx's own JSON (UTF-8, no NaN or Infinity).
"""

from __future__ import annotations

import json
from typing import Any

from services.protocol import MAX_PUSH_BYTES

#: the push envelope around the mutations, ``{"device_id": ..., "mutations": [...]}``, with
#: room for a device id of the protocol's 128 characters (4 UTF-8 bytes each, at worst)
_ENVELOPE_BYTES = 64 + 4 * 128
#: largest one mutation may be and still fit a push on its own (the protocol's own limit on a
#: payload, ``MAX_MUTATION_BYTES``, is far smaller: the server refuses those one by one)
MAX_SENDABLE_BYTES = MAX_PUSH_BYTES - _ENVELOPE_BYTES

#: the rejection code the phone gives a mutation it cannot send (shown like a server's)
UNSENDABLE = "unsendable"

_FIELDS = ("id", "type", "entity_id", "payload", "created_at")


class Unsendable(ValueError):
    """A mutation no server could receive. ``reason`` says why in words that never repeat
    the mutation's content (it may hold names or phone numbers)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def encode_json(value: Any) -> bytes:
    """``value`` as the JSON bytes httpx would send; raises :class:`Unsendable`."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # NaN, Infinity, or a circular value
        raise Unsendable("a number is not finite (NaN or Infinity)") from None
    except TypeError:
        raise Unsendable("a value is not JSON (not text, number, list or object)") from None
    except RecursionError:
        raise Unsendable("nested too deeply") from None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise Unsendable("a text holds invalid Unicode (a lone surrogate)") from None


def encode_mutation(mutation: dict[str, Any]) -> bytes:
    """One outbox mutation as it goes in a push; raises :class:`Unsendable`."""
    if not isinstance(mutation.get("payload"), dict):
        raise Unsendable("the stored payload is not a JSON object")
    body = encode_json({k: mutation[k] for k in _FIELDS})
    if len(body) > MAX_SENDABLE_BYTES:
        raise Unsendable(f"larger than a push may be ({MAX_SENDABLE_BYTES} bytes)")
    return body


def push_body(device_id: str, mutations: list[bytes]) -> bytes:
    """The push request body around mutations already encoded by :func:`encode_mutation`."""
    head = encode_json({"device_id": device_id})[:-1]
    return head + b',"mutations":[' + b",".join(mutations) + b"]}"
