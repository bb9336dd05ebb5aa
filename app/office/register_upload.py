"""Importing the resident register from the office console (staff): choose a file, see the
dry run's report, choose the options that matter, confirm.

The file goes to ``POST /register/import`` (``services.admin_client.import_register``), the
same import as ``python -m server import-register``: first as a dry run, then, once staff
confirm, for real with the same options. The report shows where the header was found, the
sheets read and left out, the counts, the new estates and the moves, and every refused row
or column with the server's message (row and column as the spreadsheet shows them, and what
to do), a page at a time. A column the import does not know can be left out with a tick;
changing an option checks the file again, so what is confirmed is what was shown.

In a browser the file is read by the client inside the click (``ft.PickFiles``), its bytes
handed to this session; the app never needs a folder of its own for uploads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import flet as ft

from app.chrome import section_title
from app.office.failures import failure_words
from app.paging import Pager
from components.checkbox import checkbox
from components.labelled import labelled
from services.protocol import REGISTER_FIELDS

log = logging.getLogger(__name__)

SUFFIXES = ("xlsx", "xlsm", "xls", "ods", "csv")
#: refused rows shown per page (a register can have thousands)
PROBLEM_PAGE = 50
#: the notes that say where a resident moves, and which estates are new
_MOVES = frozenset({"move_planned", "move_applied"})
_NEW_ESTATES = frozenset({"estate_created", "estate_variant"})


@dataclass
class RegisterUpload:
    """The file chosen, the options, and the last report (a dry run's or the import's);
    ``notice`` is the last outcome in words."""

    state: Any
    filename: str = ""
    content: bytes = b""
    apply_moves: bool = False
    create_estates: bool = False
    skip_bad: bool = False
    #: headers of unknown columns staff chose to leave out, or to import as a field
    ignored: set[str] = field(default_factory=set)
    mapped: dict[str, str] = field(default_factory=dict)
    report: dict | None = None
    notice: str = ""
    #: what is under way, in words ("" when nothing is)
    busy: str = ""

    async def choose(self, filename: str, content: bytes) -> bool:
        """A new file: forget the last report and options about columns, then check it."""
        t = self.state.t
        self.busy = ""
        self.report = None
        self.ignored, self.mapped = set(), {}
        self.filename, self.content = filename, b""
        if PurePath(filename).suffix.lower().lstrip(".") not in SUFFIXES:
            self.notice = t("register.bad_type", name=filename)
            return False
        if not content:
            self.notice = t("register.empty_file", name=filename)
            return False
        self.content = content
        return await self.check()

    async def check(self) -> bool:
        """The dry run with the options as they are now."""
        report = await self._send(dry_run=True)
        if report is None:
            return False
        self.report = report
        self.notice = ""
        return True

    async def confirm(self) -> bool:
        """The import itself, with the options of the dry run shown."""
        if not self.can_confirm:
            return False
        report = await self._send(dry_run=False)
        if report is None:
            return False
        self.report = report
        t = self.state.t
        self.notice = (
            t("register.imported", summary=report["summary"])
            if report["written"]
            else t("register.not_written_title")
        )
        return bool(report["written"])

    def set_option(self, name: str, value: bool) -> None:
        if name.startswith("ignore:"):
            column = name.removeprefix("ignore:")
            if value:
                self.ignored.add(column)
                self.mapped.pop(column, None)
            else:
                self.ignored.discard(column)
            return
        setattr(self, name, value)

    def map_column(self, column: str, to: str | None) -> None:
        """Import an unknown column as the field ``to`` (None: decide nothing about it)."""
        if to:
            self.mapped[column] = to
            self.ignored.discard(column)
        else:
            self.mapped.pop(column, None)

    async def _send(self, *, dry_run: bool) -> dict | None:
        from services.admin_client import import_register
        from services.http import SyncError

        state = self.state
        self.busy = self.busy or state.t("register.checking")
        try:
            return await import_register(
                state.server_url, state.token or "", self.filename, self.content,
                dry_run=dry_run, apply_moves=self.apply_moves,
                create_estates=self.create_estates, skip_bad=self.skip_bad,
                ignore_columns=sorted(self.ignored), columns=dict(self.mapped),
                lang=state.t.lang,
            )  # fmt: skip
        except SyncError as exc:
            self.notice = failure_words(state.t, exc, "register.refused_file")
        except Exception:
            log.exception("the register upload failed")
            self.notice = state.t("office.err.server")
        finally:
            self.busy = ""
        return None

    # ---- what the report says
    @property
    def checked(self) -> bool:
        return self.report is not None and self.report["dry_run"]

    @property
    def has_changes(self) -> bool:
        r = self.report or {}
        return any(
            r.get(k)
            for k in ("residents_created", "residents_updated", "residents_moved",
                      "households_created", "estates_created")
        )  # fmt: skip

    @property
    def can_confirm(self) -> bool:
        r = self.report
        if not self.checked or r["layout_refused"] or not self.has_changes:
            return False
        return not r["errors"] or self.skip_bad

    @property
    def unknown_columns(self) -> list[str]:
        """Headers of columns the import does not know: the report's, and those staff said
        what to do with."""
        errors = (self.report or {}).get("errors", [])
        found = [e["column"] for e in errors if e["code"] == "unknown_column" and e["column"]]
        return sorted(set(found) | self.ignored | set(self.mapped))


def section(state, model: RegisterUpload, run) -> list[ft.Control]:
    """The upload section of the administration screen."""
    t = state.t
    picker = _picker(state)

    def start(words: str, action, *args) -> None:
        """Show the action under way (the screen is drawn again first), then run it."""
        model.busy = words
        run(action, *args)

    async def on_result(e) -> None:
        if not e.files:
            return  # cancelled
        f = e.files[0]
        start(t("register.checking"), model.choose, f.name, f.bytes or b"")

    picker.on_result = on_result

    def recheck() -> None:
        """An option changed: what is confirmed must be what was checked."""
        if model.content:
            start(t("register.options_changed"), model.check)

    def on_option(name: str):
        def changed(e) -> None:
            model.set_option(name, bool(e.control.value))
            recheck()

        return changed

    choose = ft.FilledButton(
        t("register.choose"),
        icon=ft.Icons.UPLOAD_FILE,
        action=ft.PickFiles(
            picker,
            file_type=ft.FilePickerFileType.CUSTOM,
            allowed_extensions=list(SUFFIXES),
            with_data=True,
        ),
        key="register-choose",
    )
    confirm = ft.FilledButton(
        t("register.confirm"),
        icon=ft.Icons.CHECK,
        disabled=not model.can_confirm,
        visible=model.checked,
        on_click=lambda e: start(t("register.importing"), model.confirm),
        key="register-confirm",
    )
    again = ft.OutlinedButton(
        t("register.check_again"),
        icon=ft.Icons.REFRESH,
        visible=bool(model.content) and model.report is not None and model.checked,
        on_click=lambda e: start(t("register.checking"), model.check),
        key="register-check-again",
    )
    for b in (choose, confirm, again):
        b.disabled = b.disabled or bool(model.busy)
    shown_file = (
        t("register.file", name=model.filename) if model.filename else t("register.no_file")
    )
    options = [
        checkbox(
            t(f"register.{name}"),
            value=getattr(model, name),
            on_change=on_option(name),
            disabled=bool(model.busy),
            key=f"register-{name}",
        )
        for name in ("apply_moves", "create_estates", "skip_bad")
    ]
    options += [
        _unknown_column(state, model, column, on_option(f"ignore:{column}"), recheck)
        for column in model.unknown_columns
    ]
    out: list[ft.Control] = [
        ft.Text(t("register.note"), size=14),
        ft.Row(
            [choose, ft.Text(shown_file, key="register-file", expand=True)],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        ft.Text(
            model.notice,
            key="register-notice",
            color=ft.Colors.ERROR if model.report is None else ft.Colors.PRIMARY,
            visible=bool(model.notice),
        ),
        section_title(t("register.options")),
        ft.Column(options, spacing=0, key="register-options"),
        ft.Row(
            [ft.ProgressRing(width=20, height=20), ft.Text(model.busy)],
            visible=bool(model.busy),
            key="register-busy",
        ),
    ]
    if model.report is not None:
        out += _report(state, model)
        out.append(ft.Row([confirm, again], spacing=12))
    return out


def _unknown_column(state, model: RegisterUpload, column: str, on_leave_out, recheck) -> ft.Control:
    """A column the import does not know: leave it out, or import it as one of the fields."""
    t = state.t

    def on_map(e) -> None:
        model.map_column(column, e.control.value or None)
        recheck()

    leave_out = checkbox(
        t("register.ignore_column", column=column),
        value=column in model.ignored,
        on_change=on_leave_out,
        disabled=bool(model.busy),
        key=f"register-ignore-{column}",
    )
    import_as = ft.Dropdown(
        label=t("register.map_column", column=column),
        value=model.mapped.get(column),
        options=[ft.DropdownOption(key=f, text=t(f"register.field.{f}")) for f in REGISTER_FIELDS],
        on_select=on_map,
        disabled=bool(model.busy),
        dense=True,
        width=280,
        key=f"register-map-{column}",
    )
    label = t("register.map_column", column=column)
    return ft.Row([leave_out, labelled(import_as, label)], spacing=16, wrap=True)


def _picker(state) -> ft.FilePicker:
    """The page's one register file picker (a service lives as long as the page)."""
    services = state.page.services
    for s in services:
        if isinstance(s, ft.FilePicker) and s.data == "register":
            return s
    picker = ft.FilePicker(data="register")
    services.append(picker)
    return picker


