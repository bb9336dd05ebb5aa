"""Pull pages are bounded in bytes, and a stored change a pull cannot encode is skipped and
logged (entity and id only) instead of failing every pull that reaches it."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from server.db.engine import write_tx
from server.db.schema import changes
from server.domain.pull import pull_page
from server.domain.tokens import principal_for_token
from server.logging_setup import JsonFormatter
from server.settings import Settings
from tests.server.helpers import latest, ok, visit
from tests.server.rawrows import old_json, read_json_text, write_json_text

BUDGET = 6000
ENVELOPE = 512  # the page's cursor and has_more around the changes
SECRET = "住户电话13812345678"


@pytest.fixture
def settings() -> Settings:
    return Settings(pull_max_bytes=BUDGET)


def _unbounded(engine, api) -> list[dict]:
    """Every change in the caller's scope in one page, straight from the domain."""
    with engine.connect() as conn:
        principal = principal_for_token(conn, api.token)
    page = pull_page(engine, principal, None, 5000, max_bytes=10**9)
    body = json.loads(page.body)
    assert not body["has_more"]
    return body["changes"]


async def _pages(api, limit: int = 5000) -> list[tuple[int, list[dict]]]:
    """(bytes of the response body, changes) per page of a full pull."""
    out, cursor = [], None
    while True:
        r = await api.pull(cursor, limit)
        assert r.status_code == 200, r.text
        page = r.json()
        out.append((len(r.content), page["changes"]))
        cursor = page["cursor"]
        if not page["has_more"]:
            return out


async def test_pages_end_at_the_byte_budget_and_together_hold_everything(login, engine):
    staff = await login("staff")
    pages = await _pages(staff)
    assert len(pages) > 3
    for size, page in pages[:-1]:
        assert len(page) == 1 or size <= BUDGET + ENVELOPE
    pulled = [c for _, page in pages for c in page]
    assert pulled == _unbounded(engine, staff)


async def test_a_change_larger_than_the_budget_comes_alone(login, demo):
    head = await login("head01")
    hh = demo.household_of("head01")
    big = visit(hh, notes="长" * 3000)  # about 9 kB of UTF-8, over the budget on its own
    assert ok(await head.push(visit(hh), big, visit(hh))) == ["applied"] * 3
    pages = await _pages(head)
    [alone] = [page for _, page in pages if any(c["id"] == big["entity_id"] for c in page)]
    assert len(alone) == 1
    state = latest([c for _, page in pages for c in page])
    assert state[("visit", big["entity_id"])]["data"]["notes"] == "长" * 3000


def _spoil(engine, entity_id: str, how: str) -> None:
    """Rewrite the stored pull data of a visit as an older version could have left it."""
    with write_tx(engine) as conn:
        key = {"entity": "visit", "entity_id": entity_id}
        data = json.loads(read_json_text(conn, "changes", "data", **key))
        if how == "nan":
            data["answers"]["household_size"] = float("nan")
        elif how == "infinity":
            data["answers"]["household_size"] = float("-inf")
        elif how == "surrogate":
            data["answers"]["suggestions"] = "好\udc00"
        elif how == "surrogate key":
            data["answers"]["\ud800"] = "x"
        elif how == "not an object":
            data = [data]
        write_json_text(conn, "changes", "data", old_json(data), **key)


async def test_a_stored_change_that_cannot_be_encoded_is_skipped_and_logged_by_id_only(
    login, demo, engine, db_kind, caplog
):
    # PostgreSQL's json type never accepted NaN or Infinity: there only surrogates got stored
    kinds = ["surrogate", "surrogate key", "not an object"]
    kinds += ["nan", "infinity"] if db_kind == "sqlite" else []
    hh = demo.household_of("head01")
    district = demo.estate_district[sorted(demo.users["head01"]["estate_ids"])[0]]
    [above] = [n for n, u in demo.users.items() if u["district_id"] == district]
    head, district_head = await login("head01"), await login(above)
    good = [visit(hh, notes=SECRET, answers={"household_size": 3}) for _ in range(4)]
    bad = [visit(hh, notes=SECRET, answers={"household_size": 3}) for _ in kinds]
    assert set(ok(await head.push(*good, *bad))) == {"applied"}
    for m, how in zip(bad, kinds, strict=True):
        _spoil(engine, m["entity_id"], how)

    caplog.set_level(logging.WARNING, logger="xianglin.pull")
    for api in (head, district_head):
        caplog.clear()
        changes, _ = await api.pull_all(limit=3)  # small pages: the cursor must move past
        pulled = {c["id"] for c in changes if c["entity"] == "visit"}
        assert {m["entity_id"] for m in good} <= pulled
        assert not {m["entity_id"] for m in bad} & pulled
        records = [r for r in caplog.records if r.name == "xianglin.pull"]
        assert sorted(r.entity_id for r in records) == sorted(m["entity_id"] for m in bad)
        lines = "\n".join(JsonFormatter().format(r) for r in records)
        assert SECRET not in lines and "13812345678" not in lines and "household_size" not in lines
        assert all(json.loads(line)["entity"] == "visit" for line in lines.splitlines())


async def test_a_pull_without_stored_damage_skips_nothing(login, engine, caplog):
    caplog.set_level(logging.WARNING, logger="xianglin.pull")
    staff = await login("staff")
    pulled, _ = await staff.pull_all()
    with engine.connect() as conn:  # staff's scope is the whole community
        assert len(pulled) == conn.execute(select(func.count()).select_from(changes)).scalar()
    assert [r for r in caplog.records if r.name == "xianglin.pull"] == []
