"""One household: "record visit" as the obvious action (or "continue" when a draft waits),
what the last visit heard, members (tap one to edit, call or move out; add one), open
concerns, and past visits (tap one to read it)."""

from __future__ import annotations

import logging

import flet as ft

from app import fmt
from app.chrome import screen, section_title
from app.qr_dialog import qr_button
from app.screens.past_visit import answer_rows, concern_row, method_label
from components.empty_state import empty_state
from components.flag_chips import flag_chips, tag

log = logging.getLogger(__name__)


def build(state, household_id: str) -> ft.View:
    t = state.t
    store = state.store
    try:
        house = store.household(household_id)
    except Exception:
        log.exception("household read failed")
        house = None
    if house is None:
        return screen(
            state,
            route=f"/household/{household_id}",
            title=t("hh.title"),
            body=[empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)],
        )
    shown = _read(store, household_id, house)
    members, visits, concerns = shown["members"], shown["visits"], shown["concerns"]
    #: the pending tags on screen, by (kind, row id): a sync that only settled rows hides them
    pending_tags: dict[tuple[str, str], ft.Control] = {}

    header = ft.Container(
        content=ft.Column(
            [
                ft.Text(house.get("estate_name", ""), size=14, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.Text(
                    fmt.address(house), size=26, weight=ft.FontWeight.BOLD, key="house-address"
                ),
                ft.Text(
                    t("house.people_count", n=house.get("people_count") or len(members)), size=14
                ),
            ],
            spacing=2,
        ),
        padding=ft.Padding.only(bottom=4),
    )

    member_rows: list[ft.Control] = []
    for m in members:
        age = m.get("age")
        line = [
            t(f"gender.{m.get('gender') or 'unknown'}")
            if t.has(f"gender.{m.get('gender') or 'unknown'}")
            else ""
        ]
        if age is not None:
            line.append(t("house.age", age=age))
        if m.get("relation"):
            line.append(m["relation"])
        if m.get("phone_masked"):
            line.append(m["phone_masked"])
        chips = fmt.flag_labels(t, m.get("flags"), age)
        vacc = m.get("vaccination")
        if vacc and vacc != "unknown" and t.has(f"vacc.{vacc}"):
            chips.append(("vacc", t(f"vacc.{vacc}")))
        member_rows.append(
            ft.Container(
                content=ft.Row(
                    [
                        ft.Column(
                            [
                                ft.Row(
                                    [
                                        ft.Text(
                                            m.get("name", ""), size=17, weight=ft.FontWeight.W_600
                                        ),
                                        ft.Text(
                                            " · ".join(x for x in line if x),
                                            size=14,
                                            color=ft.Colors.ON_SURFACE_VARIANT,
                                        ),
                                        *(
                                            [_pending(pending_tags, "members", m["id"], t)]
                                            if m.get("pending")
                                            else []
                                        ),
                                    ],
                                    wrap=True,
                                    spacing=8,
                                ),
                                flag_chips(chips),
                            ],
                            spacing=4,
                            expand=True,
                        ),
                        ft.Icon(
                            ft.Icons.CHEVRON_RIGHT,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                            semantics_label=t("house.member_open", name=m.get("name", "")),
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
                padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                border_radius=10,
                bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
                ink=True,
                on_click=lambda e, rid=m["id"]: state.nav.push(
                    "member", household_id=household_id, resident_id=rid
                ),
                key=f"member-{m['id']}",
            )
        )
    if not member_rows:
        member_rows.append(empty_state(t("house.no_members"), icon=ft.Icons.PERSON_OFF_OUTLINED))
    member_rows.append(
        ft.Row(
            [
                ft.OutlinedButton(
                    t("house.add_member"),
                    icon=ft.Icons.PERSON_ADD_ALT_1_OUTLINED,
                    on_click=lambda e: state.nav.push("member", household_id=household_id),
                    key="add-member",
                )
            ]
        )
    )

    visit_rows: list[ft.Control] = []
    for v in visits[:20]:
        method = t(f"method.{v.get('method')}") if t.has(f"method.{v.get('method')}") else ""
        lines: list[ft.Control] = [
            ft.Row(
                [
                    ft.Text(
                        t(
                            "house.visit_line",
                            date=fmt.date(v.get("visited_at")),
                            method=method,
                            n=v.get("people_reached", 0),
                            who=v.get("user_name") or "",
                        ),
                        size=14,
                        expand=True,
                    ),
                    *(
                        [
                            _pending(
                                pending_tags, "visits", v["id"], t, key=f"visit-pending-{v['id']}"
                            )
                        ]
                        if v.get("pending")
                        else []
                    ),
                ]
            )
        ]
        if v.get("notes"):
            lines.append(
                ft.Text(
                    v["notes"],
                    size=14,
                    color=ft.Colors.ON_SURFACE_VARIANT,
                    max_lines=3,
                    overflow=ft.TextOverflow.ELLIPSIS,
                )
            )
        if v.get("follow_up_date"):
            lines.append(
                ft.Text(
                    t("house.follow_up", date=fmt.date(v["follow_up_date"])),
                    size=14,
                    color=ft.Colors.TERTIARY,
                )
            )
        visit_rows.append(
            ft.Container(
                content=ft.Row(
                    [
                        ft.Column(lines, spacing=2, expand=True),
                        ft.Icon(
                            ft.Icons.CHEVRON_RIGHT,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                            semantics_label=t("house.visit_open"),
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
                padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                border=ft.Border.only(left=ft.BorderSide(3, ft.Colors.PRIMARY)),
                ink=True,
                on_click=lambda e, vid=v["id"]: state.nav.push("past_visit", visit_id=vid),
                key=f"visit-{v['id']}",
            )
        )
    if not visit_rows:
        visit_rows.append(empty_state(t("house.no_visits"), icon=ft.Icons.EVENT_BUSY_OUTLINED))

    concern_rows: list[ft.Control] = []
    for c in concerns:
        row = concern_row(state, c, key=f"hconcern-{c['id']}")
        if row.trailing is not None:  # its pending tag
            pending_tags[("concerns", c["id"])] = row.trailing
        concern_rows.append(row)
    if not concern_rows:
        concern_rows.append(empty_state(t("house.no_concerns"), icon=ft.Icons.CHECK_CIRCLE_OUTLINE))

    qr_slot = ft.Container(
        key="qr-slot",
        content=qr_button(state, estate_id=house.get("estate_id"), household_id=house.get("id")),
    )

    draft = bool(house.get("draft"))
    record = ft.FilledButton(
        t("house.continue_draft") if draft else t("house.record_visit"),
        icon=ft.Icons.EDIT_NOTE,
        expand=True,
        on_click=lambda e: state.nav.push("visit", household_id=household_id),
        key="record-visit",
    )
    draft_note: list[ft.Control] = (
        [
            ft.Row(
                [
                    tag(t("house.draft"), warm=True, key="house-draft"),
                    ft.Text(t("house.draft_waits"), size=14, color=ft.Colors.ON_SURFACE_VARIANT),
                ],
                spacing=8,
            )
        ]
        if draft
        else []
    )
    body: list[ft.Control] = [
        header,
        ft.Row([record]),
        *draft_note,
        *_last_visit(state, visits[0] if visits else None),
        qr_slot,
        section_title(t("house.members")),
        *member_rows,
        section_title(t("house.open_concerns")),
        *concern_rows,
        section_title(t("house.visits")),
        *visit_rows,
        # room under the last row for the floating button (56 px and its 16 px margin)
        ft.Container(height=80),
    ]

    def on_status(data_changed: bool) -> None:
        """A finished sync: rows it only uploaded lose their pending tag in place (the
        client redraws one tag, not the page); anything else it changed builds the page
        again; nothing shown changed, nothing is sent."""
        if not data_changed:
            return
        try:
            now = _read(store, household_id, store.household(household_id))
        except Exception:
            log.exception("household read after a sync failed")
            return
        settled = _settled(shown, now)
        if settled is None:
            state.nav.refresh()
            return
        for key in settled & pending_tags.keys():  # (past visits beyond the 20 shown have none)
            pending_tags[key].visible = False
        shown.update(now)

    return screen(
        state,
        route=f"/household/{household_id}",
        title=fmt.address(house),
        body=body,
        on_status=on_status,
        fab=ft.FloatingActionButton(
            # named by its icon: Flutter web gives a screen reader nothing from the tooltip
            content=ft.Icon(ft.Icons.ADD, semantics_label=t("house.record_visit")),
            tooltip=t("house.record_visit"),
            on_click=lambda e: state.nav.push("visit", household_id=household_id),
            key="record-visit-fab",
        ),
    )


def _read(store, household_id: str, house: dict | None) -> dict:
    """What the page shows of a household, as read from the store."""
    return {
        "house": house,
        "members": store.members(household_id),
        "visits": store.visits(household_id),
        "concerns": store.concerns(
            household_id=household_id, status=("open", "in_review"), limit=100
        ),
    }


#: what an upload changes in a row without changing what the page shows
_UPLOAD_ONLY = ("pending", "version")


def _settled(before: dict, after: dict) -> set[tuple[str, str]] | None:
    """The rows (kind, id) an upload settled between two reads, when that is all that
    changed; None when anything else did (a row added, gone or edited)."""

    def bare(row: dict | None) -> dict | None:
        return None if row is None else {k: v for k, v in row.items() if k not in _UPLOAD_ONLY}

    if bare(before["house"]) != bare(after["house"]):
        return None
    settled: set[tuple[str, str]] = set()
    for kind in ("members", "visits", "concerns"):
        old, new = before[kind], after[kind]
        if [r["id"] for r in old] != [r["id"] for r in new]:
            return None
        for a, b in zip(old, new, strict=True):
            if bare(a) != bare(b) or (b.get("pending") and not a.get("pending")):
                return None
            if a.get("pending") and not b.get("pending"):
                settled.add((kind, a["id"]))
    return settled


def _pending(tags: dict, kind: str, row_id: str, t, *, key: str | None = None) -> ft.Control:
    """A row's pending tag, remembered so a sync that uploads the row can hide it."""
    tags[(kind, row_id)] = tag(t("common.pending"), warm=True, key=key)
    return tags[(kind, row_id)]


def _last_visit(state, visit: dict | None) -> list[ft.Control]:
    """The last visit's date, way, visitor and answers, so a routine visit can start from
    what was said last time; tapping it opens the whole visit."""
    if visit is None:
        return []
    t = state.t
    lines: list[ft.Control] = [
        ft.Text(t("house.last_visit"), size=14, weight=ft.FontWeight.W_600),
        ft.Text(
            t(
                "house.last_visit_line",
                date=fmt.date(visit.get("visited_at")),
                method=method_label(t, visit),
                who=visit.get("user_name") or "",
            ),
            size=16,
            key="last-visit-line",
        ),
        *answer_rows(state, visit, key_prefix="last-answer", selectable=False),
    ]
    if visit.get("notes"):
        lines.append(
            ft.Text(
                visit["notes"],
                size=14,
                color=ft.Colors.ON_SURFACE_VARIANT,
                max_lines=3,
                overflow=ft.TextOverflow.ELLIPSIS,
            )
        )
    return [
        ft.Container(
            content=ft.Column(lines, spacing=4),
            padding=12,
            border_radius=12,
            bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
            ink=True,
            on_click=lambda e: state.nav.push("past_visit", visit_id=visit["id"]),
            key="last-visit",
        )
    ]
