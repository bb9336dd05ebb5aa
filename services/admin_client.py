"""The office's administration calls (``/admin/...``, staff only): one request, its JSON back.

A refusal the server explains (404, 409, 422) comes back as a :class:`SyncError` of kind
``refused`` carrying the server's ``detail`` (the screen shows it next to the field); other
failures as the usual kinds (offline, signed out, forbidden, server trouble).
"""

from __future__ import annotations

from typing import Any

import httpx

from services.http import (
    DEFAULT_TIMEOUT,
    SyncError,
    error_for_exception,
    error_for_status,
    make_client,
)


async def admin_call(
    base_url: str,
    token: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """``admin_call(url, token, "PUT", "/users/zhangsan/active", {"active": False})``."""
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.request(
                method,
                "/admin" + path,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            raise error_for_exception(exc) from None
    if resp.status_code == 403:
        raise SyncError("forbidden", "staff only", 403)
    if resp.status_code in (404, 409, 422):
        try:
            detail = str(resp.json().get("detail") or "")
        except ValueError:
            detail = ""
        raise SyncError("refused", detail, resp.status_code)
    if resp.status_code not in (200, 201):
        raise error_for_status(resp)
    try:
        return resp.json()
    except ValueError:
        raise SyncError("protocol", "unexpected answer from the server") from None
