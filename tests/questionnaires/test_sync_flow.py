"""End to end: a resident answers on the real server (``python -m server serve`` in a
subprocess, over HTTP), and the answer reaches the phone store of the head whose estates
cover it, and of no other head, at their next sync (services.store + services.sync)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from server.db.engine import open_engine
from server.db.schema import estates, households, user_estates, users
from services.auth import login
from services.store import Store
from services.sync import SyncEngine
from tests.questionnaires.conftest import TOKEN_RE, VALID_RESIDENT_INFO
from tests.services.serverproc import ServerProcess


@pytest.fixture
def server(db_path):
    proc = ServerProcess(db_path).start()
    yield proc
    proc.stop()


def _heads(db_path: str):
    """An estate of head01's and one of its households; a head covering none of it; the
    district head over it; a district head of another district."""
    engine = open_engine(db_path)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(users.c.username, user_estates.c.estate_id).join(
                    user_estates, user_estates.c.user_id == users.c.id
                )
            ).all()
            cover = {}
            for username, estate_id in rows:
                cover.setdefault(username, set()).add(estate_id)
            estate_id = sorted(cover["head01"])[0]
            household_id, district_id = conn.execute(
                select(households.c.id, estates.c.district_id)
                .join(estates, estates.c.id == households.c.estate_id)
                .where(households.c.estate_id == estate_id)
                .limit(1)
            ).one()
            district_heads = dict(
                conn.execute(
                    select(users.c.district_id, users.c.username).where(
                        users.c.role == "district_head"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    others = sorted(u for u, es in cover.items() if u.startswith("head") and estate_id not in es)
    other_district = sorted(u for d, u in district_heads.items() if d != district_id)
    return estate_id, household_id, others[0], district_heads[district_id], other_district[0]


async def _phone(tmp_path, server, username) -> tuple[Store, SyncEngine]:
    token, _user = await login(server.url, username, "demo1234", f"dev-{username}")
    store = Store(tmp_path / f"{username}.db")
    store.set_user(_user)
    return store, SyncEngine(store, server.url, token, device_id=f"dev-{username}")


async def test_answer_reaches_the_covering_heads_phone_and_no_other(server, db_path, tmp_path):
    estate_id, household_id, stranger, district_head, other_district_head = _heads(db_path)
    phones = {
        name: await _phone(tmp_path, server, name)
        for name in ("head01", stranger, district_head, other_district_head)
    }
    own_store, own_engine = phones["head01"]
    other_store, other_engine = phones[stranger]
    for _store, engine in phones.values():
        status = await engine.sync_now()
        assert status.last_error is None
    assert own_store.responses_to_review() == [] and other_store.responses_to_review() == []

    # the resident scans the QR the head shows at the door and answers on their own phone
    async with httpx.AsyncClient(base_url=server.url) as browser:
        page = await browser.get("/q/resident-info", params={"e": estate_id, "h": household_id})
        assert page.status_code == 200
        token = TOKEN_RE.search(page.text).group(1)
        form = {"_token": token, "_lang": "zh", **VALID_RESIDENT_INFO}
        done = await browser.post("/q/resident-info", data=form)
        assert done.status_code == 303

    for _store, engine in phones.values():
        status = await engine.sync_now()
        assert status.last_error is None
    mine = own_store.responses_to_review()
    assert len(mine) == 1
    answer = mine[0]
    assert answer["estate_id"] == estate_id and answer["household_id"] == household_id
    assert answer["answers"]["address"] == "3-2-401" and answer["answers"]["people_count"] == 3
    assert answer["status"] == "new"
    assert other_store.responses_to_review() == []
    # the district head over that estate sees it too; another district's does not
    assert [r["id"] for r in phones[district_head][0].responses_to_review()] == [answer["id"]]
    assert phones[other_district_head][0].responses_to_review() == []
    for _store, engine in phones.values():
        await engine.stop()
