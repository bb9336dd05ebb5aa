"""The office's figures for a place and a period, counted by the database.

Every figure comes from an aggregate query (SQLAlchemy Core, the same on SQLite and
PostgreSQL). What reaches Python are aggregates only: counts grouped by estate (and by the
head who visited or raised the concern, and by status, kind and category), one row of
resident figures, one count per questionnaire. The totals, the per-estate and the per-head
figures are sums of those groups: estates partition households, so a household's visits and
concerns fall in exactly one estate. All statements run in one read transaction, so the
figures agree with each other.

Definitions (docs/server-api.md "Reports"):
- a visit counts in the period by ``visited_at``, a concern by ``created_at``, an answer by
  ``submitted_at``; a concern's status, due date and resolution are as they are now;
- overdue: open or in review, with a due date before ``today`` (local);
- over 60: born in or before the period's last year minus 60; lives alone: the resident's
  ``lives_alone`` flag; "visited in the last 30 days": their household had a visit in the
  30 local days up to the period's end.
"""

from __future__ import annotations

import collections
import datetime as dt
import statistics
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    ColumnElement,
    Connection,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    true,
)

from server.db.schema import (
    concerns,
    estates,
    households,
    questionnaire_responses,
    questionnaires,
    residents,
    user_estates,
    users,
    visits,
)
from server.reports.period import Period
from server.reports.place import Place
from services.protocol import CONCERN_STATUSES, UNFINISHED_STATUSES

CONCERN_KINDS = ("request", "complaint", "suggestion")
VACCINATED = ("partial", "full", "booster")


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum(column) -> ColumnElement[int]:
    return func.coalesce(func.sum(column), 0)


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _days_between(conn: Connection, later, earlier) -> ColumnElement[float]:
    """Days from one stored timestamp to another, as a real number."""
    if conn.dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    tstz = TIMESTAMP(timezone=True)
    return func.extract("epoch", cast(later, tstz) - cast(earlier, tstz)) / 86400.0


class _Figures:
    """Per-estate sums, filled from the grouped queries."""

    def __init__(self) -> None:
        self.households: collections.Counter[str] = collections.Counter()
        self.visited: collections.Counter[str] = collections.Counter()
        # (estate, user) -> [visits, people reached, in person, by phone]
        self.visits: dict[tuple[str, str], list[int]] = {}
        # (estate, creator) -> [concerns, resolved, overdue]
        self.concerns: dict[tuple[str, str], list[int]] = {}

    def place(
        self, estate_ids: set[str], who: str | None = None, active_in: set[str] | None = None
    ) -> dict[str, int | float]:
        """Households and coverage of ``estate_ids``; visits and concerns there too, or with
        ``who``, that user's visits and concerns in ``active_in``."""
        active_in = estate_ids if active_in is None else active_in

        def total(groups: dict[tuple[str, str], list[int]], width: int) -> list[int]:
            out = [0] * width
            for (estate, user), values in groups.items():
                if estate in active_in and (who is None or user == who):
                    out = [a + b for a, b in zip(out, values, strict=True)]
            return out

        n_households = sum(self.households[e] for e in estate_ids)
        visited = sum(self.visited[e] for e in estate_ids)
        v = total(self.visits, 4)
        c = total(self.concerns, 3)
        return {
            "households": n_households,
            "households_visited": visited,
            "coverage": _ratio(visited, n_households),
            "visits": v[0],
            "person_times": v[1],
            "concerns": c[0],
            "concerns_resolved": c[1],
            "overdue": c[2],
        }


