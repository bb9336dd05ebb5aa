"""The office's online read: ``GET /reports/summary`` (the figures of a place over a period).

The figures are counted by the server over the whole community, so they are read when
needed rather than kept in the store; a failure comes back as a :class:`SyncError` whose
``kind`` the screen puts in words (offline, signed out, refused, server trouble).
"""

from __future__ import annotations

import datetime as dt

import httpx
from pydantic import ValidationError

from services.http import (
    DEFAULT_TIMEOUT,
    SyncError,
    error_for_exception,
    error_for_status,
    make_client,
)
from services.protocol import ReportSummary


async def fetch_summary(
    base_url: str,
    token: str,
    first: dt.date,
    last: dt.date,
    *,
    district_id: str | None = None,
    estate_id: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ReportSummary:
    """The summary of the community (staff), a district or an estate over ``first``..``last``
    (local days, inclusive). Raises SyncError."""
    params = {"from": first.isoformat(), "to": last.isoformat()}
    if district_id:
        params["district_id"] = district_id
    if estate_id:
        params["estate_id"] = estate_id
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.get(
                "/reports/summary", params=params, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise error_for_exception(exc) from None
    if resp.status_code == 403:
        raise SyncError("forbidden", "this account may not see these figures", 403)
    if resp.status_code != 200:
        raise error_for_status(resp)
    try:
        return ReportSummary.model_validate(resp.json())
    except (ValueError, ValidationError):
        raise SyncError("protocol", "unexpected answer from the server") from None
