"""The office's administration calls (``/admin/...`` and the register upload, staff only):
one request, its JSON back.

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
    return _answer(resp)


#: a register of 20,000 rows takes a few seconds to check on a busy server
REGISTER_TIMEOUT = 120.0


async def import_register(
    base_url: str,
    token: str,
    filename: str,
    content: bytes,
    *,
    dry_run: bool = True,
    create_estates: bool = False,
    apply_moves: bool = False,
    skip_bad: bool = False,
    ignore_columns: list[str] | tuple[str, ...] = (),
    columns: dict[str, str] | None = None,
    lang: str = "zh",
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = REGISTER_TIMEOUT,
) -> dict[str, Any]:
    """Send a register file to ``POST /register/import``: its report (``RegisterImportReport``
    as JSON), a dry run unless ``dry_run=False``; ``columns`` maps a header as written to a
    field (``{"联系人电话": "phone"}``, a ``REGISTER_FIELDS`` name). The server's refusal of the file itself
    (not a register, too large) comes back as a ``refused`` :class:`SyncError` with its
    reason, in ``lang``."""
    params: list[tuple[str, str]] = [
        ("dry_run", _flag(dry_run)), ("create_estates", _flag(create_estates)),
        ("apply_moves", _flag(apply_moves)), ("skip_bad", _flag(skip_bad)), ("lang", lang),
    ]  # fmt: skip
    params += [("ignore_column", c) for c in ignore_columns]
    params += [("column", f"{header}={field}") for header, field in (columns or {}).items()]
    async with make_client(base_url, transport=transport, timeout=timeout) as client:
        try:
            resp = await client.post(
                "/register/import",
                params=params,
                files={"file": (filename, content)},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            raise error_for_exception(exc) from None
    return _answer(resp, refused=(404, 409, 413, 422))


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _answer(resp: httpx.Response, refused: tuple[int, ...] = (404, 409, 422)) -> dict[str, Any]:
    """The JSON of a success; a refusal the server explains, or another failure, raised."""
    if resp.status_code == 403:
        raise SyncError("forbidden", "staff only", 403)
    if resp.status_code in refused:
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