def _report(state, model: RegisterUpload) -> list[ft.Control]:
    t = state.t
    r = model.report or {}
    if r["dry_run"]:
        title = t("register.dry_run_title")
    else:
        title = t("register.done_title") if r["written"] else t("register.not_written_title")
    counts = [
        ("rows", r["rows"]), ("created", r["residents_created"]),
        ("updated", r["residents_updated"]), ("unchanged", r["residents_unchanged"]),
        ("moved", r["residents_moved"]), ("skipped", r["skipped"]),
        ("refused", r["refused_rows"]), ("households", r["households_created"]),
        ("estates", r["estates_created"]),
    ]  # fmt: skip
    out: list[ft.Control] = [
        section_title(title),
        ft.Text(r["summary"], key="register-summary", selectable=False),
        ft.Row(
            [_count(t(f"register.count.{name}"), n, name) for name, n in counts],
            wrap=True,
            spacing=8,
            run_spacing=8,
            key="register-counts",
        ),
    ]
    notes = r["notes"]
    groups = (
        ("general", [n for n in notes if n["code"] not in _MOVES | _NEW_ESTATES]),
        ("new_estates", [n for n in notes if n["code"] in _NEW_ESTATES]),
        ("moves", [n for n in notes if n["code"] in _MOVES]),
    )
    for name, items in groups:
        if items:
            out.append(
                ft.Column(
                    [
                        ft.Text(t(f"register.{name}"), weight=ft.FontWeight.W_600),
                        *(_line(n["message"], ft.Icons.INFO_OUTLINE) for n in items),
                    ],
                    spacing=4,
                    key=f"register-{name}",
                )
            )
    errors = r["errors"]
    if errors:
        pager = Pager(
            fetch=lambda offset, n: errors[offset : offset + n],
            count=lambda: len(errors),
            render=lambda e: _line(e["message"], ft.Icons.ERROR_OUTLINE, ft.Colors.ERROR),
            empty=lambda: ft.Text(""),
            more_label=t("common.load_more"),
            error_label=t("office.err.server"),
            page_size=PROBLEM_PAGE,
            key="register-errors",
        )
        pager.reload()
        out += [
            ft.Text(
                t("register.refused", n=len(errors)),
                weight=ft.FontWeight.W_600,
                color=ft.Colors.ERROR,
                key="register-refused",
            ),
            pager.control,
        ]
    if model.checked and not model.can_confirm:
        if r["layout_refused"]:
            words = t("register.layout_refused")
        else:
            words = t("register.cannot_confirm") if errors else t("register.nothing_to_do")
        out.append(ft.Text(words, key="register-why-not"))
    return out


def _count(label: str, n: int, name: str) -> ft.Control:
    return ft.Container(
        ft.Column(
            [ft.Text(str(n), size=22, weight=ft.FontWeight.W_600), ft.Text(label, size=13)],
            spacing=0,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        padding=ft.Padding.symmetric(horizontal=14, vertical=8),
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=8,
        width=104,
        key=f"register-count-{name}",
    )


def _line(message: str, icon: str, color: str | None = None) -> ft.Control:
    return ft.Row(
        [ft.Icon(icon, size=18, color=color), ft.Text(message, expand=True, color=color)],
        vertical_alignment=ft.CrossAxisAlignment.START,
        spacing=8,
    )
