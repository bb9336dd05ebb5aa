"""The office's online reads: ``GET /reports/summary`` (the figures of a place over a period),
``GET /reports/weeks`` (one head's weekly visits) and ``GET /assignees`` (who concerns can be
given to).

The figures are counted by the server over the whole community, so they are read when
needed rather than kept in the store; a failure comes back as a :class:`SyncError` whose
``kind`` the screen puts in words (offline, signed out, refused, server trouble).
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from services.http import (
    DEFAULT_TIMEOUT,
    SyncError,
    error_for_exception,
    error_for_status,
    make_client,
)
from services.protocol import AssigneeList, ReportSummary, WeeklyVisits

Model = TypeVar("Model", bound=BaseModel)


def _params(first: dt.date, last: dt.date, **ids: str | None) -> dict[str, str]:
    """A period's query with the ids given (those set)."""
    return {"from": first.isoformat(), "to": last.isoformat()} | {k: v for k, v in ids.items() if v}


async def _read(
    base_url: str,
    token: str,
    path: str,
    params: dict[str, str],
    model: type[Model],
    *,
    refused: str,
    transport: httpx.AsyncBaseTransport | None,
    timeout: float,
) -> Model:
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.get(
                path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise error_for_exception(exc) from None
    if resp.status_code == 403:
        raise SyncError("forbidden", refused, 403)
    if resp.status_code != 200:
        raise error_for_status(resp)
    try:
        return model.model_validate(resp.json())
    except (ValueError, ValidationError):
        raise SyncError("protocol", "unexpected answer from the server") from None


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
    return await _read(
        base_url,
        token,
        "/reports/summary",
        _params(first, last, district_id=district_id, estate_id=estate_id),
        ReportSummary,
        refused="this account may not see these figures",
        transport=transport,
        timeout=timeout,
    )


async def fetch_assignees(
    base_url: str,
    token: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[dict]:
    """The people the signed-in staff member or district head may give concerns to
    ({id, name, role, district_id}). Raises SyncError."""
    found = await _read(
        base_url,
        token,
        "/assignees",
        {},
        AssigneeList,
        refused="this account may not give concerns to people",
        transport=transport,
        timeout=timeout,
    )
    return [a.model_dump() for a in found.assignees]


async def fetch_weeks(
    base_url: str,
    token: str,
    first: dt.date,
    last: dt.date,
    *,
    district_id: str | None = None,
    estate_id: str | None = None,
    user_id: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> WeeklyVisits:
    """Visits per week of a place over ``first``..``last``, or only ``user_id``'s visits
    there. Raises SyncError."""
    return await _read(
        base_url,
        token,
        "/reports/weeks",
        _params(first, last, district_id=district_id, estate_id=estate_id, user_id=user_id),
        WeeklyVisits,
        refused="this account may not see these figures",
        transport=transport,
        timeout=timeout,
    )
