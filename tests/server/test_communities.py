"""Communities at the top of the hierarchy: each community's users see and write only in it;
a street user reads its communities (masked, never writing) through one cursor; and a database
made by the old one-community schema keeps every phone's cursor valid through the migration."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from alembic import command
from sqlalchemy import func, select, text

from server.app import create_app
from server.db.engine import alembic_config, migrate, open_engine
from server.db.schema import (
    changes,
    communities,
    districts,
    estates,
    questionnaire_responses,
    users,
)
from server.db.sequence import current_seq
from server.domain.passwords import hash_password
from server.settings import Settings
from tests.server.conftest import CITY_COMMUNITIES
from tests.server.helpers import Api, Demo, concern, latest, mutation, ok, uid, visit

OLD_HEAD = "0007"  # the last revision with one database = one community


async def test_a_community_pulls_nothing_of_another(city_engine, city_login):
    demo = Demo.load(city_engine)
    with city_engine.connect() as conn:
        community_of = dict(conn.execute(select(users.c.username, users.c.community_id)).all())
        logged_in: dict[str, set] = {}
        for r in conn.execute(
            select(changes.c.community_id, changes.c.entity, changes.c.entity_id)
        ):
            logged_in.setdefault(r.community_id, set()).add((r.entity, r.entity_id))
    for username in ("c001-staff", "c002-district1", "c002-head01"):
        got = latest((await (await city_login(username)).pull_all())[0])
        assert got and set(got) <= logged_in[community_of[username]], username
    # staff get their whole community's log, exactly
    staff = latest((await (await city_login("c003-staff")).pull_all())[0])
    assert set(staff) == logged_in[community_of["c003-staff"]]
    # and a head still gets only their own estates' households
    head = await city_login("c002-head01")
    households = {k[1] for k in latest((await head.pull_all())[0]) if k[0] == "household"}
    estates_seen = {e for e, hs in demo.households_by_estate.items() if households & set(hs)}
    assert households and estates_seen == demo.users["c002-head01"]["estate_ids"]


async def test_staff_cannot_write_into_another_community(city_engine, city_login):
    demo = Demo.load(city_engine)
    staff = await city_login("c001-staff")
    elsewhere = demo.household_of("c002-head01")
    at_home = demo.household_of("c001-head01")
    results = await staff.push(visit(elsewhere), visit(at_home))
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["error"]["code"] == "out_of_scope"


async def test_a_street_user_reads_every_community_masked_and_writes_nothing(
    city_engine, city_login
):
    demo = Demo.load(city_engine)
    street = await city_login("street")
    assert street.user["role"] == "street"
    got, cursor = await street.pull_all(limit=150)
    seen = latest(got)
    with city_engine.connect() as conn:
        expected = set(conn.execute(select(changes.c.entity, changes.c.entity_id)).all())
        n_communities = conn.execute(select(communities.c.id)).all()
    assert len(n_communities) == CITY_COMMUNITIES
    assert set(seen) == {(e, i) for e, i in expected}
    residents = [c["data"] for c in got if c["entity"] == "resident"]
    assert residents and all("phone" not in r and "id_number" not in r for r in residents)
    assert all("phone_masked" in r for r in residents)

    # writes in any community are refused, and change nothing
    results = await street.push(visit(demo.household_of("c003-head01")))
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "forbidden"

    # the combined cursor moves on: a head's visit in c003 is the street's only news
    head = await city_login("c003-head01")
    v = visit(demo.household_of("c003-head01"))
    assert ok(await head.push(v))
    news, _ = await street.pull_all(cursor)
    assert [(c["entity"], c["id"]) for c in news if c["entity"] == "visit"] == [
        ("visit", v["entity_id"])
    ]


def _fingerprint(basis: str) -> str:
    return hashlib.sha256(basis.encode()).hexdigest()[:12]


def _old_cursor(seq: int, basis: str) -> str:
    """A cursor exactly as the one-community server wrote it."""
    raw = f"1.{seq}.{_fingerprint(basis)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _engine_at(request, db_kind, tmp_path, revision: str):
    """An empty database as migration ``revision`` left it; dropped afterwards."""
    if db_kind == "sqlite":
        eng = open_engine(str(tmp_path / f"at{revision}.db"))
    else:
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database()
        eng = open_engine(url)
    command.upgrade(alembic_config(eng), revision)
    yield eng
    eng.dispose()
    if db_kind != "sqlite":
        cluster.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
def old_engine(request, db_kind, tmp_path):
    """An empty database at the old schema's head."""
    yield from _engine_at(request, db_kind, tmp_path, OLD_HEAD)


