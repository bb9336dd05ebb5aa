"""Guards of the public questionnaire form: render tokens, a per-client rate limit, and a
bounded body reader.

Render token. Each rendered form carries a token: ``base64url(json) "." base64url(hmac)``
with the questionnaire, the estate/household the QR named, an expiry, and ``rid``, the id the
answer will be stored under. Single use comes from that id: the answer row's primary key is
``rid``, so a replayed or double-submitted form finds its row already there and stores
nothing. The HMAC key lives in the ``meta`` table (``form_token_secret``), made on first use,
so tokens outlive a restart and are shared by workers.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request

from server.db.engine import write_tx
from server.db.schema import meta

SECRET_KEY = "form_token_secret"
#: How long a rendered form may wait before it is submitted.
TOKEN_TTL_SECONDS = 6 * 3600
#: Largest form body accepted, in bytes.
MAX_BODY_BYTES = 32 * 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(engine: Engine) -> bytes:
    """The form-token HMAC key, created once and kept in the database."""
    with write_tx(engine) as conn:
        found = conn.execute(select(meta.c.text_value).where(meta.c.key == SECRET_KEY)).scalar()
        if found:
            return bytes.fromhex(found)
        value = secrets.token_bytes(32)
        try:
            with conn.begin_nested():
                conn.execute(meta.insert().values(key=SECRET_KEY, text_value=value.hex()))
        except IntegrityError:  # another worker made it first
            return bytes.fromhex(
                conn.execute(select(meta.c.text_value).where(meta.c.key == SECRET_KEY)).scalar_one()
            )
        return value


@dataclass(frozen=True)
class FormTicket:
    """What a render token vouches for."""

    questionnaire_id: str
    version: int
    estate_id: str | None
    household_id: str | None
    rid: str
    expires_at: int


class TokenError(Exception):
    """``kind`` is ``invalid`` (forged, malformed) or ``expired``; an expired token is still
    genuine, so its ``ticket`` is given (to re-show the form without losing the answers)."""

    def __init__(self, kind: str, ticket: FormTicket | None = None):
        super().__init__(kind)
        self.kind = kind
        self.ticket = ticket


class FormTokens:
    def __init__(self, secret: bytes, ttl_seconds: int = TOKEN_TTL_SECONDS):
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, ticket_fields: dict, *, now: float | None = None) -> str:
        """A token for ``ticket_fields`` (FormTicket fields except expires_at)."""
        payload = dict(ticket_fields)
        payload["expires_at"] = int((now or time.time()) + self.ttl_seconds)
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._mac(body)}"

    def verify(self, token: str, *, now: float | None = None) -> FormTicket:
        """The ticket inside a genuine, unexpired token; raises TokenError otherwise."""
        if not isinstance(token, str) or len(token) > 1024 or token.count(".") != 1:
            raise TokenError("invalid")
        body, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            raise TokenError("invalid")
        try:
            ticket = FormTicket(**json.loads(_unb64(body)))
        except (ValueError, TypeError) as exc:
            raise TokenError("invalid") from exc
        if ticket.expires_at < (now or time.time()):
            raise TokenError("expired", ticket)
        return ticket


class RateLimiter:
    """At most ``limit`` events per key within ``window`` seconds (sliding), in memory.

    Kept per server process: a restart forgets it, which only ever lets more through.
    """

    def __init__(self, limit: int = 10, window: float = 600.0):
        self.limit = limit
        self.window = window
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, now: float | None = None) -> int | None:
        """Count one event; returns None if allowed, else seconds until one would be."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._events) > 10_000:  # forget idle clients rather than grow forever
                self._events = {
                    k: q for k, q in self._events.items() if q and q[-1] > now - self.window
                }
            q = self._events.setdefault(key, collections.deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return max(1, int(q[0] + self.window - now) + 1)
            q.append(now)
            return None


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing (BodyTooLarge) as soon as it exceeds ``limit`` bytes,
    whether or not the client declared its length."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise BodyTooLarge
        except ValueError as exc:
            raise BodyTooLarge from exc
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def client_key(request: Request) -> str:
    """Who a submission counts against: the peer address (hashed, so no address is kept).

    Deployed behind a reverse proxy, uvicorn's ``--proxy-headers`` makes this the real client.
    """
    host = request.client.host if request.client else "unknown"
    return hashlib.sha256(host.encode()).hexdigest()[:24]
