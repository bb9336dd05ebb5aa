"""Signing in and out of the sync server (docs/contracts.md, "Sync engine").

token, user = await login("http://127.0.0.1:8000", "head01", "demo1234", store.device_id)
"""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from services.http import DEFAULT_TIMEOUT, make_client
from services.protocol import LoginResponse


class LoginError(Exception):
    """Login failed. ``kind``: bad_credentials | rate_limited | busy | network | server."""

    def __init__(self, kind: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after


async def login(
    base_url: str,
    username: str,
    password: str,
    device_id: str,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[str, dict]:
    """Sign in; returns ``(token, user)`` with ``user`` the UserInfo dict (id, name, role,
    estate_ids, district_id). Raises LoginError saying which kind of failure it was."""
    if not username or not password:
        raise LoginError("bad_credentials", "username and password are required")
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.post(
                "/auth/login",
                json={"username": username, "password": password, "device_id": device_id},
            )
        except httpx.TransportError:
            raise LoginError("network", "cannot reach the server") from None
    if resp.status_code in (401, 422):
        raise LoginError("bad_credentials", "wrong username or password")
    retry = resp.headers.get("Retry-After")
    retry_after = int(retry) if retry and retry.isdigit() else None
    if resp.status_code == 429:
        raise LoginError("rate_limited", "too many failed logins; try again later", retry_after)
    if resp.status_code == 503:  # password checks busy: nothing was counted, just try again
        raise LoginError("busy", "the server is busy; try again in a moment", retry_after)
    if resp.status_code != 200:
        raise LoginError("server", f"the server had a problem (HTTP {resp.status_code})")
    try:
        body = LoginResponse.model_validate(resp.json())
    except (ValueError, ValidationError):
        raise LoginError("server", "unexpected answer from the server") from None
    return body.token, body.user.model_dump(mode="json")


async def logout(
    base_url: str,
    token: str,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> bool:
    """Revoke ``token`` on the server; True if the server confirmed. Offline is not an error
    (the phone forgets the token anyway)."""
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
        except httpx.TransportError:
            return False
    return resp.status_code in (200, 204, 401)
