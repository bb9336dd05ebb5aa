"""The office's home: the figures of a place (community, district, estate, or one head) over
this month, quarter, year or chosen days, with charts, and tables that open the concerns
behind a figure or drill down one level.

The figures are the server's (``GET /reports/summary``, an online read: the office has a
connection, and a phone without one is told so and offered a retry), visits per week among
them, so every head's visits count; one head's weekly series is ``GET /reports/weeks`` with
their id. Each drill level is a screen of its own, so the back arrow climbs back up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen
from app.office import charts
from app.office.dialogs import refresh_assignees
from app.office.download import ledger_buttons
from app.office.failures import failure_key
from app.office.period import PERIODS, local_bounds, parse_day, period_days
from app.theme import MIN_TEXT, scale_text, text_scale_of
from components.empty_state import empty_state
from components.icon_button import icon_button
from components.stat_tile import stat_tile
from services.protocol import CONCERN_STATUSES, PlaceFigures, runs_concern_workflow

log = logging.getLogger(__name__)


@dataclass
class Place:
    """Where the figures are of: the community (nothing set), a district, an estate, or one
    head inside the place above (``head_id``)."""

    district_id: str | None = None
    estate_id: str | None = None
    head_id: str | None = None
    trail: tuple[str, ...] = ()


@dataclass
class Dashboard:
    """The screen's model: the period and place asked for, and what loading them gave."""

    state: Any
    place: Place
    period: str = "month"
    first: Any = None
    last: Any = None
    summary: Any = None
    #: (Monday, visits) per week; None for a period too long to draw week by week
    weeks: list | None = field(default_factory=list)
    error: str | None = None
    loading: bool = False
    #: the error state's retry button calls this (the view sets it)
    retry: Any = None

    def __post_init__(self) -> None:
        if self.period != "custom" or self.first is None or self.last is None:
            if self.period == "custom":
                self.period = "month"
            self.first, self.last = period_days(self.period, self.state.today())

    async def load(self) -> None:
        from services.http import SyncError
        from services.reports_client import fetch_summary

        state = self.state
        self.loading, self.error = True, None
        try:
            self.summary = await fetch_summary(
                state.server_url,
                state.token or "",
                self.first,
                self.last,
                district_id=self.place.district_id,
                estate_id=self.place.estate_id,
            )
        except SyncError as exc:
            self.summary, self.error = None, exc.kind
        except Exception:
            log.exception("reading the summary failed")
            self.summary, self.error = None, "internal"
        if self.summary is not None and runs_concern_workflow(state.role):
            # online now: the pickers get the server's list of assignable people
            await refresh_assignees(state)
        series = self.summary.visits_by_week if self.summary is not None else None
        if self.summary is not None and self.place.head_id:
            series = await self._head_weeks()
        # None: a period longer than the server draws week by week
        self.weeks = [(w.week_start, w.visits) for w in series] if series is not None else None
        self.loading = False

    async def _head_weeks(self) -> list | None:
        """One head's visits per week in this place (the summary's series is everyone's)."""
        from services.http import SyncError
        from services.reports_client import fetch_weeks

        try:
            got = await fetch_weeks(
                self.state.server_url,
                self.state.token or "",
                self.first,
                self.last,
                district_id=self.place.district_id,
                estate_id=self.place.estate_id,
                user_id=self.place.head_id,
            )
        except SyncError as exc:
            log.info("a head's weekly visits not read: %s", exc.kind)
            return []
        return got.visits_by_week

    @property
    def head(self) -> Any:
        if self.summary is None or not self.place.head_id:
            return None
        return next((h for h in self.summary.by_head if h.user_id == self.place.head_id), None)

    def ledger(self) -> dict:
        """The period and place a ledger download of this screen exports."""
        return {
            "first": self.first,
            "last": self.last,
            "district_id": self.place.district_id,
            "estate_id": self.place.estate_id,
        }

    def list_filters(self, **more: Any) -> dict:
        """The concern list's filters for this place and period (created in the period, as
        the summary counts them)."""
        zone_name = self.summary.timezone if self.summary else None
        start, end = local_bounds(self.first, self.last, zone_name)
        out = {"created_from": start, "created_before": end}
        if self.place.estate_id:
            out["estate_id"] = self.place.estate_id
        elif self.place.district_id:
            out["district_id"] = self.place.district_id
        if self.place.head_id:
            out["created_by"] = self.place.head_id
        out.update(more)
        return out


