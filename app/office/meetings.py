"""Review meetings (研判会): the list, building an agenda from open concerns (by estate,
category and age), and the meeting itself, gone through in one sitting: a decision per
concern, then closed with its minutes. Everything is written to the store and uploaded by
sync, so a district head can hold one on the phone without a connection."""

from __future__ import annotations

import datetime as dt
import logging

import flet as ft

from app import fmt
from app.chrome import screen, section_title
from app.office.concern_list import concern_row
from app.office.dialogs import decision_dialog
from app.office.download import download_button
from app.theme import MIN_TEXT
from components.checkbox import checkbox
from components.empty_state import empty_state
from components.flag_chips import tag
from components.labelled import labelled
from services.office import is_overdue
from services.protocol import REVIEW_DECISIONS, utc_iso

log = logging.getLogger(__name__)

#: "waiting at least" choices when building an agenda, in days
AGES = (0, 7, 14, 30)
#: how many candidates the agenda builder lists (the protocol's agenda limit is 200)
CANDIDATES = 200


def build_list(state) -> ft.View:
    t = state.t
    rows: list[ft.Control] = []
    for m in state.store.meetings():
        decided = sum(1 for i in m.get("items", []) if i.get("decision"))
        rows.append(
            ft.Container(
                content=ft.Row(
                    [
                        ft.Column(
                            [
                                ft.Text(m.get("title", ""), size=16, weight=ft.FontWeight.W_600),
                                ft.Text(
                                    t(
                                        "meeting.line",
                                        date=fmt.date(m.get("held_at")),
                                        decided=decided,
                                        total=len(m.get("items", [])),
                                    ),
                                    size=MIN_TEXT,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                            ],
                            spacing=2,
                            expand=True,
                        ),
                        tag(
                            t(f"meeting.status.{m.get('status', 'open')}"),
                            warm=m.get("status") == "open",
                        ),
                        *([tag(t("common.pending"), warm=True)] if m.get("pending") else []),
                    ],
                ),
                padding=12,
                border_radius=12,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                on_click=lambda e, mid=m["id"]: state.nav.push("meeting", meeting_id=mid),
                ink=True,
                key=f"meeting-{m['id']}",
            )
        )
    body = rows or [
        empty_state(t("meeting.none"), icon=ft.Icons.GROUPS_OUTLINED, key="meetings-empty")
    ]
    return screen(
        state,
        route="/meetings",
        title=t("meeting.list_title"),
        body=body,
        fab=ft.FloatingActionButton(
            icon=ft.Icons.ADD,
            content=ft.Text(t("meeting.new")),
            on_click=lambda e: state.nav.push("meeting_new"),
            key="meeting-new",
        ),
    )


def build_new(state) -> ft.View:
    """Choose the agenda: open and in-review concerns, longest overdue first, ticked."""
    t = state.t
    store = state.store
    today = state.today()
    picked: dict[str, bool] = {}
    current: dict = {"estate_id": None, "category": None, "age": 0}
    title = ft.TextField(
        label=t("meeting.title_field"),
        value=t("meeting.default_title", date=today.isoformat()),
        max_length=128,
        key="meeting-title",
    )
    listing = ft.Column(spacing=8, key="agenda-candidates")
    chosen = ft.Text("", key="agenda-count")

    def candidates() -> list[dict]:
        filters = {k: current[k] for k in ("estate_id", "category") if current[k]}
        if current["age"]:
            cut = dt.datetime.now(dt.UTC) - dt.timedelta(days=current["age"])
            filters["created_before"] = utc_iso(cut)
        return store.office_concerns(
            today=today, status=["open", "in_review"], limit=CANDIDATES, **filters
        )

    def fill() -> None:
        rows = candidates()
        for c in rows:
            picked.setdefault(c["id"], True)
        listing.controls = [
            concern_row(
                state,
                c,
                trailing=checkbox(
                    t("meeting.pick"),
                    value=picked[c["id"]],
                    on_change=lambda e, cid=c["id"]: toggle(cid, e.control.value),
                    key=f"agenda-pick-{c['id']}",
                ),
            )
            for c in rows
        ] or [empty_state(t("meeting.no_candidates"), key="agenda-empty")]
        shown = {c["id"] for c in rows}
        for cid in list(picked):
            if cid not in shown:
                del picked[cid]
        count()

    def count() -> None:
        chosen.value = t("meeting.chosen", n=sum(picked.values()))

    def toggle(cid: str, value: bool) -> None:
        picked[cid] = bool(value)
        count()
        state.page.update()

    def on_filter(name: str, control: ft.Dropdown):
        def handler(e) -> None:
            value = control.value or None
            current[name] = int(value) if name == "age" and value else value
            fill()
            state.page.update()

        return handler

    estate = ft.Dropdown(
        label=t("office.estate"),
        value="",
        options=[ft.DropdownOption(key="", text=t("office.all"))]
        + [ft.DropdownOption(key=e["id"], text=e["name"]) for e in store.estates(today)],
        dense=True,
        expand=True,
        key="agenda-estate",
    )
    category = ft.Dropdown(
        label=t("concern.category"),
        value="",
        options=[ft.DropdownOption(key="", text=t("office.all"))]
        + [ft.DropdownOption(key=c, text=fmt.category(t, c)) for c in store.concern_categories()],
        dense=True,
        expand=True,
        key="agenda-category",
    )
    age = ft.Dropdown(
        label=t("meeting.age"),
        value="0",
        options=[
            ft.DropdownOption(key=str(d), text=t("meeting.age_n", n=d) if d else t("office.all"))
            for d in AGES
        ],
        dense=True,
        expand=True,
        key="agenda-age",
    )
    pickers = [labelled(d, d.label) for d in (estate, category, age)]
    for box, xs in zip(pickers, (12, 6, 6), strict=True):
        box.col = {"xs": xs, "md": 4}
    estate.on_select = on_filter("estate_id", estate)
    category.on_select = on_filter("category", category)
    age.on_select = on_filter("age", age)

    def open_meeting(e=None) -> None:
        agenda = [cid for cid, on in picked.items() if on]
        name = (title.value or "").strip()
        title.error = None if name else t("meeting.need_title")
        if not name or not agenda:
            if not agenda:
                state.toast(t("meeting.need_agenda"), error=True)
            state.page.update()
            return
        try:
            meeting_id = store.open_meeting(name, agenda)
        except Exception:
            log.exception("opening a meeting failed")
            state.toast(t("error.generic"), error=True)
            return
        state.after_write()
        state.nav.replace("meeting", meeting_id=meeting_id)

    fill()
    view = screen(
        state,
        route="/meetings/new",
        title=t("meeting.new"),
        body=[
            title,
            ft.ResponsiveRow(pickers, spacing=8, run_spacing=8),
            ft.Row(
                [
                    chosen,
                    ft.FilledButton(
                        t("meeting.open"),
                        icon=ft.Icons.PLAY_ARROW,
                        on_click=open_meeting,
                        key="meeting-open",
                    ),
                ],
                alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            ),
            listing,
        ],
    )
    view.data.update({"picked": picked, "open_meeting": open_meeting})
    return view


def build_meeting(state, meeting_id: str) -> ft.View:
    t = state.t
    store = state.store
    m = store.meeting(meeting_id)
    if m is None:
        return screen(
            state,
            route=f"/meeting/{meeting_id}",
            title=t("meeting.list_title"),
            body=[empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)],
        )
    is_open = m.get("status") == "open"
    items = sorted(m.get("items", []), key=lambda i: i.get("position", 0))
    concerns = {i["concern_id"]: store.concern(i["concern_id"]) for i in items}
    agenda = [c for c in concerns.values() if c]
    today = state.today()
    for c in agenda:
        c["overdue"] = is_overdue(c, today)
    decided = sum(1 for i in items if i.get("decision"))

    def decide(concern: dict, decision: str):
        def submit(fields: dict) -> bool:
            try:
                store.decide(
                    meeting_id,
                    concern["id"],
                    decision,
                    department=fields.get("department"),
                    assignee=fields.get("assignee"),
                    due_date=fields.get("due_date"),
                    merge_into=fields.get("merge_into"),
                    note=fields.get("note", ""),
                )
            except Exception:
                log.exception("recording a decision failed")
                state.toast(t("error.generic"), error=True)
                return False
            state.after_write()
            return True

        return lambda e: decision_dialog(state, concern, decision, agenda, submit, on_closed=redraw)

    rows: list[ft.Control] = []
    for n, item in enumerate(items, start=1):
        c = concerns.get(item["concern_id"])
        if c is None:
            continue
        if item.get("decision"):
            outcome: ft.Control = ft.Text(
                _decision_words(t, item, concerns),
                weight=ft.FontWeight.W_600,
                color=ft.Colors.PRIMARY,
                key=f"decided-{c['id']}",
            )
        elif is_open:
            outcome = ft.Row(
                [
                    ft.OutlinedButton(
                        t(f"decision.{d}"),
                        on_click=decide(c, d),
                        key=f"decide-{c['id']}-{d}",
                    )
                    for d in REVIEW_DECISIONS
                ],
                wrap=True,
                spacing=8,
            )
        else:
            outcome = ft.Text(t("meeting.undecided"), color=ft.Colors.ON_SURFACE_VARIANT)
        rows.append(
            ft.Column(
                [
                    ft.Text(
                        t("meeting.item_n", n=n), size=MIN_TEXT, color=ft.Colors.ON_SURFACE_VARIANT
                    ),
                    concern_row(state, c),
                    outcome,
                ],
                spacing=6,
                key=f"item-{c['id']}",
            )
        )
    minutes = ft.TextField(
        label=t("meeting.minutes"),
        value=m.get("minutes") or _draft_minutes(t, items, concerns),
        multiline=True,
        min_lines=4,
        max_lines=12,
        max_length=20000,
        read_only=not is_open,
        key="meeting-minutes",
    )

    def close(e=None) -> None:
        try:
            store.close_meeting(meeting_id, (minutes.value or "").strip())
        except Exception:
            log.exception("closing a meeting failed")
            state.toast(t("error.generic"), error=True)
            return
        state.after_write()
        state.toast(t("meeting.closed_toast"))
        state.nav.refresh()

    header = [
        ft.Row(
            [
                tag(t(f"meeting.status.{m.get('status', 'open')}"), warm=is_open),
                *([tag(t("common.pending"), warm=True)] if m.get("pending") else []),
                ft.Text(
                    t(
                        "meeting.line",
                        date=fmt.date(m.get("held_at")),
                        decided=decided,
                        total=len(items),
                    ),
                    color=ft.Colors.ON_SURFACE_VARIANT,
                    key="meeting-progress",
                ),
            ],
            spacing=8,
            wrap=True,
        )
    ]
    footer: list[ft.Control] = [section_title(t("meeting.minutes")), minutes]
    if is_open:
        footer.append(
            ft.Row(
                [
                    ft.FilledButton(
                        t("meeting.close"),
                        icon=ft.Icons.CHECK,
                        on_click=close,
                        key="meeting-close",
                    )
                ]
            )
        )
    if not m.get("pending"):  # the server knows it: its minutes can be downloaded
        footer.append(
            ft.Row(
                [
                    download_button(
                        state,
                        t("download.minutes"),
                        lambda: (f"/meetings/{meeting_id}/minutes", {"lang": state.lang}),
                        key="meeting-minutes-download",
                        fallback_name="minutes.md",
                        refused="download.err.not_synced",
                    )
                ]
            )
        )
    shown = _as_shown(m)
    drafted = minutes.value

    def redraw() -> None:
        """The screen drawn again from the store; minutes the secretary has typed stay, and
        only a draft nobody touched is drafted anew from the decisions."""
        edited = minutes.value if minutes.value != drafted else None
        state.nav.refresh()
        top = state.nav.top_view
        if edited is not None and top is not None and "minutes" in top.data:
            top.data["minutes"].value = edited
            top.data["minutes"].update()

    def on_status(data_changed: bool) -> None:
        # An acknowledged decision shows the meeting's last pulled copy until the pull that
        # follows brings it back with the decision; a screen rebuilt in between (the dialog
        # closing) showed the item undecided for good. Redraw once a sync changed the
        # meeting, keeping minutes being typed.
        if not data_changed:
            return
        now = store.meeting(meeting_id)
        if now is None or _as_shown(now) == shown:
            return
        redraw()

    view = screen(
        state,
        route=f"/meeting/{meeting_id}",
        title=m.get("title", ""),
        body=[*header, section_title(t("meeting.agenda")), *rows, *footer],
        on_status=on_status,
    )
    view.data.update({"decide": decide, "close": close, "minutes": minutes})
    return view


