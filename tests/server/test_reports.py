"""``GET /reports/summary``: the figures agree with the raw rows, periods are whole local
days, and each role sees what it may."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select, update

from server.app import create_app
from server.db.schema import concerns, residents, users
from server.settings import Settings
from tests.server.helpers import Api, concern, ok, transition, visit
from tests.server.report_oracle import expected_summary

URL = "/api/v1/reports/summary"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


async def _summary(api, first, last, **params):
    q = {"from": str(first), "to": str(last), **{k: v for k, v in params.items() if v}}
    return await api.client.get(URL, params=q, headers=api.headers)


def _heads(engine, demo) -> dict[str, dict]:
    with engine.connect() as conn:
        names = dict(conn.execute(select(users.c.id, users.c.name)).all())
    return {
        info["id"]: {"name": names[info["id"]], "username": u, "estate_ids": info["estate_ids"]}
        for u, info in demo.users.items()
        if info["role"] == "head"
    }


def _assert_agrees(body: dict, expected: dict) -> None:
    got = dict(body)
    for key in ("from", "to", "timezone", "district_id", "estate_id"):
        got.pop(key)
    median = got["concerns"].pop("median_days_to_resolve")
    want_median = expected["concerns"].pop("median_days_to_resolve")
    if want_median is None:
        assert median is None
    else:
        assert median == pytest.approx(want_median, abs=0.11)
    assert got == expected


async def _add_activity(login, demo) -> None:
    """Visits and concerns with known outcomes on top of the demo's history, so every figure
    has something to count (a resolution, a reopen, a suggestion, phone visits)."""
    head, dh = await login("head01"), await login("district1")
    hh = demo.household_of("head01")
    now = dt.datetime.now(dt.UTC)
    muts = [visit(hh, method="phone", people_reached=2, visited_at=now.isoformat())]
    concerns_ = [
        concern(hh, kind="suggestion", category="环境卫生"),
        concern(hh, kind="complaint", category="设施维修"),
        concern(hh, kind="request", category="设施维修"),
    ]
    assert ok(await head.push(*muts, *concerns_)) == ["applied"] * 4
    a, b, _ = (c["entity_id"] for c in concerns_)
    district_of_head01 = demo.estate_district[sorted(demo.users["head01"]["estate_ids"])[0]]
    reviewer = dh if demo.users["district1"]["district_id"] == district_of_head01 else None
    reviewer = reviewer or await login("staff")
    steps = [transition(a, "in_review"), transition(a, "resolved"), transition(b, "in_review")]
    assert ok(await reviewer.push(*steps)) == ["applied"] * 3


async def test_summary_agrees_with_the_rows_of_a_full_pull(login, engine, demo):
    await _add_activity(login, demo)
    staff = await login("staff")
    state = await staff.state()
    heads = _heads(engine, demo)
    today = _today()
    periods = [(dt.date(2026, 5, 1), today), (dt.date(2026, 9, 1), dt.date(2026, 9, 30))]
    for first, last in periods:
        r = await _summary(staff, first, last)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["from"] == str(first) and body["to"] == str(last)
        _assert_agrees(body, expected_summary(state, heads, first=first, last=last, today=_today()))
    whole = (await _summary(staff, *periods[0])).json()
    assert whole["visits"] > 0 and whole["concerns"]["total"] > 0
    assert whole["concerns"]["by_status"]["resolved"] >= 1
    assert whole["concerns"]["median_days_to_resolve"] is not None

    # one district, one estate
    district = demo.district_ids[0]
    estate = sorted(e for e, d in demo.estate_district.items() if d == district)[0]
    first, last = periods[0]
    for params, place in (
        ({"district_id": district}, {e for e, d in demo.estate_district.items() if d == district}),
        ({"estate_id": estate}, {estate}),
    ):
        r = await _summary(staff, first, last, **params)
        assert r.status_code == 200, r.text
        expected = expected_summary(
            state, heads, first=first, last=last, today=_today(), estate_ids=place
        )
        _assert_agrees(r.json(), expected)


async def test_period_is_whole_local_days(login, demo):
    """A visit at 23:30 Shanghai time on the 10th counts for the 10th, one at 00:10 on the
    11th (still the 10th in UTC) does not."""
    head, staff = await login("head01"), await login("staff")
    estate = sorted(demo.users["head01"]["estate_ids"])[0]
    hh = demo.households_by_estate[estate][0]
    late = dt.datetime(2025, 3, 10, 23, 30, tzinfo=SHANGHAI)
    after_midnight = dt.datetime(2025, 3, 11, 0, 10, tzinfo=SHANGHAI)
    assert after_midnight.astimezone(dt.UTC).date() == dt.date(2025, 3, 10)
    r = await head.push(
        visit(hh, visited_at=late.isoformat(), people_reached=3),
        visit(hh, visited_at=after_midnight.isoformat(), people_reached=5),
    )
    assert ok(r) == ["applied", "applied"]
    day10 = (await _summary(staff, "2025-03-10", "2025-03-10", estate_id=estate)).json()
    assert (day10["visits"], day10["person_times"], day10["households_visited"]) == (1, 3, 1)
    assert day10["visits_by_week"] == [{"week_start": "2025-03-10", "visits": 1, "person_times": 3}]
    day11 = (await _summary(staff, "2025-03-11", "2025-03-11", estate_id=estate)).json()
    assert (day11["visits"], day11["person_times"]) == (1, 5)
    both = (await _summary(staff, "2025-03-10", "2025-03-11", estate_id=estate)).json()
    assert (both["visits"], both["households_visited"]) == (2, 1)
    assert both["timezone"] == "Asia/Shanghai"


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
async def test_time_zone_is_configurable(login, demo, engine):
    """The same visit falls on another day when the community's zone is UTC."""
    head = await login("head01")
    hh = demo.household_of("head01")
    at = dt.datetime(2025, 3, 11, 0, 10, tzinfo=SHANGHAI)  # 2025-03-10 16:10 UTC
    assert ok(await head.push(visit(hh, visited_at=at.isoformat()))) == ["applied"]
    app = create_app(engine, Settings(community_timezone="UTC"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        staff = await Api.sign_in(client, "staff", "demo1234")
        body = (await _summary(staff, "2025-03-10", "2025-03-10")).json()
    assert body["timezone"] == "UTC" and body["visits"] == 1


async def test_concern_resolution_is_timed_and_a_reopen_clears_it(login, demo):
    head, staff = await login("head01"), await login("staff")
    c = concern(demo.household_of("head01"), category="设施维修")
    cid = c["entity_id"]
    created = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    c["created_at"] = created.isoformat()
    moves = [transition(cid, "in_review"), transition(cid, "resolved")]
    moves[1]["created_at"] = (created + dt.timedelta(days=2)).isoformat()
    assert ok(await staff.push(c, *moves)) == ["applied"] * 3
    data = (await head.state())[("concern", cid)]["data"]
    assert data["resolved_at"] is not None and data["due_date"] is not None
    today = _today()
    since = created.astimezone(SHANGHAI).date()
    body = (await _summary(staff, since, since)).json()
    assert body["concerns"]["by_status"]["resolved"] == 1
    assert body["concerns"]["median_days_to_resolve"] == pytest.approx(2.0, abs=0.01)
    assert ok(await head.push(transition(cid, "open"))) == ["applied"]
    data = (await head.state())[("concern", cid)]["data"]
    assert data["resolved_at"] is None
    body = (await _summary(staff, since, today)).json()
    assert body["concerns"]["median_days_to_resolve"] is None
    assert body["concerns"]["by_status"]["open"] == 1


async def test_overdue_counts_unfinished_concerns_past_their_due_date(login, demo, engine):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    late, done, fresh = (concern(hh) for _ in range(3))
    assert ok(await head.push(late, done, fresh)) == ["applied"] * 3
    assert ok(await staff.push(transition(done["entity_id"], "in_review"))) == ["applied"]
    assert ok(await staff.push(transition(done["entity_id"], "closed"))) == ["applied"]
    yesterday = (_today() - dt.timedelta(days=1)).isoformat()
    with engine.begin() as conn:
        conn.execute(
            update(concerns)
            .where(concerns.c.id.in_([late["entity_id"], done["entity_id"]]))
            .values(due_date=yesterday)
        )
    today = _today()
    body = (await _summary(staff, today, today)).json()
    assert body["concerns"]["overdue"] == 1
    estate = next(e for e in body["by_estate"] if e["overdue"])
    assert estate["estate_id"] in demo.users["head01"]["estate_ids"]
    mine = next(h for h in body["by_head"] if h["user_id"] == head.user["id"])
    assert (mine["concerns"], mine["overdue"]) == (3, 1)


# ---- who may see what --------------------------------------------------------------------


async def test_a_head_gets_403(login):
    head = await login("head01")
    r = await _summary(head, "2026-01-01", "2026-12-31")
    assert r.status_code == 403 and r.json()["detail"]


async def test_a_district_head_sees_their_district_and_nothing_else(login, demo):
    dh, staff = await login("district1"), await login("staff")
    mine = demo.users["district1"]["district_id"]
    other = next(d for d in demo.district_ids if d != mine)
    r = await _summary(dh, "2026-01-01", "2026-12-31")
    assert r.status_code == 200
    body = r.json()
    assert body["district_id"] == mine
    assert {e["district_id"] for e in body["by_estate"]} == {mine}
    as_staff = (await _summary(staff, "2026-01-01", "2026-12-31", district_id=mine)).json()
    assert body == as_staff
    assert (await _summary(dh, "2026-01-01", "2026-12-31", district_id=other)).status_code == 403
    foreign_estate = next(e for e, d in demo.estate_district.items() if d == other)
    r = await _summary(dh, "2026-01-01", "2026-12-31", estate_id=foreign_estate)
    assert r.status_code == 403
    own_estate = next(e for e, d in demo.estate_district.items() if d == mine)
    r = await _summary(dh, "2026-01-01", "2026-12-31", estate_id=own_estate)
    assert r.status_code == 200 and [e["estate_id"] for e in r.json()["by_estate"]] == [own_estate]


async def test_staff_see_the_whole_community(login, demo):
    staff = await login("staff")
    body = (await _summary(staff, "2026-01-01", "2026-12-31")).json()
    assert body["district_id"] is None
    assert {e["estate_id"] for e in body["by_estate"]} == set(demo.estate_district)
    heads = {u for u, i in demo.users.items() if i["role"] == "head"}
    assert len(body["by_head"]) == len(heads)


async def test_bad_requests_are_refused_clearly(login, demo, http):
    staff = await login("staff")
    assert (
        await http.get(URL, params={"from": "2026-01-01", "to": "2026-01-31"})
    ).status_code == 401
    r = await _summary(staff, "2026-02-01", "2026-01-01")
    assert r.status_code == 422 and "after" in r.json()["detail"]
    r = await _summary(staff, "1899-02-01", "2026-01-01")
    assert r.status_code == 422 and "between" in r.json()["detail"]
    assert (await _summary(staff, "2026-13-01", "2026-12-31")).status_code == 422
    r = await staff.client.get(URL, params={"from": "2026-01-01"}, headers=staff.headers)
    assert r.status_code == 422
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (await _summary(staff, "2026-01-01", "2026-12-31", estate_id=unknown)).status_code == 404
    r = await _summary(staff, "2026-01-01", "2026-12-31", district_id=unknown)
    assert r.status_code == 404
    r = await _summary(staff, "2026-01-01", "2026-12-31", district_id="not-a-uuid")
    assert r.status_code == 422
    d0, d1 = demo.district_ids[:2]
    estate_in_d1 = next(e for e, d in demo.estate_district.items() if d == d1)
    r = await _summary(staff, "2026-01-01", "2026-12-31", district_id=d0, estate_id=estate_in_d1)
    assert r.status_code == 422 and "not in district" in r.json()["detail"]


async def test_summary_is_documented_with_its_model_and_errors(http):
    spec = (await http.get("/openapi.json")).json()
    op = spec["paths"][URL]["get"]
    ok_schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok_schema["$ref"].endswith("/ReportSummary")
    for code in ("401", "403", "404", "422"):
        schema = op["responses"][code]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorBody"), code
    props = spec["components"]["schemas"]["ReportSummary"]["properties"]
    for field in (
        "residents",
        "households",
        "households_visited",
        "coverage",
        "visits",
        "visits_in_person",
        "visits_phone",
        "person_times",
        "concerns",
        "suggestions",
        "over_60",
        "lives_alone",
        "questionnaire_responses",
        "by_estate",
        "by_head",
    ):
        assert field in props, field
    params = {p["name"] for p in op["parameters"]}
    assert {"from", "to", "district_id", "estate_id"} <= params


async def test_the_concern_list_opens_each_concern_figure(login, demo, engine):
    await _add_activity(login, demo)
    staff = await login("staff")
    with engine.begin() as conn:  # make some of the demo's unfinished concerns overdue
        conn.execute(
            update(concerns)
            .where(concerns.c.status.in_(["open", "in_review"]))
            .values(due_date="2026-01-05")
        )
    first, last = "2026-05-01", str(_today())
    summary = (await _summary(staff, first, last)).json()

    async def listed(**params) -> dict:
        q = {"from": first, "to": last, **params}
        r = await staff.client.get("/api/v1/reports/concerns", params=q, headers=staff.headers)
        assert r.status_code == 200, r.text
        return r.json()

    figures = summary["concerns"]
    overdue = await listed(overdue="true")
    assert overdue["total"] == figures["overdue"] > 0
    assert all(c["overdue"] and c["status"] in ("open", "in_review") for c in overdue["concerns"])
    for status, n in figures["by_status"].items():
        assert (await listed(status=status))["total"] == n, status
    both = await listed(status=["open", "in_review"])
    assert both["total"] == figures["by_status"]["open"] + figures["by_status"]["in_review"]
    assert (await listed(kind="suggestion"))["total"] == summary["suggestions"]
    for head in summary["by_head"]:
        assert (await listed(raised_by=head["user_id"]))["total"] == head["concerns"]
    for estate in summary["by_estate"]:
        got = await listed(estate_id=estate["estate_id"], overdue="true")
        assert got["total"] == estate["overdue"]
    page = await listed(limit=2, offset=1)
    everything = await listed()
    assert everything["total"] == figures["total"]
    assert [c["id"] for c in page["concerns"]] == [c["id"] for c in everything["concerns"][1:3]]
    created = [c["created_at"] for c in everything["concerns"]]
    assert created == sorted(created)

    head = await login("head01")
    r = await head.client.get("/api/v1/reports/concerns", headers=head.headers)
    assert r.status_code == 403
    r = await staff.client.get(
        "/api/v1/reports/concerns", params={"from": first}, headers=staff.headers
    )
    assert r.status_code == 422


async def test_the_household_list_opens_the_coverage_figures(login, demo):
    staff, dh = await login("staff"), await login("district1")
    first, last = "2026-09-01", "2026-10-31"
    summary = (await _summary(staff, first, last)).json()

    async def listed(api, **params) -> dict:
        q = {"from": first, "to": last, **params}
        r = await api.client.get("/api/v1/reports/households", params=q, headers=api.headers)
        assert r.status_code == 200, r.text
        return r.json()

    visited = await listed(staff, visited="true", limit=1000)
    unvisited = await listed(staff, visited="false", limit=1000)
    assert visited["total"] == summary["households_visited"] > 0
    assert visited["total"] + unvisited["total"] == summary["households"]
    assert all(h["visits_in_period"] >= 1 for h in visited["households"])
    assert all(h["visits_in_period"] == 0 for h in unvisited["households"])
    ids = {h["id"] for h in visited["households"]} | {h["id"] for h in unvisited["households"]}
    assert len(ids) == summary["households"] and all(h["address"] for h in visited["households"])
    for estate in summary["by_estate"][:4]:
        got = await listed(staff, estate_id=estate["estate_id"], visited="false")
        assert got["total"] == estate["households"] - estate["households_visited"]
    # a district head's list is their district's
    mine = await listed(dh, visited="false", limit=1000)
    district = demo.users["district1"]["district_id"]
    assert {h["district_id"] for h in mine["households"]} == {district}
    head = await login("head01")
    q = {"from": first, "to": last}
    r = await head.client.get("/api/v1/reports/households", params=q, headers=head.headers)
    assert r.status_code == 403


class _CountingConnection:
    """A connection that counts the rows each statement hands to Python."""

    def __init__(self, conn) -> None:
        self._conn = conn
        self.dialect = conn.dialect
        self.rows: list[int] = []

    def execute(self, statement, *args, **kwargs):
        frozen = self._conn.execute(statement, *args, **kwargs).freeze()
        self.rows.append(len(frozen.data))
        return frozen()


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
async def test_the_summary_reads_aggregates_not_rows(login, demo, engine):
    """What reaches Python is bounded by groups (estates, users, statuses, categories,
    questionnaires), not by how many visits or residents there are."""
    from server.reports.period import Period
    from server.reports.place import Place
    from server.reports.summary import summarize

    def rows_read() -> list[int]:
        with engine.connect() as conn:
            counting = _CountingConnection(conn)
            summarize(
                counting,
                Place(),
                Period.of(dt.date(2025, 1, 1), _today(), "Asia/Shanghai"),
                today=_today(),
            )
        return counting.rows

    before = rows_read()
    head = await login("head01")
    hh = demo.households_by_estate[sorted(demo.users["head01"]["estate_ids"])[0]]
    many = [visit(h) for h in hh for _ in range(3)] + [concern(h) for h in hh]
    assert set(ok(await head.push(*many))) == {"applied"}
    after = rows_read()
    with engine.connect() as conn:
        n_residents = conn.execute(select(func.count()).select_from(residents)).scalar_one()
    assert sum(after) < n_residents / 2
    assert max(after) <= len(demo.estate_district) * 4  # at most a few groups per estate
    assert len(after) == len(before)
    # one head's many new visits and concerns add at most one group per estate and status
    assert sum(after) - sum(before) <= 2 * len(demo.users["head01"]["estate_ids"]) + 5


async def test_weeks_are_local_mondays_and_long_periods_have_none(login, demo):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    shanghai = dt.timezone(dt.timedelta(hours=8))
    sunday_night = dt.datetime(2025, 3, 16, 23, 50, tzinfo=shanghai)  # still Sunday locally
    monday_early = dt.datetime(2025, 3, 17, 0, 20, tzinfo=shanghai)  # Sunday in UTC
    r = await head.push(
        visit(hh, visited_at=sunday_night.isoformat(), people_reached=2),
        visit(hh, visited_at=monday_early.isoformat(), people_reached=3),
    )
    assert ok(r) == ["applied", "applied"]
    body = (await _summary(staff, "2025-03-12", "2025-03-18")).json()
    assert body["visits_by_week"] == [
        {"week_start": "2025-03-10", "visits": 1, "person_times": 2},
        {"week_start": "2025-03-17", "visits": 1, "person_times": 3},
    ]
    long = (await _summary(staff, "2020-01-01", "2025-03-18")).json()
    assert long["visits_by_week"] is None and long["visits"] >= 2


async def test_a_heads_weekly_series_adds_up_to_their_figures(login, demo):
    staff, dh, head = await login("staff"), await login("district1"), await login("head01")
    year = {"from": "2026-01-01", "to": "2026-11-30"}
    summary = (await _summary(staff, year["from"], year["to"])).json()
    weeks_url = "/api/v1/reports/weeks"
    whole = await staff.client.get(weeks_url, params=year, headers=staff.headers)
    assert whole.status_code == 200
    assert whole.json()["visits_by_week"] == summary["visits_by_week"]
    for h in summary["by_head"]:
        r = await staff.client.get(
            weeks_url, params=year | {"user_id": h["user_id"]}, headers=staff.headers
        )
        series = r.json()["visits_by_week"]
        assert [w["week_start"] for w in series] == [
            w["week_start"] for w in summary["visits_by_week"]
        ]
        assert sum(w["visits"] for w in series) == h["visits"], h["name"]
        assert sum(w["person_times"] for w in series) == h["person_times"], h["name"]
    other = next(d for d in demo.district_ids if d != demo.users["district1"]["district_id"])
    refused = await dh.client.get(
        weeks_url, params=year | {"district_id": other}, headers=dh.headers
    )
    assert refused.status_code == 403
    assert (await head.client.get(weeks_url, params=year, headers=head.headers)).status_code == 403