def build(
    state,
    period: str = "month",
    first: Any = None,
    last: Any = None,
    district_id: str | None = None,
    estate_id: str | None = None,
    head_id: str | None = None,
    trail: tuple[str, ...] = (),
) -> ft.View:
    t = state.t
    model = Dashboard(
        state,
        Place(district_id, estate_id, head_id, tuple(trail)),
        period=period,
        first=first,
        last=last,
    )
    top_level = not trail
    body = ft.Column(spacing=16, key="dash-body")
    from_field = ft.TextField(
        label=t("office.from"),
        value=model.first.isoformat(),
        width=150,
        dense=True,
        key="dash-from",
    )
    to_field = ft.TextField(
        label=t("office.to"), value=model.last.isoformat(), width=150, dense=True, key="dash-to"
    )
    custom = ft.Row(
        [
            from_field,
            to_field,
            ft.FilledTonalButton(
                t("office.apply"), on_click=lambda e: apply_custom(), key="dash-apply"
            ),
        ],
        visible=model.period == "custom",
        wrap=True,
        spacing=8,
    )
    periods = ft.SegmentedButton(
        segments=[ft.Segment(value=p, label=ft.Text(t(f"office.period.{p}"))) for p in PERIODS],
        selected=[model.period],
        show_selected_icon=False,
        key="dash-period",
    )

    def show() -> None:
        body.controls = _content(state, model)
        # the text-size setting: the screen was scaled when built, this content came later
        scale_text(body, text_scale_of(state.page))
        try:
            state.page.update()
        except Exception:  # the session may be closing
            log.debug("dashboard update failed", exc_info=True)

    async def load() -> None:
        model.loading = True
        body.controls = [empty_state(t("common.loading"), loading=True, key="dash-loading")]
        state.page.update()
        await model.load()
        show()

    def remember() -> None:
        # coming back from a list rebuilds this screen from its params: keep the period
        if state.nav.stack and state.nav.top_view is view:
            state.nav.stack[-1].params.update(
                period=model.period, first=model.first, last=model.last
            )

    def reload() -> None:
        remember()
        try:
            state.page.run_task(load)
        except RuntimeError:  # no event loop bound to the session (view tests await load)
            pass

    def on_period(e) -> None:
        model.period = (periods.selected or ["month"])[0]
        custom.visible = model.period == "custom"
        if model.period != "custom":
            model.first, model.last = period_days(model.period, state.today())
            from_field.value, to_field.value = model.first.isoformat(), model.last.isoformat()
            reload()
        state.page.update()

    def apply_custom() -> None:
        first, last = parse_day(from_field.value), parse_day(to_field.value)
        from_field.error = None if first else t("office.bad_date")
        to_field.error = None if last else t("office.bad_date")
        if first and last and first > last:
            to_field.error = t("office.bad_period")
        if from_field.error or to_field.error:
            state.page.update()
            return
        model.first, model.last = first, last
        reload()
        state.page.update()

    periods.on_change = on_period
    body.controls = [empty_state(t("common.loading"), loading=True, key="dash-loading")]
    model.retry = reload  # the error state's button
    header = ft.Row(
        [
            ft.Text(
                " › ".join((_scope_name(state), *trail)),
                size=16,
                weight=ft.FontWeight.W_600,
                expand=True,
                key="dash-trail",
            ),
            icon_button(
                ft.Icons.REFRESH,
                t("common.retry"),
                on_click=lambda e: reload(),
                key="dash-refresh",
            ),
        ]
    )
    actions = [
        icon_button(
            ft.Icons.GROUPS_OUTLINED,
            t("meeting.list_title"),
            on_click=lambda e: state.nav.push("meetings"),
            key="open-meetings",
        )
    ]
    if not runs_concern_workflow(state.role):  # the street office reads figures only
        actions = []
    view = screen(
        state,
        route="/office" if top_level else "/office/place",
        title=t("office.title") if top_level else trail[-1],
        body=[header, ft.Row([periods], scroll=ft.ScrollMode.AUTO), custom, body],
        tab="home" if top_level else None,
        actions=actions,
    )
    view.data.update({"model": model, "load": load, "apply_custom": apply_custom})
    reload()
    return view


