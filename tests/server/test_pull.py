"""Pull: paging, consistency under concurrent writes, cursors (400/410), retention."""

from __future__ import annotations

import asyncio
import base64

from sqlalchemy import insert, select

from server.db.schema import concerns, estates, households, residents, user_estates, visits
from server.db.sequence import current_seq
from server.domain.communities import sole_community
from server.domain.retention import compact_history
from tests.server.helpers import concern, latest, mutation, ok, visit


def _table_versions(engine) -> dict[tuple[str, str], int]:
    """What the community holds right now, from the tables themselves."""
    out = {}
    with engine.connect() as conn:
        for entity, table in (
            ("household", households),
            ("resident", residents),
            ("concern", concerns),
        ):
            for id_, version in conn.execute(select(table.c.id, table.c.version)):
                out[(entity, id_)] = version
        for (id_,) in conn.execute(select(visits.c.id)):
            out[("visit", id_)] = 1
    return out


async def test_pages_from_no_cursor_hold_each_row_once(login, engine):
    staff = await login("staff")
    changes, _ = await staff.pull_all(limit=97)
    keys = [(c["entity"], c["id"]) for c in changes]
    assert len(keys) == len(set(keys))
    state = {
        k: v["version"]
        for k, v in latest(changes).items()
        if k[0] in ("household", "resident", "concern", "visit")
    }
    assert state == _table_versions(engine)


async def test_last_page_cursor_is_stable(login):
    head = await login("head01")
    _, cursor = await head.pull_all()
    r = await head.pull(cursor)
    assert r.status_code == 200
    assert r.json() == {"changes": [], "cursor": cursor, "has_more": False}


async def test_paging_stays_consistent_while_another_client_writes(login, demo, engine):
    staff, writer = await login("staff"), await login("head01")
    hh = demo.household_of("head01")
    res_ids = list(demo.residents_by_household[hh])
    stop = asyncio.Event()
    wrote = 0

    async def write():
        nonlocal wrote
        i = 0
        while not stop.is_set():
            with engine.connect() as conn:
                version = conn.execute(
                    select(households.c.version).where(households.c.id == hh)
                ).scalar_one()
            batch = [
                visit(hh),
                concern(hh),
                mutation(
                    "household.update", {"base_version": version, "fields": {"note": f"n{i}"}}, hh
                ),
            ]
            if i == 3 and res_ids:
                batch.append(mutation("resident.remove", {"reason": "moved_out"}, res_ids[0]))
            assert "rejected" not in ok(await writer.push(*batch))
            wrote += 1
            i += 1
            await asyncio.sleep(0)

    async def read():
        stream, cursor, pages = [], None, 0
        while True:
            r = await staff.pull(cursor, limit=40)
            assert r.status_code == 200
            page = r.json()
            keys = [(c["entity"], c["id"]) for c in page["changes"]]
            assert len(keys) == len(set(keys)), "an entity twice in one page"
            stream.extend(page["changes"])
            cursor, pages = page["cursor"], pages + 1
            if pages == 5:
                # make sure the reader really overlaps with writes before going on
                deadline = asyncio.get_running_loop().time() + 30
                while wrote < 3:
                    assert asyncio.get_running_loop().time() < deadline
                    await asyncio.sleep(0.01)
            if not page["has_more"]:
                return stream, cursor
            await asyncio.sleep(0)

    writer_task = asyncio.create_task(write())
    stream, cursor = await read()
    stop.set()
    await writer_task
    assert wrote >= 3
    # later writes show up after the final cursor
    rest, _ = await staff.pull_all(cursor)
    stream += rest

    seen: dict[tuple[str, str], int] = {}
    for ch in stream:  # versions never go backwards
        key = (ch["entity"], ch["id"])
        assert ch["version"] >= seen.get(key, 0), key
        seen[key] = ch["version"]
    state = {
        k: v["version"]
        for k, v in latest(stream).items()
        if k[0] in ("household", "resident", "concern", "visit")
    }
    assert state == _table_versions(engine)
    if res_ids:
        assert ("resident", res_ids[0]) not in state


async def test_malformed_cursors_get_400(login):
    head = await login("head01")
    bad = [
        "not base64 !!",
        "abc",
        base64.urlsafe_b64encode(b"2.5.abcdef").decode(),
        base64.urlsafe_b64encode(b"1.-3.abcdef").decode(),
        base64.urlsafe_b64encode(b"1.x.abcdef").decode(),
        base64.urlsafe_b64encode(b"1.5").decode(),
        base64.urlsafe_b64encode("1.５.abc".encode()).decode(),
        "A" * 5000,
    ]
    for cursor in bad:
        r = await head.pull(cursor)
        assert r.status_code == 400, cursor


async def test_limit_bounds(login):
    head = await login("head01")
    assert (await head.pull(limit=0)).status_code == 422
    assert (await head.pull(limit=5001)).status_code == 422
    r = await head.pull(limit=5000)
    assert r.status_code == 200


async def test_cursor_below_the_history_floor_gets_410(login, demo, engine):
    head = await login("head01")
    _, old_cursor = await head.pull_all()
    hh = demo.household_of("head01")
    removed = demo.residents_by_household[hh][0]
    await head.push(mutation("resident.remove", {"reason": "deceased"}, removed), visit(hh))
    _, fresh_cursor = await head.pull_all(old_cursor)
    with engine.connect() as conn:
        community = sole_community(conn)
        top = current_seq(conn, community)
    assert compact_history(engine, community, top) >= 1
    assert (await head.pull(old_cursor)).status_code == 410
    # a cursor at the floor is still good, and starting over holds no tombstone
    assert (await head.pull(fresh_cursor)).status_code == 200
    changes, _ = await head.pull_all()
    assert all(c["op"] == "upsert" for c in changes)
    assert ("resident", removed) not in latest(changes)


async def test_cursor_taken_under_another_scope_gets_410(login, demo, engine):
    head = await login("head01")
    _, cursor = await head.pull_all()
    mine = demo.users["head01"]["estate_ids"]
    with engine.connect() as conn:
        other = next(e for e in conn.execute(select(estates.c.id)).scalars() if e not in mine)
    with engine.begin() as conn:
        conn.execute(insert(user_estates).values(user_id=head.user["id"], estate_id=other))
    r = await head.pull(cursor)
    assert r.status_code == 410
    changes, _ = await head.pull_all()  # starting again now includes the new estate
    assert ("estate", other) in latest(changes)


async def test_cursor_from_the_future_gets_410(login):
    head = await login("head01")
    _, cursor = await head.pull_all()
    seq, fp = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(".")[1:]
    future = base64.urlsafe_b64encode(f"1.{int(seq) + 1000}.{fp}".encode()).decode().rstrip("=")
    assert (await head.pull(future)).status_code == 410
