"""Concern due dates: working days after the day a concern is raised, by category, in the
community's calendar."""

from __future__ import annotations

import datetime as dt

from server.domain.due_dates import add_working_days, due_date_for
from server.settings import Settings
from tests.server.helpers import concern, ok

FRIDAY = dt.date(2026, 11, 27)


def test_weekends_do_not_count():
    s = Settings()
    assert add_working_days(FRIDAY, 1, s) == dt.date(2026, 11, 30)  # Monday
    assert add_working_days(FRIDAY, 3, s) == dt.date(2026, 12, 2)
    assert add_working_days(dt.date(2026, 11, 28), 1, s) == dt.date(2026, 11, 30)  # from Sat


def test_holidays_are_skipped_and_worked_weekend_days_count():
    s = Settings(holidays=frozenset({dt.date(2026, 11, 30)}))
    assert add_working_days(FRIDAY, 1, s) == dt.date(2026, 12, 1)
    s = Settings(extra_workdays=frozenset({dt.date(2026, 11, 28)}))
    assert add_working_days(FRIDAY, 1, s) == dt.date(2026, 11, 28)


def test_category_sets_the_days_and_others_get_the_default():
    s = Settings(due_working_days={"设施维修": 3}, default_due_working_days=5)
    # raised on Friday 23:30 in Shanghai (still Friday 15:30 UTC)
    raised = dt.datetime(2026, 11, 27, 15, 30, tzinfo=dt.UTC)
    assert due_date_for("设施维修", raised, s) == dt.date(2026, 12, 2)
    assert due_date_for("其他", raised, s) == dt.date(2026, 12, 4)
    # 00:30 Saturday in Shanghai is Friday in UTC: the local day decides
    raised = dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC)
    assert due_date_for("设施维修", raised, s) == dt.date(2026, 12, 2)


async def test_a_new_concern_is_pulled_with_its_due_date(login, demo):
    head = await login("head01")
    c = concern(demo.household_of("head01"), category="设施维修")
    c["created_at"] = "2026-11-27T10:00:00+08:00"
    assert ok(await head.push(c)) == ["applied"]
    data = (await head.state())[("concern", c["entity_id"])]["data"]
    assert data["due_date"] == "2026-12-02"
    assert data["assignee_id"] is None and data["resolved_at"] is None