def summarize(conn: Connection, place: Place, period: Period, *, today: dt.date) -> dict[str, Any]:
    """The ``ReportSummary`` of ``place`` over ``period``; ``today`` (local) decides overdue."""
    in_place = true() if place.is_community else households.c.estate_id.in_(place.estate_ids())
    estate = households.c.estate_id
    place_estates = {
        e.id: e
        for e in conn.execute(
            select(estates.c.id, estates.c.name, estates.c.district_id).where(
                place.estates_clause()
            )
        )
    }
    figures = _Figures()

    figures.households.update(
        dict(conn.execute(select(estate, func.count()).where(in_place).group_by(estate)).all())
    )

    # visits in the period
    visited_households = visits.join(households, households.c.id == visits.c.household_id)
    in_period = and_(
        in_place, visits.c.visited_at >= period.start, visits.c.visited_at < period.end
    )
    for estate_id, user_id, *values in conn.execute(
        select(
            estate,
            visits.c.user_id,
            func.count(),
            _sum(visits.c.people_reached),
            _count_if(visits.c.method == "in_person"),
            _count_if(visits.c.method == "phone"),
        )
        .select_from(visited_households)
        .where(in_period)
        .group_by(estate, visits.c.user_id)
    ):
        figures.visits[(estate_id, user_id)] = values
    figures.visited.update(
        dict(
            conn.execute(
                select(estate, func.count(visits.c.household_id.distinct()))
                .select_from(visited_households)
                .where(in_period)
                .group_by(estate)
            ).all()
        )
    )

    concern_figures = _concerns(conn, place, period, in_place, today, figures)
    every_estate = set(place_estates)
    totals = figures.place(every_estate)
    by_kind_visits = [sum(v[i] for v in figures.visits.values()) for i in (2, 3)]
    return {
        "from": period.first,
        "to": period.last,
        "timezone": period.timezone,
        "district_id": place.district_id,
        "estate_id": place.estate_id,
        "households": totals["households"],
        "households_visited": totals["households_visited"],
        "coverage": totals["coverage"],
        "visits": totals["visits"],
        "visits_in_person": by_kind_visits[0],
        "visits_phone": by_kind_visits[1],
        "person_times": totals["person_times"],
        "concerns": concern_figures,
        "suggestions": concern_figures["by_kind"]["suggestion"],
        **_residents(conn, period, in_place),
        "questionnaire_responses": _responses(conn, place, period),
        "by_estate": [
            {"estate_id": e.id, "name": e.name, "district_id": e.district_id}
            | figures.place({e.id})
            for e in sorted(place_estates.values(), key=lambda e: (e.district_id, e.name))
        ],
        "by_head": _by_head(conn, place, figures, every_estate),
        "visits_by_week": weekly_visits(conn, place, period),
    }


def weekly_visits(
    conn: Connection, place: Place, period: Period, *, user_id: str | None = None
) -> list | None:
    """Visits and person-times per local week in ``place`` over ``period`` (the summary's
    ``visits_by_week``), or only those ``user_id`` made there; None past ``MAX_WEEKS``."""
    in_place = true() if place.is_community else households.c.estate_id.in_(place.estate_ids())
    visited_households = visits.join(households, households.c.id == visits.c.household_id)
    in_period = and_(
        in_place, visits.c.visited_at >= period.start, visits.c.visited_at < period.end
    )
    if user_id is not None:
        in_period = and_(in_period, visits.c.user_id == user_id)
    return _by_week(conn, period, visited_households, in_period)


#: Longest period with a weekly series (two years of weeks).
MAX_WEEKS = 106


def _by_week(conn: Connection, period: Period, visited_households, in_period) -> list | None:
    """Visits and person-times per local week (Monday first; the first and last weeks only
    count their days inside the period). Each visit falls in a bucket by comparing
    ``visited_at`` with the weeks' first instants, computed here with the zone's rules."""
    weeks = period.week_starts()
    if len(weeks) > MAX_WEEKS:
        return None
    later = [period.midnight(w) for w in weeks[1:]]
    bucket = (
        case(
            *((visits.c.visited_at < start, i) for i, start in enumerate(later)),
            else_=len(later),
        )
        if later
        else literal(0)  # one week: every visit in it
    )
    per_visit = (
        select(bucket.label("week"), visits.c.people_reached)
        .select_from(visited_households)
        .where(in_period)
        .subquery()
    )
    counted = {
        week: (n, people)
        for week, n, people in conn.execute(
            select(per_visit.c.week, func.count(), _sum(per_visit.c.people_reached)).group_by(
                per_visit.c.week
            )
        )
    }
    return [
        {
            "week_start": w,
            "visits": counted.get(i, (0, 0))[0],
            "person_times": counted.get(i, (0, 0))[1],
        }
        for i, w in enumerate(weeks)
    ]


def _residents(conn: Connection, period: Period, in_place) -> dict[str, Any]:
    over_60 = literal(period.last.year) - residents.c.birth_year >= 60
    lives_alone = cast(residents.c.flags, Text).like('%"lives_alone"%')
    visited_lately = residents.c.household_id.in_(
        select(visits.c.household_id).where(
            visits.c.visited_at >= period.end_minus(30), visits.c.visited_at < period.end
        )
    )
    query = select(
        func.count(),
        _count_if(over_60),
        _count_if(and_(over_60, residents.c.vaccination.in_(VACCINATED))),
        _count_if(lives_alone),
        _count_if(and_(lives_alone, visited_lately)),
    )
    if in_place is not true():  # the whole community needs no join
        query = query.select_from(
            residents.join(households, households.c.id == residents.c.household_id)
        ).where(in_place)
    n, old, vaccinated, alone, alone_visited = conn.execute(query).one()
    return {
        "residents": n,
        "over_60": {"residents": old, "vaccinated": vaccinated, "not_vaccinated": old - vaccinated},
        "lives_alone": {"residents": alone, "visited_last_30_days": alone_visited},
    }


