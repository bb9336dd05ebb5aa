"""Guards of the public questionnaire form: render tokens, per-client rate limits kept in the
database, and a bounded body reader.

Render token. Each rendered form carries a token: ``base64url(json) "." base64url(hmac)``
with the questionnaire, the estate/household the QR named, an expiry, and ``rid``, the id the
answer will be stored under. Single use comes from that id: the answer row's primary key is
``rid``, so a replayed or double-submitted form finds its row already there and stores
nothing. The HMAC key lives in the ``meta`` table (``form_token_secret``), made on first use,
so tokens outlive a restart and are shared by workers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request

from server.db.engine import write_tx
from server.db.fifo import queued_writer
from server.db.schema import meta
from server.domain import ratelimit
from server.domain.ratelimit import Limit, digest
from server.settings import Settings

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
    #: whose answer it is when no estate is named (a community-wide poster)
    community_id: str | None = None


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


def _client(request: Request) -> str:
    """The peer address as a digest (no address is kept). Deployed behind a reverse proxy,
    ``serve --forwarded-allow-ips`` makes this the real client."""
    return digest(request.client.host if request.client else "unknown")


def submission_limit(request: Request, settings: Settings) -> Limit:
    """Form submissions (POST) per client address."""
    return Limit(
        f"form-post:{_client(request)}", settings.form_submissions_per_client, settings.form_window
    )


def token_limit(request: Request, settings: Settings) -> Limit:
    """Forms handed out (GET, each with a fresh render token) per client address."""
    return Limit(
        f"form-get:{_client(request)}", settings.form_tokens_per_client, settings.form_window
    )


def admit(engine: Engine, limit: Limit) -> int | None:
    """Count one event against ``limit``; None if admitted, else seconds to wait."""
    with queued_writer(engine), write_tx(engine) as conn:
        return ratelimit.admit(conn, [limit]).wait