def _scope_name(state) -> str:
    t = state.t
    if state.role == "district_head":
        return t("office.my_district")
    if state.role == "street":
        return t("office.my_street")
    return t("office.community")


def _content(state, model: Dashboard) -> list[ft.Control]:
    t = state.t
    if model.summary is None:
        kind = model.error or "internal"
        return [
            empty_state(
                t(failure_key(kind)),
                icon=ft.Icons.CLOUD_OFF
                if kind in ("network", "timeout")
                else ft.Icons.ERROR_OUTLINE,
                action_label=t("common.retry"),
                on_action=lambda e: model.retry(),
                key="dash-error",
            )
        ]
    s = model.summary
    out: list[ft.Control] = [
        ft.Text(
            t("office.period_line", first=model.first.isoformat(), last=model.last.isoformat()),
            size=MIN_TEXT,
            color=ft.Colors.ON_SURFACE_VARIANT,
        )
    ]
    if model.place.head_id:
        head = model.head
        if head is None:
            return [*out, empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)]
        out.append(_tiles(state, model, _head_tiles(state, model, head)))
        out.append(
            _cards(
                [
                    _card(t("office.visits_per_week"), _weeks_chart(t, model)),
                ]
            )
        )
        return out
    out.append(_tiles(state, model, _summary_tiles(state, model)))
    read_only = state.role == "street"
    c = s.concerns
    status_rows = [
        (
            st,
            t(f"status.{st}"),
            c.by_status.get(st, 0) / (c.total or 1),
            str(c.by_status.get(st, 0)),
        )
        for st in CONCERN_STATUSES
    ]
    category_rows = [
        (cat, fmt.category(t, cat), n / (c.total or 1), str(n))
        for cat, n in sorted(c.by_category.items(), key=lambda kv: -kv[1])
    ]
    over = s.over_60
    cards = [
        _card(t("office.visits_per_week"), _weeks_chart(t, model)),
        _card(
            t("office.concerns_by_status"),
            ft.Column(
                [
                    charts.pie(
                        [(label, int(figure)) for _, label, _, figure in status_rows],
                        key="dash-status-pie",
                        empty=t("office.none_in_period"),
                    ),
                    charts.bar_rows(
                        status_rows,
                        key="dash-status",
                        on_click=None
                        if read_only
                        else lambda st: _open_list(state, model, t(f"status.{st}"), status=st),
                    ),
                ],
                spacing=8,
            ),
        ),
        _card(
            t("office.concerns_by_category"),
            charts.bar_rows(
                category_rows,
                key="dash-category",
                color=ft.Colors.TERTIARY,
                on_click=None
                if read_only
                else lambda cat: _open_list(state, model, fmt.category(t, cat), category=cat),
            )
            if category_rows
            else ft.Text(t("office.none_in_period"), color=ft.Colors.ON_SURFACE_VARIANT),
        ),
        _card(
            t("office.vaccination"),
            charts.pie(
                [
                    (t("office.vaccinated"), over.vaccinated),
                    (t("office.not_vaccinated"), over.not_vaccinated),
                ],
                key="dash-vacc",
                empty=t("office.no_over_60"),
            ),
        ),
    ]
    if not model.place.district_id and not model.place.estate_id:
        cards.append(
            _card(t("office.by_district"), _district_rows(state, model), key="dash-districts-card")
        )
    if not model.place.estate_id:
        cards.append(
            _card(
                t("office.by_estate"),
                charts.bar_rows(
                    [
                        (e.estate_id, e.name, e.coverage, _coverage_text(t, e))
                        for e in sorted(s.by_estate, key=lambda e: e.coverage)
                    ],
                    key="dash-estate",
                    on_click=lambda eid: _drill(
                        state, model, estate_id=eid, name=_name(s.by_estate, "estate_id", eid)
                    ),
                ),
            )
        )
    cards.append(
        _card(
            t("office.by_head"),
            charts.bar_rows(
                [
                    (h.user_id, h.name, h.coverage, _coverage_text(t, h))
                    for h in sorted(s.by_head, key=lambda h: h.coverage)
                ],
                key="dash-head",
                color=ft.Colors.SECONDARY,
                on_click=lambda uid: _drill(
                    state, model, head_id=uid, name=_name(s.by_head, "user_id", uid)
                ),
            ),
        )
    )
    if not read_only:
        cards.append(_ledgers_card(state, model))
    out.append(_cards(cards))
    return out


