"""The report's figures recomputed in plain Python from what a full staff pull holds: an
independent second opinion on the SQL in server/reports (no code shared with it)."""

from __future__ import annotations

import datetime as dt
import statistics
from zoneinfo import ZoneInfo


def _local_day(ts: str, zone: ZoneInfo) -> dt.date:
    return dt.datetime.fromisoformat(ts).astimezone(zone).date()


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def expected_summary(
    state: dict[tuple[str, str], dict],
    heads: dict[str, dict],
    *,
    first: dt.date,
    last: dt.date,
    today: dt.date,
    estate_ids: set[str] | None = None,
    timezone: str = "Asia/Shanghai",
) -> dict:
    """``heads``: user id -> {"name", "username", "estate_ids"} for every neighbour head.
    ``estate_ids``: the place (None = the whole community)."""
    zone = ZoneInfo(timezone)

    def of(entity: str) -> list[dict]:
        return [ch["data"] for (e, _), ch in state.items() if e == entity]

    estates = {e["id"]: e for e in of("estate")}
    place = set(estates) if estate_ids is None else set(estate_ids)
    households = {h["id"]: h for h in of("household") if h["estate_id"] in place}
    residents = [r for r in of("resident") if r["household_id"] in households]
    in_period = lambda ts: first <= _local_day(ts, zone) <= last  # noqa: E731
    visits = [v for v in of("visit") if v["household_id"] in households]
    period_visits = [v for v in visits if in_period(v["visited_at"])]
    concerns = [
        c for c in of("concern") if c["household_id"] in households and in_period(c["created_at"])
    ]

    def is_overdue(c):
        return (
            c["status"] in ("open", "in_review")
            and c.get("due_date") is not None
            and c["due_date"] < today.isoformat()
        )

    def place_figures(hh_ids: set[str], vs: list[dict], cs: list[dict]) -> dict:
        visited = {v["household_id"] for v in period_visits if v["household_id"] in hh_ids}
        return {
            "households": len(hh_ids),
            "households_visited": len(visited),
            "coverage": _ratio(len(visited), len(hh_ids)),
            "visits": len(vs),
            "person_times": sum(v["people_reached"] for v in vs),
            "concerns": len(cs),
            "concerns_resolved": sum(c["status"] == "resolved" for c in cs),
            "overdue": sum(is_overdue(c) for c in cs),
        }

    by_status = dict.fromkeys(("open", "in_review", "resolved", "referred", "closed"), 0)
    by_kind = dict.fromkeys(("request", "complaint", "suggestion"), 0)
    by_category: dict[str, int] = {}
    for c in concerns:
        by_status[c["status"]] += 1
        by_kind[c["kind"]] += 1
        by_category[c["category"]] = by_category.get(c["category"], 0) + 1
    days = [
        (dt.datetime.fromisoformat(c["resolved_at"]) - dt.datetime.fromisoformat(c["created_at"]))
        / dt.timedelta(days=1)
        for c in concerns
        if c["status"] == "resolved" and c.get("resolved_at")
    ]
    over_60 = [r for r in residents if r["birth_year"] and last.year - r["birth_year"] >= 60]
    alone = [r for r in residents if "lives_alone" in r["flags"]]
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, zone)
    recent = {
        v["household_id"]
        for v in visits
        if end - dt.timedelta(days=30) <= dt.datetime.fromisoformat(v["visited_at"]) < end
    }
    questionnaires = {q["id"]: q["slug"] for q in of("questionnaire")}
    responses = dict.fromkeys(sorted(questionnaires.values()), 0)
    for a in of("questionnaire_response"):
        if not in_period(a["submitted_at"]):
            continue
        if estate_ids is not None and a.get("estate_id") not in place:
            continue
        responses[questionnaires[a["questionnaire_id"]]] += 1

    by_estate = []
    for e in sorted((estates[i] for i in place), key=lambda e: (e["district_id"], e["name"])):
        hh_ids = {h for h, row in households.items() if row["estate_id"] == e["id"]}
        by_estate.append(
            {
                "estate_id": e["id"],
                "name": e["name"],
                "district_id": e["district_id"],
                **place_figures(
                    hh_ids,
                    [v for v in period_visits if v["household_id"] in hh_ids],
                    [c for c in concerns if c["household_id"] in hh_ids],
                ),
            }
        )
    by_head = []
    for user_id, head in sorted(heads.items(), key=lambda kv: kv[1]["username"]):
        theirs = head["estate_ids"] & place
        if not theirs:
            continue
        hh_ids = {h for h, row in households.items() if row["estate_id"] in theirs}
        figures = place_figures(
            hh_ids,
            [v for v in period_visits if v["user_id"] == user_id],
            [c for c in concerns if c["created_by"] == user_id],
        )
        by_head.append(
            {"user_id": user_id, "name": head["name"], "estates": len(theirs), **figures}
        )

    monday = first - dt.timedelta(days=first.weekday())
    weeks = [monday + dt.timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
    by_week = {w: [0, 0] for w in weeks}
    for v in period_visits:
        day = _local_day(v["visited_at"], zone)
        week = by_week[day - dt.timedelta(days=day.weekday())]
        week[0] += 1
        week[1] += v["people_reached"]

    return {
        "visits_by_week": [
            {"week_start": str(w), "visits": n, "person_times": p} for w, (n, p) in by_week.items()
        ]
        if len(weeks) <= 106
        else None,
        "residents": len(residents),
        "households": len(households),
        "households_visited": len({v["household_id"] for v in period_visits}),
        "coverage": _ratio(len({v["household_id"] for v in period_visits}), len(households)),
        "visits": len(period_visits),
        "visits_in_person": sum(v["method"] == "in_person" for v in period_visits),
        "visits_phone": sum(v["method"] == "phone" for v in period_visits),
        "person_times": sum(v["people_reached"] for v in period_visits),
        "concerns": {
            "total": len(concerns),
            "by_status": by_status,
            "by_kind": by_kind,
            "by_category": by_category,
            "resolved_rate": _ratio(by_status["resolved"], len(concerns)),
            "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
            "overdue": sum(is_overdue(c) for c in concerns),
        },
        "suggestions": by_kind["suggestion"],
        "over_60": {
            "residents": len(over_60),
            "vaccinated": sum(r["vaccination"] in ("partial", "full", "booster") for r in over_60),
            "not_vaccinated": sum(r["vaccination"] in ("none", "unknown") for r in over_60),
        },
        "lives_alone": {
            "residents": len(alone),
            "visited_last_30_days": sum(r["household_id"] in recent for r in alone),
        },
        "questionnaire_responses": responses,
        "by_estate": by_estate,
        "by_head": by_head,
    }