async def test_migrating_a_one_community_database_keeps_phones_cursors_valid(old_engine):
    d, e, h1, h2, head_id = uid(), uid(), uid(), uid(), uid()
    created = "2026-11-01T00:00:00.000000+00:00"
    with old_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO districts (id, name, version) VALUES (:d, 'D', 1)"), {"d": d}
        )
        conn.execute(
            text(
                "INSERT INTO estates (id, district_id, name, kind, version) VALUES (:e, :d, 'E', 'estate', 1)"
            ),
            {"e": e, "d": d},
        )
        conn.execute(
            text(
                "INSERT INTO users (id, username, name, role, password_hash, active, created_at)"
                " VALUES (:id, 'head01', 'H', 'head', :pw, :t, :c)"
            ),
            {"id": head_id, "pw": hash_password("demo1234"), "t": True, "c": created},
        )
        conn.execute(text("INSERT INTO user_estates VALUES (:u, :e)"), {"u": head_id, "e": e})
        for seq, hid, room in ((1, h1, "101"), (2, h2, "102")):
            conn.execute(
                text(
                    "INSERT INTO households (id, estate_id, building, unit, room, note, version,"
                    " field_versions) VALUES (:h, :e, '1', '1', :r, '', 1, '{}')"
                ),
                {"h": hid, "e": e, "r": room},
            )
            conn.execute(
                text(
                    "INSERT INTO changes (entity, entity_id, seq, op, version, estate_id,"
                    " district_id, data) VALUES ('household', :h, :s, 'upsert', 1, :e, :d, :data)"
                ),
                {"h": hid, "s": seq, "e": e, "d": d, "data": f'{{"id": "{hid}"}}'},
            )
        conn.execute(text("UPDATE meta SET int_value = 2 WHERE key = 'seq'"))
        conn.execute(text("UPDATE meta SET int_value = 1 WHERE key = 'history_floor'"))
    # the phone pulled the first household under the old server
    held = _old_cursor(1, f"head|m2|{e}")

    migrate(old_engine)
    with old_engine.connect() as conn:
        (community,) = conn.execute(select(communities.c.id)).scalars().all()
        assert set(conn.execute(select(districts.c.community_id)).scalars()) == {community}
        assert set(conn.execute(select(changes.c.community_id)).scalars()) == {community}
        assert dict(conn.execute(select(changes.c.entity_id, changes.c.seq)).all()) == {
            h1: 1,
            h2: 2,
        }

    app = create_app(old_engine, Settings())
    import httpx

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        head = await Api.sign_in(client, "head01", "demo1234")
        r = await head.pull(held)
        assert r.status_code == 200, r.text  # the old cursor is still good...
        page = r.json()
        assert [c["id"] for c in page["changes"]] == [h2]  # ...and goes on where it left off
        assert page["cursor"] == _old_cursor(2, f"head|m2|{e}")
        # a cursor below the carried-over floor is still refused
        assert (await head.pull(_old_cursor(0, f"head|m2|{e}"))).status_code == 410
        # and a new write continues the same sequence
        assert ok(
            await head.push(
                mutation("household.update", {"base_version": 1, "fields": {"note": "x"}}, h1)
            )
        )
        news, _ = await head.pull_all(page["cursor"])
        assert [c["id"] for c in news] == [h1]


def test_seeded_communities_have_their_logins_sequences_and_street(city_engine):
    with city_engine.connect() as conn:
        names = set(conn.execute(select(users.c.username)).scalars())
        for n in range(1, CITY_COMMUNITIES + 1):
            assert {f"c{n:03d}-staff", f"c{n:03d}-district1", f"c{n:03d}-head11"} <= names
        assert "street" in names and "staff" not in names
        ids = list(conn.execute(select(communities.c.id)).scalars())
        street_of = set(conn.execute(select(communities.c.street_id)).scalars())
        assert len(street_of) == 1 and None not in street_of
        for community in ids:
            log = conn.execute(
                select(changes.c.entity, changes.c.seq).where(changes.c.community_id == community)
            ).all()
            seqs = sorted(seq for _, seq in log)
            assert seqs == list(range(1, len(seqs) + 1))  # no gap, none twice
            assert current_seq(conn, community) == len(seqs)
            # the deployment's checklist and questionnaires are in every community's log
            assert {"checklist", "questionnaire", "district", "household"} <= {e for e, _ in log}


