"""Find a household: search (name, pinyin initials, phone tail, 3-2-401) and filters,
with a list paged from Python so the staff scope (11,000 residents) stays smooth."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import flet as ft

from app import fmt
from app.chrome import screen
from app.paging import Pager
from components.empty_state import empty_state
from components.flag_chips import flag_chips
from components.household_tile import household_tile
from components.labelled import labelled

log = logging.getLogger(__name__)


@dataclass
class Filters:
    query: str = ""
    estate_id: str | None = None
    building: str | None = None
    aged_60: bool = False
    lives_alone: bool = False
    not_visited: bool = False
    mode: str = "households"  # or "residents"

    def store_kwargs(self) -> dict:
        return {
            "estate_id": self.estate_id,
            "building": self.building,
            "aged_60": self.aged_60,
            "lives_alone": self.lives_alone,
            "not_visited_days": 30 if self.not_visited else None,
            "query": self.query.strip() or None,
        }


def build(
    state, estate_id: str | None = None, not_visited: bool = False, query: str = ""
) -> ft.View:
    t = state.t
    store = state.store
    f = Filters(query=query, estate_id=estate_id, not_visited=not_visited)

    # ---- list -------------------------------------------------------------------------------
    def tile(row: dict) -> ft.Control:
        return household_row_tile(state, row)

    def resident_tile(row: dict) -> ft.Control:
        age = row.get("age")
        bits = [row.get("estate_name", ""), fmt.address(row)]
        if age is not None:
            bits.append(t("house.age", age=age))
        if row.get("phone_masked"):
            bits.append(row["phone_masked"])
        return ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.PERSON_OUTLINE, color=ft.Colors.PRIMARY),
                    ft.Column(
                        [
                            ft.Text(row.get("name", ""), size=17, weight=ft.FontWeight.W_600),
                            ft.Text(
                                " · ".join(b for b in bits if b),
                                size=14,
                                color=ft.Colors.ON_SURFACE_VARIANT,
                            ),
                            flag_chips(fmt.flag_labels(t, row.get("flags"), age)),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, color=ft.Colors.OUTLINE),
                ],
                spacing=12,
            ),
            padding=ft.Padding.symmetric(horizontal=12, vertical=10),
            border_radius=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            on_click=lambda e, hid=row["household_id"]: state.nav.push(
                "household", household_id=hid
            ),
            ink=True,
            key=f"res-{row['id']}",
        )

    def fetch(offset: int, limit: int) -> list[dict]:
        if f.mode == "residents":
            return store.search_residents(
                f.query.strip(),
                estate_id=f.estate_id,
                aged_60=f.aged_60,
                lives_alone=f.lives_alone,
                offset=offset,
                limit=limit,
            )
        return store.households(**f.store_kwargs(), offset=offset, limit=limit)

    # Residents search has no count in the store API: count what one larger page returns.
    def count() -> int:
        if f.mode == "residents":
            if not f.query.strip():
                return 0
            return len(
                store.search_residents(
                    f.query.strip(),
                    estate_id=f.estate_id,
                    aged_60=f.aged_60,
                    lives_alone=f.lives_alone,
                    offset=0,
                    limit=500,
                )
            )
        return store.count_households(**f.store_kwargs())

    def render(row: dict) -> ft.Control:
        return resident_tile(row) if f.mode == "residents" else tile(row)

    pager = Pager(
        fetch=fetch,
        count=count,
        render=render,
        empty=lambda: empty_state(
            t("hh.empty_residents") if f.mode == "residents" else t("hh.empty"),
            icon=ft.Icons.SEARCH_OFF,
            key="hh-empty",
        ),
        more_label=t("common.load_more"),
        error_label=t("error.generic"),
        key="hh-list",
    )
    summary = ft.Text("", color=ft.Colors.ON_SURFACE_VARIANT, key="hh-count")

    def refresh(update: bool = True) -> None:
        pager.reload()
        key = "hh.residents_count" if f.mode == "residents" else "hh.count"
        summary.value = t(key, n=pager.total)
        if update:
            state.page.update()

    def after_sync(data_changed: bool) -> None:
        """A finished sync: show the new data in the rows already loaded, in place."""
        if not data_changed:
            return
        try:
            pager.refresh()
        except Exception:
            log.exception("household list refresh failed")
            return
        key = "hh.residents_count" if f.mode == "residents" else "hh.count"
        summary.value = t(key, n=pager.total)

    # ---- search and filters -----------------------------------------------------------------
    search = ft.TextField(
        value=f.query,
        hint_text=t("hh.search"),
        prefix_icon=ft.Icons.SEARCH,
        dense=False,
        key="hh-search",
    )

    def on_search(e) -> None:
        f.query = search.value or ""
        refresh()

    search.on_change = on_search

    mode = ft.SegmentedButton(
        segments=[
            ft.Segment(
                value="households",
                label=ft.Text(t("hh.mode_households")),
            ),
            ft.Segment(
                value="residents",
                label=ft.Text(t("hh.mode_residents")),
            ),
        ],
        selected=[f.mode],
        show_selected_icon=False,
        key="hh-mode",
    )

    def on_mode(e) -> None:
        f.mode = (mode.selected or ["households"])[0]
        building_box.visible = not_visited_chip.visible = f.mode == "households"
        refresh()

    mode.on_change = on_mode

    estates = store.estates() if store else []
    estate = ft.Dropdown(
        label=t("hh.filter_estate"),
        value=f.estate_id or "",
        options=[ft.DropdownOption(key="", text=t("hh.all_estates"))]
        + [ft.DropdownOption(key=e["id"], text=e["name"]) for e in estates],
        expand=True,
        key="hh-estate",
    )
    building = ft.Dropdown(
        label=t("hh.filter_building"), value="", options=[], expand=True, key="hh-building"
    )
    building_box = labelled(building, t("hh.filter_building"))

    def fill_buildings() -> None:
        options = [ft.DropdownOption(key="", text=t("hh.all_buildings"))]
        if f.estate_id:
            options += [
                ft.DropdownOption(key=b, text=t("hh.building_n", b=b))
                for b in store.buildings(f.estate_id)
            ]
        building.options = options
        building.value = f.building or ""
        building.disabled = not f.estate_id

    def on_estate(e) -> None:
        f.estate_id = estate.value or None
        f.building = None
        fill_buildings()
        refresh()

    def on_building(e) -> None:
        f.building = building.value or None
        refresh()

    estate.on_select = on_estate
    building.on_select = on_building
    fill_buildings()

    def toggle(attr: str, chip: ft.Chip):
        def handler(e) -> None:
            setattr(f, attr, not getattr(f, attr))
            chip.selected = getattr(f, attr)
            refresh()

        return handler

    chips = []
    for attr, label in (
        ("aged_60", "hh.aged_60"),
        ("lives_alone", "hh.lives_alone"),
        ("not_visited", "hh.not_visited"),
    ):
        chip = ft.Chip(label=ft.Text(t(label)), selected=getattr(f, attr), key=f"hh-chip-{attr}")
        chip.on_select = toggle(attr, chip)
        chips.append(chip)
    not_visited_chip = chips[2]

    refresh(update=False)
    view = screen(
        state,
        route="/households",
        title=t("hh.title"),
        body=[
            search,
            mode,
            ft.Row([labelled(estate, t("hh.filter_estate")), building_box], spacing=8),
            ft.Row(chips, spacing=6, wrap=True),
            summary,
            pager.control,
        ],
        tab="households",
        on_status=after_sync,
    )
    view.on_scroll = pager.on_scroll
    view.data.update({"filters": f, "pager": pager, "refresh": refresh, "after_sync": after_sync})
    return view


def household_row_tile(state, row: dict, *, show_estate: bool = True) -> ft.Control:
    """A household of ``store.households()`` as a tile; tap opens its page. On an estate's
    own page the estate's name would repeat on every tile (``show_estate=False``)."""
    t = state.t
    tags: list[tuple[str, bool]] = []
    if row.get("pending"):
        tags.append((t("common.pending"), True))
    if row.get("draft"):
        tags.append((t("house.draft"), True))
    if row.get("open_concerns"):
        tags.append((t("hh.open_concerns_n", n=row["open_concerns"]), True))
    last = row.get("last_visit_at")
    detail = t("hh.last_visit", date=fmt.date(last)) if last else t("hh.never_visited")
    people = row.get("member_count") or row.get("people_count") or 0
    return household_tile(
        title=fmt.address(row),
        subtitle=" · ".join(
            x
            for x in (row.get("estate_name", "") if show_estate else "", t("hh.people", n=people))
            if x
        ),
        detail=detail,
        tags=tags,
        on_click=lambda e, hid=row["id"]: state.nav.push("household", household_id=hid),
        key=f"hh-{row['id']}",
        found=t("hh.found", name=row["matched_name"]) if row.get("matched_name") else None,
    )
