"""Files the office downloads from the server with its bearer token: the ledgers
(``GET /exports/{kind}.xlsx``), a meeting's minutes and a questionnaire's poster.

The app fetches the bytes itself and hands them to the platform's save dialog, so the token
never leaves the app and the browser needs no route of its own to the server. A failure comes
back as a :class:`SyncError` whose ``kind`` the screen puts in words; a refusal the server
explains (403, 404, 422) is kind ``refused``/``forbidden`` with the server's ``detail``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from email.message import Message

import httpx

from services.http import (
    SyncError,
    error_for_exception,
    error_for_status,
    make_client,
)

LEDGERS = ("visits", "concerns", "residents", "responses")

#: a ledger or poster is made on request: give the server longer than a sync exchange
DOWNLOAD_TIMEOUT = 60.0


@dataclasses.dataclass(frozen=True)
class Download:
    filename: str
    content: bytes


def ledger_request(
    kind: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
    *,
    district_id: str | None = None,
    estate_id: str | None = None,
) -> tuple[str, dict[str, str]]:
    """The path and query of a ledger of a place (and period: both days or neither)."""
    if kind not in LEDGERS:
        raise ValueError(f"kind must be one of {', '.join(LEDGERS)}")
    params: dict[str, str] = {}
    if first is not None and last is not None:
        params = {"from": first.isoformat(), "to": last.isoformat()}
    if district_id:
        params["district_id"] = district_id
    if estate_id:
        params["estate_id"] = estate_id
    return f"/exports/{kind}.xlsx", params


def _filename(resp: httpx.Response, fallback: str) -> str:
    header = resp.headers.get("content-disposition", "")
    message = Message()
    message["content-disposition"] = header
    name = message.get_filename() or fallback
    # a name for the user's disk: no folders, nothing a file system refuses
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name.rsplit("/", 1)[-1]).strip(". ")
    return name or fallback


async def fetch_download(
    base_url: str,
    token: str,
    path: str,
    params: dict[str, str] | None = None,
    *,
    fallback_name: str = "download",
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> Download:
    """GET ``path`` (under /api/v1) with the bearer token; the file's name and bytes. Raises
    SyncError."""
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.get(
                path, params=params or {}, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise error_for_exception(exc) from None
    if resp.status_code in (403, 404, 422):
        try:
            detail = str(resp.json().get("detail") or "")
        except (ValueError, AttributeError):
            detail = ""
        kind = "forbidden" if resp.status_code == 403 else "refused"
        raise SyncError(kind, detail, resp.status_code)
    if resp.status_code != 200:
        raise error_for_status(resp)
    return Download(_filename(resp, fallback_name), resp.content)