async def test_a_copied_community_pulls_its_own_rows_as_many_as_the_first(city_engine, city_login):
    """Communities 2..N of a seeded city are made inside the database from the first: a head
    there pulls as many rows of each kind as the same head of the first, all of them of its own
    community (but the deployment's checklist and questionnaires), none twice."""
    last = f"c{CITY_COMMUNITIES:03d}"
    with city_engine.connect() as conn:
        own_ids = {
            community: set(
                conn.execute(
                    select(changes.c.entity_id).where(changes.c.community_id == community)
                ).scalars()
            )
            for community in conn.execute(select(communities.c.id)).scalars()
        }
        community_of = dict(conn.execute(select(users.c.username, users.c.community_id)).all())
    shared = {"checklist", "questionnaire"}
    for role in ("head01", "district2", "staff"):
        first = await (await city_login(f"c001-{role}")).pull_all()
        copy = await (await city_login(f"{last}-{role}")).pull_all()
        got_first, got_copy = latest(first[0]), latest(copy[0])
        assert len(copy[0]) == len(got_copy)  # none twice
        kinds = {e for e, _ in got_first}
        for kind in kinds:
            assert sum(1 for e, _ in got_copy if e == kind) == sum(
                1 for e, _ in got_first if e == kind
            ), (role, kind)
        mine = own_ids[community_of[f"{last}-{role}"]]
        assert {i for e, i in got_copy if e not in shared} <= mine - own_ids[
            community_of[f"c001-{role}"]
        ]
        assert {i for e, i in got_copy if e in shared} == {i for e, i in got_first if e in shared}


def test_a_new_district_belongs_to_a_community_its_staff_cover(engine):
    from server.domain.places import create_district, create_estate
    from server.domain.tokens import load_principal

    made = create_district(engine, name="新片区")
    estate = create_estate(engine, name="新小区", district_id=made["id"])
    with engine.connect() as conn:
        staff_id = conn.execute(select(users.c.id).where(users.c.username == "staff")).scalar()
        staff = load_principal(conn, staff_id)
        owner = conn.execute(
            select(districts.c.community_id).where(districts.c.id == made["id"])
        ).scalar_one()
    assert owner == staff.community_id
    assert made["id"] in staff.district_ids and estate["id"] in staff.estate_ids


async def test_reports_count_the_staffs_community_and_the_streets_communities(
    city_engine, city_login
):
    from server.db.schema import households

    with city_engine.connect() as conn:
        per_community = dict(
            conn.execute(
                select(districts.c.community_id, func.count())
                .select_from(
                    households.join(estates, estates.c.id == households.c.estate_id).join(
                        districts, districts.c.id == estates.c.district_id
                    )
                )
                .group_by(districts.c.community_id)
            ).all()
        )
        mine = conn.execute(
            select(users.c.community_id).where(users.c.username == "c002-staff")
        ).scalar_one()
        elsewhere = (
            conn.execute(select(districts.c.id).where(districts.c.community_id != mine))
            .scalars()
            .first()
        )
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    staff = await city_login("c002-staff")
    r = await staff.client.get("/api/v1/reports/summary", params=period, headers=staff.headers)
    assert r.status_code == 200, r.text
    assert r.json()["households"] == per_community[mine]
    r = await staff.client.get(
        "/api/v1/reports/summary",
        params={**period, "district_id": elsewhere},
        headers=staff.headers,
    )
    assert r.status_code == 403
    street = await city_login("street")
    r = await street.client.get("/api/v1/reports/summary", params=period, headers=street.headers)
    assert r.status_code == 200, r.text
    assert r.json()["households"] == sum(per_community.values())