def _as_shown(m: dict) -> tuple:
    """What of a meeting its screen draws: a change means the screen is out of date."""
    return (
        m.get("version"),
        m.get("pending"),
        m.get("status"),
        m.get("minutes"),
        tuple((i.get("concern_id"), i.get("decision")) for i in m.get("items", [])),
    )


def _decision_words(t, item: dict, concerns: dict) -> str:
    decision = item.get("decision")
    if decision == "refer":
        return t("meeting.did_refer", department=item.get("department") or "")
    if decision == "assign":
        return t("meeting.did_assign", date=item.get("due_date") or "")
    if decision == "merge":
        target = concerns.get(item.get("merged_into") or "") or {}
        return t("meeting.did_merge", what=(target.get("description") or "")[:30])
    return t("meeting.did_resolve")


def _draft_minutes(t, items: list[dict], concerns: dict) -> str:
    """A first draft of the minutes from the decisions so far (the secretary edits it)."""
    lines = []
    for n, item in enumerate(items, start=1):
        c = concerns.get(item["concern_id"]) or {}
        what = (c.get("description") or "")[:40]
        outcome = (
            _decision_words(t, item, concerns) if item.get("decision") else t("meeting.undecided")
        )
        lines.append(f"{n}. {what} — {outcome}")
    return "\n".join(lines)