def _ledgers_card(state, model: Dashboard) -> ft.Control:
    t = state.t

    return _card(
        t("download.ledgers"),
        ft.Column(
            [
                ft.Text(
                    t("download.ledger_note"), size=MIN_TEXT, color=ft.Colors.ON_SURFACE_VARIANT
                ),
                ledger_buttons(state, model.ledger, whole_numbers=state.role == "staff"),
            ],
            spacing=8,
        ),
        key="dash-ledgers-card",
    )


def _weeks_chart(t, model: Dashboard) -> ft.Control:
    if model.weeks is None:
        return ft.Text(t("office.weeks_too_long"), color=ft.Colors.ON_SURFACE_VARIANT)
    return charts.weekly_bars(model.weeks, key="dash-weeks")


def _name(rows, attr: str, value: str) -> str:
    return next((r.name for r in rows if getattr(r, attr) == value), "")


def _coverage_text(t, row) -> str:
    return t(
        "office.coverage_line",
        pct=round(100 * row.coverage),
        visited=row.households_visited,
        households=row.households,
    )


def _district_rows(state, model: Dashboard) -> ft.Control:
    """Districts' coverage, added up from their estates' figures."""
    t = state.t
    names = {d["id"]: d.get("name", "") for d in state.store.districts()}
    totals: dict[str, list[int]] = {}
    for e in model.summary.by_estate:
        acc = totals.setdefault(e.district_id, [0, 0])
        acc[0] += e.households_visited
        acc[1] += e.households
    rows = [
        (
            did,
            names.get(did, did),
            (v / n) if n else 0.0,
            t("office.coverage_line", pct=round(100 * v / n) if n else 0, visited=v, households=n),
        )
        for did, (v, n) in sorted(totals.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    return charts.bar_rows(
        rows,
        key="dash-district",
        on_click=lambda did: _drill(state, model, district_id=did, name=names.get(did, "")),
    )


def _opens(state, model: Dashboard, title: str, **filters: Any):
    """A figure's tap handler opening the concerns behind it; None in the street office's
    view, which reads figures only (the concerns' words and addresses are not theirs)."""
    if state.role == "street":
        return None
    return lambda e: _open_list(state, model, title, **filters)


def _place_tiles(state, model: Dashboard, f, *, visits_label: str, concerns_label: str) -> dict:
    """The tiles a whole place and one head share, from their ``PlaceFigures``."""
    t = state.t
    concerns, overdue = f.concerns, f.overdue
    return {
        "visits": stat_tile(
            f.visits, visits_label, icon=ft.Icons.DIRECTIONS_WALK, key="dash-tile-visits"
        ),
        "people": stat_tile(
            f.person_times, t("office.person_times"), icon=ft.Icons.GROUPS, key="dash-tile-people"
        ),
        "coverage": stat_tile(
            f"{round(100 * f.coverage)}%",
            t("office.coverage", visited=f.households_visited, households=f.households),
            icon=ft.Icons.TASK_ALT,
            key="dash-tile-coverage",
        ),
        "concerns": stat_tile(
            concerns,
            concerns_label,
            icon=ft.Icons.ASSIGNMENT_OUTLINED,
            key="dash-tile-concerns",
            on_click=_opens(state, model, concerns_label),
        ),
        "overdue": stat_tile(
            overdue,
            t("office.overdue"),
            icon=ft.Icons.ALARM,
            emphasis=bool(overdue),
            key="dash-tile-overdue",
            on_click=_opens(state, model, t("office.overdue"), overdue=True),
        ),
    }


def _summary_tiles(state, model: Dashboard) -> list[ft.Control]:
    t, s = state.t, model.summary
    c = s.concerns
    shared = _place_tiles(
        state,
        model,
        PlaceFigures(
            households=s.households,
            households_visited=s.households_visited,
            coverage=s.coverage,
            visits=s.visits,
            person_times=s.person_times,
            concerns=c.total,
            concerns_resolved=c.by_status.get("resolved", 0),
            overdue=c.overdue,
        ),
        visits_label=t("office.visits", in_person=s.visits_in_person, phone=s.visits_phone),
        concerns_label=t("office.concerns_total"),
    )
    return [
        shared["visits"],
        shared["people"],
        shared["coverage"],
        shared["concerns"],
        stat_tile(
            f"{round(100 * c.resolved_rate)}%",
            t("office.resolved_rate", days=_days(t, c.median_days_to_resolve)),
            icon=ft.Icons.DONE_ALL,
            key="dash-tile-resolved",
        ),
        shared["overdue"],
        stat_tile(
            s.suggestions,
            t("office.suggestions"),
            icon=ft.Icons.LIGHTBULB_OUTLINE,
            key="dash-tile-suggestions",
        ),
        stat_tile(
            f"{s.lives_alone.visited_last_30_days}/{s.lives_alone.residents}",
            t("office.lives_alone"),
            icon=ft.Icons.ELDERLY,
            key="dash-tile-alone",
        ),
    ]


def _head_tiles(state, model: Dashboard, head) -> list[ft.Control]:
    t = state.t
    return list(
        _place_tiles(
            state,
            model,
            head,
            visits_label=t("office.visits_plain"),
            concerns_label=t("office.concerns_raised"),
        ).values()
    )


def _days(t, value: float | None) -> str:
    return (
        t("office.median_days", n=round(value, 1)) if value is not None else t("office.no_median")
    )


def _tiles(state, model, tiles: list[ft.Control]) -> ft.ResponsiveRow:
    for tile in tiles:
        tile.col = {"xs": 6, "md": 3}
        tile.expand = False
    return ft.ResponsiveRow(tiles, spacing=12, run_spacing=12, key="dash-tiles")


def _card(title: str, content: ft.Control, *, key: str | None = None) -> ft.Container:
    return ft.Container(
        content=ft.Column(
            [ft.Text(title, size=16, weight=ft.FontWeight.W_600, color=ft.Colors.PRIMARY), content],
            spacing=10,
        ),
        padding=16,
        border_radius=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        col={"xs": 12, "lg": 6},
        key=key,
    )


def _cards(cards: list[ft.Control]) -> ft.ResponsiveRow:
    return ft.ResponsiveRow(cards, spacing=16, run_spacing=16, key="dash-cards")


def _open_list(state, model: Dashboard, title: str, **filters: Any) -> None:
    state.nav.push(
        "office_concerns", title=title, ledger=model.ledger(), **model.list_filters(**filters)
    )


def _drill(state, model: Dashboard, *, name: str, **place: Any) -> None:
    here = model.place
    target = {
        "district_id": place.get("district_id", here.district_id),
        "estate_id": place.get("estate_id", here.estate_id),
        "head_id": place.get("head_id"),
    }
    state.nav.push(
        "office_place",
        period=model.period,
        first=model.first,
        last=model.last,
        trail=(*here.trail, name),
        **target,
    )