async def test_a_community_posters_answers_reach_only_that_communitys_staff(
    city_engine, city_login
):
    """An answer given on a community-wide poster (no estate) belongs to the poster's
    community: its staff pull it and may review it, another community's staff never see it
    and cannot review it; a QR that names no community is not found where there are several."""
    from tests.questionnaires.conftest import submit, token_of

    staff_a, staff_b = await city_login("c001-staff"), await city_login("c002-staff")
    client = staff_a.client
    poster = await client.get("/api/v1/posters/suggestions.png", headers=staff_a.headers)
    assert poster.status_code == 200, poster.text
    with city_engine.connect() as conn:
        community_a = conn.execute(
            select(users.c.community_id).where(users.c.username == "c001-staff")
        ).scalar_one()
    assert (await client.get("/q/suggestions")).status_code == 404
    page = await client.get("/q/suggestions", params={"c": community_a})
    assert page.status_code == 200
    r = await submit(
        client, "suggestions", token_of(page.text), {"topic": "other", "content": "路灯"}
    )
    assert r.status_code == 303
    with city_engine.connect() as conn:
        answer_id, owner = conn.execute(
            select(questionnaire_responses.c.id, questionnaire_responses.c.community_id)
        ).one()
        logged_in = set(
            conn.execute(
                select(changes.c.community_id).where(changes.c.entity_id == answer_id)
            ).scalars()
        )
    assert owner == community_a and logged_in == {community_a}

    def answers(got: list[dict]) -> set[str]:
        return {i for e, i in latest(got) if e == "questionnaire_response"}

    assert answer_id in answers((await staff_a.pull_all())[0])
    assert answer_id not in answers((await staff_b.pull_all())[0])
    for other in ("c002-district1", "c003-staff"):
        assert answer_id not in answers((await (await city_login(other)).pull_all())[0]), other

    [refused] = await staff_b.push(
        mutation("questionnaire.review", {"outcome": "no_action"}, answer_id)
    )
    assert refused["status"] == "rejected" and refused["error"]["code"] == "out_of_scope"
    # the poster's community counts the answer in its figures, another does not
    today = dt.datetime.now(dt.UTC).date().isoformat()
    period = {"from": "2026-01-01", "to": max(today, "2026-12-31")}
    for who, expected in ((staff_a, 1), (staff_b, 0)):
        r = await who.client.get("/api/v1/reports/summary", params=period, headers=who.headers)
        assert r.json()["questionnaire_responses"]["suggestions"] == expected, r.text
    [done] = await staff_a.push(
        mutation("questionnaire.review", {"outcome": "no_action"}, answer_id)
    )
    assert done["status"] == "applied"
    assert answer_id not in answers((await staff_b.pull_all())[0])


@pytest.fixture
def engine_at_0008(request, db_kind, tmp_path):
    """An empty database as migration 0008 left it (several communities, answers unowned)."""
    yield from _engine_at(request, db_kind, tmp_path, "0008")


def test_migration_gives_each_answer_a_community_and_withdraws_the_leaked_copies(engine_at_0008):
    """An answer without an estate was logged in every community; after the migration it
    belongs to the first community, and the other community's copy is a deletion with a new
    number of that community's sequence (staff phones there drop it at their next pull). An
    answer in one community's log only stays there, and is that community's."""
    first = "00000000-0000-0000-0000-000000000001"  # migration 0008's community
    other, q, answer, own = "ffffffff-0000-4000-8000-000000000002", uid(), uid(), uid()
    at = "2026-11-01T00:00:00.000000+00:00"
    with engine_at_0008.begin() as conn:
        conn.execute(text("INSERT INTO communities (id, name) VALUES (:c, 'B')"), {"c": other})
        conn.execute(
            text(
                "INSERT INTO questionnaires (id, slug, version, title, intro, questions, active,"
                " created_at, updated_at) VALUES (:q, 'q', 1, '{}', '{}', '[]', :t, :at, :at)"
            ),
            {"q": q, "t": True, "at": at},
        )
        for a in (answer, own):
            conn.execute(
                text(
                    "INSERT INTO questionnaire_responses (id, questionnaire_id,"
                    " questionnaire_version, answers, submitted_at, status, version)"
                    " VALUES (:a, :q, 1, '{}', :at, 'new', 1)"
                ),
                {"a": a, "q": q, "at": at},
            )
        for community, a, seq in ((first, answer, 1), (other, answer, 1), (other, own, 2)):
            conn.execute(
                text(
                    "INSERT INTO changes (community_id, entity, entity_id, seq, op, version,"
                    " district_id, data) VALUES (:c, 'questionnaire_response', :a, :s, 'upsert',"
                    " 1, 'staff-only', '{}')"
                ),
                {"c": community, "a": a, "s": seq},
            )
        conn.execute(
            text(
                "INSERT INTO change_sequences (community_id, seq, history_floor) VALUES (:c, 2, 0)"
            ),
            {"c": other},
        )
        conn.execute(
            text("UPDATE change_sequences SET seq = 1 WHERE community_id = :c"), {"c": first}
        )
    migrate(engine_at_0008)
    with engine_at_0008.connect() as conn:
        owners = dict(
            conn.execute(text("SELECT id, community_id FROM questionnaire_responses")).all()
        )
        own_row = conn.execute(
            text("SELECT community_id, op, seq FROM changes WHERE entity_id = :a"), {"a": own}
        ).one()
        log = {
            r.community_id: (r.op, r.seq, r.data)
            for r in conn.execute(
                text("SELECT community_id, op, seq, data FROM changes WHERE entity_id = :a"),
                {"a": answer},
            )
        }
        seqs = dict(conn.execute(text("SELECT community_id, seq FROM change_sequences")).all())
    assert owners == {answer: first, own: other}
    assert log[first][:2] == ("upsert", 1) and tuple(own_row) == (other, "upsert", 2)
    assert log[other] == ("delete", 3, None) and seqs == {first: 1, other: 3}


