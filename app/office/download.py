"""A button that downloads one file from the server (a ledger, a meeting's minutes, a
poster) and hands it to the user: the browser's download on the office PC, the save dialog
on a phone. The app fetches the file with its own sign-in (``services.downloads``), so no
token or ticket ever appears in a link."""

from __future__ import annotations

import logging
from collections.abc import Callable

import flet as ft

from components.checkbox import checkbox
from services.downloads import LEDGERS, fetch_download, ledger_request
from services.protocol import MAX_EXPORT_REASON

log = logging.getLogger(__name__)

#: what a failed download says, by the failure's kind
_ERRORS = {
    "network": "download.err.offline",
    "timeout": "download.err.offline",
    "auth": "office.err.auth",
    "forbidden": "download.err.forbidden",
    "refused": "download.err.refused",
}

#: a download's request: (path under /api/v1, query parameters), asked for at the click so
#: the screen's current period and place are what is downloaded; None when the screen has
#: just shown why it cannot be asked for yet
Request = Callable[[], tuple[str, dict[str, str]] | None]


def download_button(
    state,
    label: str,
    request: Request,
    *,
    key: str,
    fallback_name: str,
    icon: ft.IconData = ft.Icons.DOWNLOAD,
    refused: str | None = None,
) -> ft.OutlinedButton:
    """An outlined button labelled ``label`` that downloads ``request()``'s file. ``refused``:
    the catalogue key said when the server refuses (404, 422) instead of the server's words."""
    t = state.t

    async def go(e=None) -> None:
        from services.http import SyncError

        asked = request()
        if asked is None:
            state.page.update()
            return
        path, params = asked
        button.disabled = True
        state.page.update()
        try:
            got = await fetch_download(
                state.server_url,
                state.token or "",
                path,
                params,
                fallback_name=fallback_name,
            )
            await state.save_file(got.filename, got.content)
        except SyncError as exc:
            message = t(_ERRORS.get(exc.kind, "download.err.server"))
            if exc.kind == "refused" and refused:
                message = t(refused)
            elif exc.kind == "refused" and exc.message:
                message = f"{message} {exc.message}"
            state.toast(message, error=True)
        except Exception:
            log.exception("download failed")
            state.toast(t("download.err.server"), error=True)
        else:
            state.toast(t("download.done", name=got.filename))
        finally:
            button.disabled = False
            state.page.update()

    button = ft.OutlinedButton(label, icon=icon, on_click=go, key=key)
    return button


def ledger_buttons(
    state, place: Callable[[], dict], *, whole_numbers: bool = False, key_prefix: str = "ledger"
) -> ft.Column:
    """One download button per ledger (visits, concerns, residents, answers) of the place and
    period ``place()`` gives (``first``, ``last``, ``district_id``, ``estate_id``). With
    ``whole_numbers`` (staff), a tick asks for whole phone and ID numbers, which the server
    gives only with a reason and keeps in its audit with who asked and why."""
    t = state.t
    whole = checkbox(t("download.whole_numbers"), value=False, key=f"{key_prefix}-whole")
    reason = ft.TextField(
        label=t("download.reason"),
        max_length=MAX_EXPORT_REASON,
        dense=True,
        visible=False,
        key=f"{key_prefix}-reason",
    )

    def on_whole(e) -> None:
        reason.visible = bool(whole.value)
        reason.error = None
        state.page.update()

    whole.on_change = on_whole

    def request_of(kind: str) -> Request:
        def request() -> tuple[str, dict[str, str]] | None:
            p = place()
            first, last = (None, None) if kind == "residents" else (p["first"], p["last"])
            path, params = ledger_request(
                kind,
                first,
                last,
                district_id=p.get("district_id"),
                estate_id=p.get("estate_id"),
            )
            if whole_numbers and whole.value:
                why = (reason.value or "").strip()
                reason.error = None if why else t("download.need_reason")
                if not why:
                    return None
                params.update(full="true", reason=why)
            return path, params

        return request

    buttons = ft.Row(
        [
            download_button(
                state,
                t(f"download.ledger.{kind}"),
                request_of(kind),
                key=f"{key_prefix}-{kind}",
                fallback_name=f"{kind}.xlsx",
            )
            for kind in LEDGERS
        ],
        wrap=True,
        spacing=8,
        run_spacing=8,
        key=f"{key_prefix}s",
    )
    return ft.Column([buttons, *([whole, reason] if whole_numbers else [])], spacing=4)