def _concerns(conn, place, period, in_place, today: dt.date, figures: _Figures) -> dict:
    scoped = concerns.join(households, households.c.id == concerns.c.household_id)
    created_in_period = and_(
        in_place, concerns.c.created_at >= period.start, concerns.c.created_at < period.end
    )
    overdue = and_(
        concerns.c.status.in_(UNFINISHED_STATUSES),
        concerns.c.due_date.is_not(None),
        concerns.c.due_date < today.isoformat(),
    )
    by_status = dict.fromkeys(CONCERN_STATUSES, 0)
    by_kind = dict.fromkeys(CONCERN_KINDS, 0)
    by_category: collections.Counter[str] = collections.Counter()
    n_overdue = 0
    for estate_id, creator, status, kind, category, n, late in conn.execute(
        select(
            households.c.estate_id,
            concerns.c.created_by,
            concerns.c.status,
            concerns.c.kind,
            concerns.c.category,
            func.count(),
            _count_if(overdue),
        )
        .select_from(scoped)
        .where(created_in_period)
        .group_by(
            households.c.estate_id,
            concerns.c.created_by,
            concerns.c.status,
            concerns.c.kind,
            concerns.c.category,
        )
    ):
        by_status[status] = by_status.get(status, 0) + n
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_category[category] += n
        n_overdue += late
        group = figures.concerns.setdefault((estate_id, creator), [0, 0, 0])
        group[0] += n
        group[1] += n if status == "resolved" else 0
        group[2] += late
    total = sum(by_status.values())

    # the median of resolution times: the middle one or two rows by a window, averaged
    days = _days_between(conn, concerns.c.resolved_at, concerns.c.created_at).label("days")
    ranked = (
        select(
            days,
            func.row_number().over(order_by=days).label("rn"),
            func.count().over().label("n"),
        )
        .select_from(scoped)
        .where(
            created_in_period, concerns.c.status == "resolved", concerns.c.resolved_at.is_not(None)
        )
        .subquery()
    )
    middle = [
        float(d)
        for d in conn.execute(
            select(ranked.c.days).where(
                ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
            )
        ).scalars()
    ]
    return {
        "total": total,
        "by_status": by_status,
        "by_kind": by_kind,
        "by_category": dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        "resolved_rate": _ratio(by_status["resolved"], total),
        "median_days_to_resolve": round(statistics.fmean(middle), 1) if middle else None,
        "overdue": n_overdue,
    }


def _responses(conn: Connection, place: Place, period: Period) -> dict[str, int]:
    """Every questionnaire, with its answers in the period (answers that name no estate count
    for their whole community only)."""
    joined = and_(
        questionnaire_responses.c.questionnaire_id == questionnaires.c.id,
        questionnaire_responses.c.submitted_at >= period.start,
        questionnaire_responses.c.submitted_at < period.end,
        place.responses_clause(),
    )
    rows = conn.execute(
        select(questionnaires.c.slug, func.count(questionnaire_responses.c.id))
        .select_from(questionnaires.outerjoin(questionnaire_responses, joined))
        .group_by(questionnaires.c.slug)
    ).all()
    return dict(sorted(rows))


def _by_head(
    conn: Connection, place: Place, figures: _Figures, every_estate: set[str]
) -> list[dict]:
    """Neighbour heads with an estate in the place: their estates' households and coverage,
    the visits they made and the concerns they raised there."""
    assigned: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    for username, user_id, name, estate_id in conn.execute(
        select(users.c.username, users.c.id, users.c.name, user_estates.c.estate_id)
        .select_from(users.join(user_estates, users.c.id == user_estates.c.user_id))
        .where(user_estates.c.estate_id.in_(place.estate_ids()), users.c.role == "head")
    ):
        assigned[(username, user_id, name)].add(estate_id)
    return [
        {"user_id": user_id, "name": name, "estates": len(theirs)}
        | figures.place(theirs, who=user_id, active_in=every_estate)
        for (_, user_id, name), theirs in sorted(assigned.items())
    ]