async def test_a_concern_goes_only_to_staff_of_its_own_community(city_engine, city_login):
    demo = Demo.load(city_engine)
    head, staff = await city_login("c001-head01"), await city_login("c001-staff")
    foreign = demo.users["c002-staff"]["id"]
    made = concern(demo.household_of("c001-head01"))
    assert ok(await head.push(made)) == ["applied"]
    results = await staff.push(
        *(
            mutation("concern.assign", {"concern_id": made["entity_id"], "assignee_id": who})
            for who in (foreign, staff.user["id"])
        )
    )
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["error"]["code"] == "unknown_user"
    offered = await staff.client.get("/api/v1/assignees", headers=staff.headers)
    ids = {a["id"] for a in offered.json()["assignees"]}
    assert staff.user["id"] in ids and foreign not in ids


async def test_staff_manage_only_their_own_communitys_logins_and_places(city_engine, city_login):
    """Staff list, create, reset, disable and assign the logins of their own community, and
    list and change its places; another community's are not found, a new login joins the
    staff's community, a street login is the operator's, and estate names (the same in every
    seeded community) resolve within the community."""
    from server.domain import accounts

    staff = await city_login("c001-staff")
    c, h = staff.client, staff.headers
    with city_engine.connect() as conn:
        community_of = dict(conn.execute(select(users.c.username, users.c.community_id)).all())
        home = community_of["c001-staff"]
        own_districts = set(
            conn.execute(select(districts.c.id).where(districts.c.community_id == home)).scalars()
        )
        their_district, their_estate = conn.execute(
            select(districts.c.id, estates.c.id)
            .join(estates, estates.c.district_id == districts.c.id)
            .where(districts.c.community_id == community_of["c002-staff"])
        ).first()
        an_estate_name = conn.execute(
            select(estates.c.name)
            .join(districts, districts.c.id == estates.c.district_id)
            .where(districts.c.community_id == home)
        ).first()[0]

    listed = (await c.get("/api/v1/admin/users", headers=h)).json()["users"]
    assert {u["username"] for u in listed} == {n for n, k in community_of.items() if k == home}
    places = (await c.get("/api/v1/admin/places", headers=h)).json()["districts"]
    assert {d["id"] for d in places} == own_districts

    before = Demo.load(city_engine).users["c002-head01"]["estate_ids"]
    for method, path, body in (
        ("PUT", "/api/v1/admin/users/c002-head01/password", {"password": "another-pass-1"}),
        ("PUT", "/api/v1/admin/users/c002-head01/active", {"active": False}),
        ("PUT", "/api/v1/admin/users/c002-head01/assignment", {"estate_ids": [their_estate]}),
        ("PUT", f"/api/v1/admin/districts/{their_district}", {"name": "改名"}),
        ("PUT", f"/api/v1/admin/estates/{their_estate}", {"name": "改名"}),
        ("POST", "/api/v1/admin/estates", {"district_id": their_district, "name": "新小区"}),
    ):
        r = await c.request(method, path, json=body, headers=h)
        assert r.status_code == 404, (path, r.text)
    # nothing of community 2 changed: its head still signs in (the password and the login
    # as they were) and keeps the estates it had
    await city_login("c002-head01")
    assert Demo.load(city_engine).users["c002-head01"]["estate_ids"] == before

    made = await c.post(
        "/api/v1/admin/users",
        json={
            "username": "c001-head12",
            "name": "新巷邻长",
            "role": "head",
            "password": "demo12345",
        },
        headers=h,
    )
    assert made.status_code == 201, made.text
    street = await c.post(
        "/api/v1/admin/users",
        json={"username": "street-x", "name": "街道", "role": "street", "password": "demo12345"},
        headers=h,
    )
    assert street.status_code == 422
    # a head of mine, my own estate's name: found in my community although every community has it
    r = await c.put(
        "/api/v1/admin/users/c001-head12/assignment",
        json={"estate_ids": [an_estate_name]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    with city_engine.connect() as conn:
        assert (
            conn.execute(
                select(users.c.community_id).where(users.c.username == "c001-head12")
            ).scalar_one()
            == home
        )

    # the operator's command names the community where there are several
    with pytest.raises(accounts.AccountError, match="several"):
        accounts.create_user(
            city_engine, username="x1", name="X", role="staff", password="demo12345"
        )
    accounts.create_user(
        city_engine,
        username="c003-staff2",
        name="X",
        role="staff",
        password="demo12345",
        community="胡巷社区003",
    )
    with city_engine.connect() as conn:
        assert (
            conn.execute(
                select(users.c.community_id).where(users.c.username == "c003-staff2")
            ).scalar_one()
            == community_of["c003-staff"]
        )


async def test_a_register_is_imported_into_one_community(city_engine, city_login, tmp_path):
    """Staff import into their own community: an estate name every seeded community shares
    is theirs, a person whose ID number every community's copy carries is theirs (found, not
    moved from elsewhere), and nothing of another community changes; the operator's import
    names the community where there are several."""
    from server.db.schema import households, residents
    from server.domain.register import RegisterFileError, import_register
    from tests.server.register.files import id_number, write_csv

    with city_engine.connect() as conn:
        community_of = dict(conn.execute(select(users.c.username, users.c.community_id)).all())
        mine = community_of["c002-staff"]
        person = conn.execute(
            select(
                residents.c.name,
                residents.c.id_number,
                residents.c.birth_year,
                estates.c.name.label("estate"),
                households.c.building,
                households.c.unit,
                households.c.room,
            )
            .join(households, households.c.id == residents.c.household_id)
            .join(estates, estates.c.id == households.c.estate_id)
            .join(districts, districts.c.id == estates.c.district_id)
            .where(districts.c.community_id == mine, residents.c.id_number.is_not(None))
            .limit(1)
        ).one()
        before = {
            c: conn.execute(
                select(func.count())
                .select_from(residents)
                .join(households, households.c.id == residents.c.household_id)
                .join(estates, estates.c.id == households.c.estate_id)
                .join(districts, districts.c.id == estates.c.district_id)
                .where(districts.c.community_id == c)
            ).scalar_one()
            for c in set(community_of.values()) - {None}
        }
    rows = [
        [person.estate, "99", "1", "9901", "新居民", "男", "", id_number(1990, 7), "", "户主", ""],
        [person.estate, person.building, person.unit, person.room, person.name, "", "",
         person.id_number, "", "", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "r.csv", rows)
    staff = await city_login("c002-staff")
    done = await staff.client.post(
        "/api/v1/register/import",
        headers=staff.headers,
        files={"file": ("r.csv", path.read_bytes(), "text/csv")},
        params={"dry_run": False},
    )
    body = done.json()
    assert done.status_code == 200 and body["written"], done.text
    assert (body["residents_created"], body["residents_moved"]) == (1, 0), body
    with city_engine.connect() as conn:
        after = {
            c: conn.execute(
                select(func.count())
                .select_from(residents)
                .join(households, households.c.id == residents.c.household_id)
                .join(estates, estates.c.id == households.c.estate_id)
                .join(districts, districts.c.id == estates.c.district_id)
                .where(districts.c.community_id == c)
            ).scalar_one()
            for c in before
        }
    assert after == {c: n + (1 if c == mine else 0) for c, n in before.items()}

    with pytest.raises(RegisterFileError) as refused:
        import_register(city_engine, path, dry_run=True)
    assert refused.value.code == "which_community"
    report = import_register(city_engine, path, dry_run=True, community="胡巷社区003")
    # c003 has its own copy of the person, and not c002's new resident
    assert (report.residents_created, report.residents_unchanged, report.residents_moved) == (
        1,
        1,
        0,
    )
