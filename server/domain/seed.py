"""The demo community: a deterministic, plausible 胡巷社区 in one transaction.

``seed_demo(engine, seed=7, scale=1.0)`` fills an empty, migrated database with 3 districts,
16 estates, ~4,000 households and 11,000+ residents, the protocol page's demo logins (staff,
district1-3, head01-11: 15 accounts, password ``demo1234``), the five-question checklist
(version 1), ~800 past visits and ~98 concerns with their event histories, the built-in
questionnaires and ~40 answers to them. Every syncable row is stamped in the change log with
its full pull data in the same transaction. The same seed gives the same rows (ids, names,
numbers, dates); the argon2 password hashes differ (fresh random salts), and so do the
built-in questionnaires' ids, which their module makes.

``scale`` shrinks the population (households, visits, concerns, answers) for fast tests;
logins, districts, estates and the checklist stay the same at any scale.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from server.db.bulk import insert_rows
from server.db.changelog import record_changes
from server.db.engine import write_tx
from server.db.schema import (
    checklists,
    concern_events,
    concerns,
    districts,
    estates,
    households,
    residents,
    user_estates,
    users,
    visits,
)
from server.db.schema import (
    communities as communities_table,
)
from server.domain import entities as ent
from server.domain import seed_names as names
from server.domain.checklist_v1 import CHECKLIST_V1_QUESTIONS, CHECKLIST_V1_TITLE
from server.domain.communities import create_community, create_street, sole_community
from server.domain.due_dates import due_date_for
from server.domain.idcard import make_id_number
from server.domain.passwords import hash_password
from server.domain.questionnaires import seed_builtin_questionnaires
from server.domain.seed_city import copy_community, tagged
from server.domain.seed_responses import seed_responses
from server.settings import Settings

DEMO_PASSWORD = "demo1234"
#: The demo's "today": visit and concern dates lie before it; never the wall clock.
BASE_DATE = dt.datetime(2026, 11, 1, 18, 0, tzinfo=dt.UTC)
BASE_YEAR = BASE_DATE.year
BEIJING = dt.timezone(dt.timedelta(hours=8))

FULL_HOUSEHOLDS = 4000
FULL_RESIDENTS_MIN = 11_050
FULL_VISITS = 800
FULL_CONCERNS = 98
FULL_RESPONSES = 40
#: due dates of the demo's concerns follow the default calendar and category rules
_SETTINGS = Settings()


class SeedError(RuntimeError):
    """The database cannot be seeded (e.g. it already holds a community)."""


def _ts(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


class _Gen:
    """All random draws go through one ``random.Random(seed)``, in a fixed order."""

    def __init__(self, seed: int, tag: int | None = None) -> None:
        self.rng = random.Random(seed)
        self.tag = tag
        self._surnames = [s for s, _ in names.SURNAMES]
        self._surname_w = [w for _, w in names.SURNAMES]
        self._regions = [r for r, _ in names.ID_REGIONS]
        self._region_w = [w for _, w in names.ID_REGIONS]
        self.phones: set[str] = set()
        self.id_numbers: set[str] = set()

    def uuid(self, *, shared: bool = False) -> str:
        """A new id; tagged with the community's number when it is a city's template
        (``server.domain.seed_city``), unless ``shared`` by every community."""
        made = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return made if self.tag is None or shared else tagged(made, self.tag)

    def weighted(self, pairs: Sequence[tuple[Any, float]]) -> Any:
        return self.rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]

    def surname(self) -> str:
        return self.rng.choices(self._surnames, weights=self._surname_w)[0]

    def given_name(self, gender: str, birth_year: int) -> str:
        era = "old" if birth_year < 1960 else "mid" if birth_year < 1990 else "young"
        return self.rng.choice(names.GIVEN_NAMES[era][gender])

    def region(self, migrant_bias: float) -> str:
        if self.rng.random() < migrant_bias:
            return self.rng.choice(self._regions[1:])
        return self.rng.choices(self._regions, weights=self._region_w)[0]

    def phone(self) -> str:
        while True:
            number = self.rng.choice(names.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def id_number(self, region: str, birth_year: int, gender: str) -> str:
        while True:
            birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            serial = self.rng.randrange(100)
            sex_digit = self.rng.choice((1, 3, 5, 7, 9) if gender == "male" else (0, 2, 4, 6, 8))
            number = make_id_number(region, birth, serial * 10 + sex_digit)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number


# ---- the built environment --------------------------------------------------------------------


def _split(total: int, weights: list[float], minimum: int) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights``, each share at least ``minimum``."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    shares = [max(minimum, int(r)) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(shares) < total:
        shares[order[i % len(order)]] += 1
        i += 1
    return shares


def _addresses(g: _Gen, kind: str, n: int) -> list[tuple[str, str, str]]:
    """``n`` occupied (building, unit, room) addresses of one estate."""
    rng = g.rng
    if kind == "apartment":
        units, floors, per_floor = 1, rng.randint(10, 18), rng.randint(8, 12)
    elif rng.random() < 0.5:  # 新村: walk-up blocks
        units, floors, per_floor = rng.randint(2, 3), 6, 2
    else:  # high-rise
        units, floors, per_floor = 2, rng.randint(11, 18), 2
    per_building = units * floors * per_floor
    n_buildings = max(1, math.ceil(n / (per_building * 0.92)))
    slots = [
        (str(b), str(u), f"{f}{r:02d}")
        for b in range(1, n_buildings + 1)
        for u in range(1, units + 1)
        for f in range(1, floors + 1)
        for r in range(1, per_floor + 1)
    ]
    chosen = sorted(rng.sample(range(len(slots)), n))
    return [slots[i] for i in chosen]


# ---- families ---------------------------------------------------------------------------------

_SIZES_ESTATE = [(1, 17), (2, 29), (3, 27), (4, 15), (5, 8), (6, 4)]
_SIZES_APARTMENT = [(1, 42), (2, 34), (3, 17), (4, 7)]


def _family(g: _Gen, size: int, apartment: bool) -> list[tuple[str, str, int]]:
    """(relation, gender, birth_year) for each member of a household of ``size``."""
    rng = g.rng
    head_gender = "male" if rng.random() < 0.66 else "female"
    other = "female" if head_gender == "male" else "male"

    def year(lo: int, hi: int) -> int:
        return rng.randint(lo, hi)

    def kid_of(parent_year: int) -> int:
        return min(BASE_YEAR - 1, parent_year + rng.randint(23, 34))

    def partner(y: int) -> int:
        return y + rng.randint(-4, 4)

    def sex() -> str:
        return rng.choice(("male", "female"))

    if size == 1:
        if not apartment and rng.random() < 0.36:
            return [("户主", rng.choice(("male", "female", "female")), year(1928, 1966))]
        return [("户主", head_gender, year(1966, 2004))]
    if size == 2:
        r = rng.random()
        if r < (0.12 if apartment else 0.3):
            y = year(1932, 1964)
            return [("户主", head_gender, y), ("配偶", other, partner(y))]
        if r < 0.78:
            y = year(1970, 2001)
            return [("户主", head_gender, y), ("配偶", other, partner(y))]
        y = year(1948, 1990)
        return [("户主", head_gender, y), ("子女", sex(), kid_of(y))]
    members: list[tuple[str, str, int]] = []
    r = rng.random()
    if size >= 5 and r < 0.35:
        # three generations under an elderly householder: son/daughter, in-law, grandchildren
        y = year(1940, 1963)
        child_g = sex()
        cy = kid_of(y)
        members = [("户主", head_gender, y), ("配偶", other, partner(y)), ("子女", child_g, cy)]
        members.append(
            (
                "儿媳" if child_g == "male" else "女婿",
                "female" if child_g == "male" else "male",
                partner(cy),
            )
        )
        while len(members) < size:
            members.append(("孙子女", sex(), kid_of(cy)))
        return members
    y = year(1963, 1997)
    members = [("户主", head_gender, y), ("配偶", other, partner(y))]
    with_parents = size >= 5 or (size >= 3 and rng.random() < 0.1)
    n_parents = (
        0 if not with_parents else (2 if size >= 6 or (size == 5 and rng.random() < 0.5) else 1)
    )
    n_parents = min(n_parents, size - 3) if size >= 4 else n_parents
    if size == 3 and with_parents:
        n_parents = 1
    for i in range(n_parents):
        members.append(
            ("父母", "male" if i == 0 and n_parents == 2 else sex(), y - rng.randint(24, 33))
        )
    while len(members) < size:
        members.append(("子女", sex(), kid_of(y)))
    return members


def _flags(g: _Gen, age: int, household_size: int, relation: str, low_income: bool) -> list[str]:
    rng = g.rng
    flags: list[str] = []
    if age >= 60 and household_size == 1 and rng.random() < 0.92:
        flags.append("lives_alone")
    if (age >= 80 and rng.random() < 0.35) or (60 <= age < 80 and rng.random() < 0.05):
        flags.append("needs_help")
    if rng.random() < (0.04 if age >= 60 else 0.01):
        flags.append("disabled")
    if low_income and relation == "户主":
        flags.append("low_income")
    if age >= 22 and rng.random() < (0.12 if age >= 60 else 0.06):
        flags.append("party_member")
    return flags


def _vaccination(g: _Gen, age: int) -> str:
    if age >= 60:
        pairs = [("booster", 30), ("full", 45), ("partial", 8), ("none", 10), ("unknown", 7)]
    elif age >= 18:
        pairs = [("booster", 25), ("full", 40), ("unknown", 35)]
    else:
        pairs = [("full", 30), ("unknown", 70)]
    return g.weighted(pairs)


def _history(
    g: _Gen,
    concern_id: str,
    opened: dt.datetime,
    description: str,
    status: str,
    creator: dict,
    reviewer: dict,
    staff: dict,
) -> list[dict[str, Any]]:
    """The concern's events, oldest first, leading from "open" to ``status`` by the state
    machine (review by the district head, decision by staff or the district head)."""
    rng = g.rng
    at = opened
    events: list[dict[str, Any]] = []

    def add(user: dict, action: str, frm: str | None, to: str | None, text: str) -> None:
        events.append(
            {
                "id": g.uuid(), "concern_id": concern_id, "user_id": user["id"],
                "_user_name": user["name"], "action": action, "from_status": frm,
                "to_status": to, "text": text, "created_at": _ts(at),
            }
        )  # fmt: skip

    def later(moment: dt.datetime) -> dt.datetime:
        room = max(60.0, (BASE_DATE - moment).total_seconds())
        return moment + dt.timedelta(seconds=rng.uniform(0.05, 0.3) * min(room, 20 * 86400))

    add(creator, "created", None, "open", description)
    path: list[tuple[dict, str]] = []
    if status != "open":
        path.append((reviewer, "in_review"))
    if status in ("resolved", "referred", "closed"):
        path.append((staff if rng.random() < 0.5 else reviewer, status))
        if status == "resolved" and rng.random() < 0.08:  # reopened once, resolved again
            path += [(creator, "open"), (reviewer, "in_review"), (staff, "resolved")]
    if rng.random() < 0.3:
        at = later(at)
        add(creator, "comment", None, None, rng.choice(names.EVENT_NOTES["comment"]))
    current = "open"
    for who, to in path:
        at = later(at)
        add(who, "transition", current, to, rng.choice(names.EVENT_NOTES[to]))
        current = to
    return events


# ---- the whole plan ---------------------------------------------------------------------------


def _build(
    seed: int, scale: float, prefix: str = "", tag: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    g = _Gen(seed, tag)
    rng = g.rng
    created = _ts(BASE_DATE - dt.timedelta(days=200))
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "districts", "estates", "users", "user_estates", "households", "residents",
        "checklists", "visits", "concerns", "concern_events",
    )}  # fmt: skip

    # districts, estates
    estate_rows: list[dict[str, Any]] = []
    for d_name, estate_list in names.DISTRICTS:
        d_id = g.uuid()
        out["districts"].append({"id": d_id, "name": d_name, "version": 1})
        for e_name, kind, weight in estate_list:
            row = {"id": g.uuid(), "district_id": d_id, "name": e_name, "kind": kind, "version": 1}
            row["_weight"] = weight
            estate_rows.append(row)
    out["estates"] = estate_rows

    # logins
    def user(username: str, name: str, role: str, district_id: str | None = None) -> dict:
        row = {
            "id": g.uuid(), "username": username, "name": name, "role": role,
            "district_id": district_id, "active": True, "created_at": created,
        }  # fmt: skip
        out["users"].append(row)
        return row

    staff = user(f"{prefix}staff", names.STAFF_NAME, "staff")
    district_heads = [
        user(f"{prefix}district{i + 1}", names.DISTRICT_HEAD_NAMES[i], "district_head", d["id"])
        for i, d in enumerate(out["districts"])
    ]
    estate_head: dict[str, dict] = {}
    head_no = 0
    for d_index, counts in enumerate(names.HEAD_ESTATE_COUNTS):
        d_estates = [e for e in estate_rows if e["district_id"] == out["districts"][d_index]["id"]]
        assert sum(counts) == len(d_estates)
        pos = 0
        for count in counts:
            head = user(f"{prefix}head{head_no + 1:02d}", names.HEAD_NAMES[head_no], "head")
            head_no += 1
            for e in d_estates[pos : pos + count]:
                out["user_estates"].append({"user_id": head["id"], "estate_id": e["id"]})
                estate_head[e["id"]] = head
            pos += count

    # households and residents
    n_households = max(len(estate_rows) * 3, round(FULL_HOUSEHOLDS * scale))
    per_estate = _split(n_households, [e["_weight"] for e in estate_rows], 3)
    plan: list[tuple[dict, tuple[str, str, str], int]] = []
    for e, n in zip(estate_rows, per_estate, strict=True):
        sizes = _SIZES_APARTMENT if e["kind"] == "apartment" else _SIZES_ESTATE
        for address in _addresses(g, e["kind"], n):
            plan.append((e, address, g.weighted(sizes)))
    # top up so the full community has 11,000+ residents whatever the seed
    target = math.ceil(FULL_RESIDENTS_MIN * scale)
    while sum(p[2] for p in plan) < target:
        i = rng.randrange(len(plan))
        if plan[i][2] < 6 and plan[i][0]["kind"] == "estate":
            plan[i] = (plan[i][0], plan[i][1], plan[i][2] + 1)

    members_of: dict[str, list[dict]] = {}
    for e, (building, unit, room), size in plan:
        h_id = g.uuid()
        apartment = e["kind"] == "apartment"
        region = g.region(0.6 if apartment else 0.12)
        low_income = rng.random() < 0.03
        fam = _family(g, size, apartment)
        surname = g.surname()
        partner_surname = g.surname()
        members = []
        male_line = surname if fam[0][1] == "male" else partner_surname
        for relation, gender, birth_year in fam:
            birth_year = max(1920, min(BASE_YEAR - 1, birth_year))
            if relation == "户主":
                sn = surname
            elif relation in ("配偶", "儿媳", "女婿"):
                sn = partner_surname if relation == "配偶" else g.surname()
            elif relation in ("子女", "孙子女"):
                sn = male_line
            else:  # 父母
                sn = surname if gender == "male" else g.surname()
            age = BASE_YEAR - birth_year
            has_phone = age >= 14 and (age < 80 or rng.random() < 0.5)
            own_region = region if rng.random() < 0.85 else g.region(0.3)
            resident = {
                "id": g.uuid(),
                "household_id": h_id,
                "name": sn + g.given_name(gender, birth_year),
                "gender": gender,
                "birth_year": birth_year,
                "phone": g.phone() if has_phone else None,
                "id_number": (
                    g.id_number(own_region, birth_year, gender) if rng.random() < 0.97 else None
                ),
                "relation": relation,
                "flags": _flags(g, age, size, relation, low_income),
                "vaccination": _vaccination(g, age),
                "note": "",
                "version": 1,
                "field_versions": {},
            }
            members.append(resident)
        contact = next((m["phone"] for m in members if m["phone"]), None)
        out["households"].append(
            {
                "id": h_id,
                "estate_id": e["id"],
                "building": building,
                "unit": unit,
                "room": room,
                "people_count": size,
                "note": "",
                "contact_phone": contact,
                "version": 1,
                "field_versions": {},
            }
        )
        out["residents"].extend(members)
        members_of[h_id] = members

    # the checklist, version 1
    checklist = {
        "id": g.uuid(shared=True),
        "version": 1,
        "title": CHECKLIST_V1_TITLE,
        "questions": CHECKLIST_V1_QUESTIONS,
        "active": True,
        "created_at": created,
    }
    out["checklists"].append(checklist)

    # visits
    estate_of = {h["id"]: h["estate_id"] for h in out["households"]}
    hh = out["households"]
    n_visits = max(5, round(FULL_VISITS * scale))
    chosen = rng.choices(hh, weights=[h["people_count"] for h in hh], k=n_visits)
    for h in chosen:
        members = members_of[h["id"]]
        size = len(members)
        when = BASE_DATE - dt.timedelta(days=rng.randint(1, 150))
        local = when.astimezone(BEIJING).replace(
            hour=rng.randint(9, 17), minute=rng.randrange(60), second=0, microsecond=0
        )
        in_person = rng.random() < 0.85
        reached = (size if rng.random() < 0.7 else max(1, size - 1)) if in_person else 1
        reached_ids = [m["id"] for m in rng.sample(members, reached)]
        answers: dict[str, Any] = {
            "household_size": size,
            "suggestions": rng.choice(names.SUGGESTION_ANSWERS) if rng.random() < 0.25 else "",
            "officials_conduct": g.weighted(
                [("good", 70), ("fair", 20), ("poor", 3), ("no_comment", 7)]
            ),
            "difficulties": rng.choice(names.DIFFICULTY_ANSWERS) if rng.random() < 0.2 else "",
            "home_safety": (
                ["none"]
                if rng.random() < 0.8
                else sorted(
                    rng.sample(
                        ["gas", "electric", "ebike_charging", "escape_route"], rng.randint(1, 2)
                    )
                )
            ),
        }
        follow_up = (
            (local.date() + dt.timedelta(days=rng.randint(7, 30))).isoformat()
            if rng.random() < 0.1
            else None
        )
        out["visits"].append(
            {
                "id": g.uuid(),
                "household_id": h["id"],
                "user_id": estate_head[estate_of[h["id"]]]["id"],
                "visited_at": _ts(local),
                "method": "in_person" if in_person else "phone",
                "people_reached": reached,
                "checklist_version": 1,
                "answers": answers,
                "notes": rng.choice(names.VISIT_NOTES),
                "follow_up_date": follow_up,
                "reached_resident_ids": reached_ids,
                "created_at": _ts(local + dt.timedelta(minutes=5)),
            }
        )

    # concerns and their histories
    n_concerns = min(len(out["visits"]), max(5, round(FULL_CONCERNS * scale)))
    district_of_estate = {e["id"]: e["district_id"] for e in estate_rows}
    head_of_district = {u["district_id"]: u for u in district_heads}
    statuses = ["resolved", "referred", "closed", "in_review", "open"]
    weights = [58, 11, 8, 12, 11]
    for i, v in enumerate(rng.sample(out["visits"], n_concerns)):
        status = statuses[i] if i < len(statuses) else rng.choices(statuses, weights)[0]
        kind = g.weighted([("request", 50), ("complaint", 18), ("suggestion", 32)])
        topics = [t for t in names.CONCERN_TOPICS if t[1] == kind] or names.CONCERN_TOPICS
        category, _, texts = rng.choice(topics)
        creator = next(u for u in out["users"] if u["id"] == v["user_id"])
        reviewer = head_of_district[district_of_estate[estate_of[v["household_id"]]]]
        c_id = g.uuid()
        members = members_of[v["household_id"]]
        description = rng.choice(texts)
        opened = dt.datetime.fromisoformat(v["visited_at"]) + dt.timedelta(minutes=10)
        events = _history(g, c_id, opened, description, status, creator, reviewer, staff)
        transitions = sum(1 for e in events if e["action"] == "transition")
        current = next(
            (e["to_status"] for e in reversed(events) if e["action"] == "transition"), "open"
        )
        resolved_at = next(
            (e["created_at"] for e in reversed(events) if e["to_status"] == "resolved"), None
        )
        assignee = reviewer if current != "open" else None
        out["concerns"].append(
            {
                "id": c_id,
                "household_id": v["household_id"],
                "resident_id": rng.choice(members)["id"] if rng.random() < 0.5 else None,
                "visit_id": v["id"],
                "kind": kind,
                "category": category,
                "description": description,
                "status": current,
                "created_by": creator["id"],
                "created_at": events[0]["created_at"],
                "updated_at": events[-1]["created_at"],
                "version": 1 + transitions,
                "assignee_id": assignee["id"] if assignee else None,
                "due_date": due_date_for(category, opened, _SETTINGS).isoformat(),
                "resolved_at": resolved_at if current == "resolved" else None,
                "_creator_name": creator["name"],
                "_assignee_name": assignee["name"] if assignee else "",
            }
        )
        out["concern_events"].extend(events)
    return out


def _strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


def seed_demo(
    engine: Engine,
    *,
    seed: int = 7,
    scale: float = 1.0,
    demo_responses: bool = True,
    communities: int = 1,
) -> dict[str, int]:
    """Create the demo community in an empty, migrated database; returns counts of what it made
    (of the first community when there are several).

    ``communities=N`` (N > 1) makes N communities: the first generated from ``seed``, the others
    copies of it under their own ids made inside the database (``server.domain.seed_city``),
    their logins prefixed ``c001-`` ... (``c001-staff``, ``c001-head01``),
    grouped in streets of ``STREET_SIZE`` with one read-only ``street`` login each
    (``street`` when there is one street, ``street01`` ... when several).

    ``demo_responses=False`` leaves out the sample questionnaire answers (for tests that count
    the answers they submit themselves).

    Raises SeedError (and writes nothing) if the database already holds districts or users.
    """
    if not 0 < scale <= 10:
        raise SeedError(f"scale must be in (0, 10], got {scale}")
    if not 1 <= communities <= MAX_COMMUNITIES:
        raise SeedError(f"communities must be in [1, {MAX_COMMUNITIES}], got {communities}")
    # one hash for every demo login: they share the password, and hashing is slow on purpose
    password_hash = hash_password(DEMO_PASSWORD)
    with write_tx(engine) as conn:
        existing = conn.execute(select(func.count()).select_from(users)).scalar_one()
        existing += conn.execute(select(func.count()).select_from(districts)).scalar_one()
        if existing:
            raise SeedError("the database already holds a community; seed-demo needs an empty one")
        first_id = sole_community(conn)  # the empty one every database starts with
        city = communities > 1
        counts = _seed_community(
            conn,
            first_id,
            _build(seed, scale, "c001-" if city else "", tag=1 if city else None),
            password_hash,
            seed=seed,
            scale=scale,
            demo_responses=demo_responses,
            tag=1 if city else None,
        )
        if city:
            copies = [
                (
                    n,
                    create_community(
                        conn, f"{_COMMUNITY_NAME}{n:03d}", community_id=_id(seed, n - 1)
                    ),
                )
                for n in range(2, communities + 1)
            ]
            copy_community(conn, first_id, copies)
            _seed_streets(conn, seed, [first_id] + [c for _, c in copies], password_hash)
        if conn.dialect.name == "postgresql":  # the first pulls plan with the real row counts
            conn.exec_driver_sql("ANALYZE")
    return counts


#: a 街道 groups this many communities in a seeded city
STREET_SIZE = 20
MAX_COMMUNITIES = 1000
_COMMUNITY_NAME = "胡巷社区"


def _id(seed: int, n: int) -> str:
    return str(uuid.UUID(int=random.Random(f"{seed}:{n}").getrandbits(128), version=4))


def _seed_streets(conn: Connection, seed: int, ids: list[str], password_hash: str) -> None:
    n_streets = -(-len(ids) // STREET_SIZE)
    for s_no in range(n_streets):
        street = create_street(conn, f"胡巷街道{s_no + 1:02d}", street_id=_id(seed, -1 - s_no))
        members = ids[s_no * STREET_SIZE : (s_no + 1) * STREET_SIZE]
        conn.execute(
            update(communities_table)
            .where(communities_table.c.id.in_(members))
            .values(street_id=street)
        )
        conn.execute(
            users.insert().values(
                id=_id(seed, -1000 - s_no),
                username="street" if n_streets == 1 else f"street{s_no + 1:02d}",
                name=names.STAFF_NAME,
                role="street",
                street_id=street,
                password_hash=password_hash,
                active=True,
                created_at=_ts(BASE_DATE - dt.timedelta(days=200)),
            )
        )


def _seed_community(
    conn: Connection,
    community: str,
    plan: dict[str, list[dict[str, Any]]],
    password_hash: str,
    *,
    seed: int,
    scale: float,
    demo_responses: bool,
    tag: int | None,
) -> dict[str, int]:
    for u in plan["users"]:
        u["password_hash"] = password_hash
    for row in (*plan["districts"], *plan["users"]):
        row["community_id"] = community

    estate_of = {e["id"]: e for e in plan["estates"]}
    house_scope = {
        h["id"]: (h["estate_id"], estate_of[h["estate_id"]]["district_id"])
        for h in plan["households"]
    }
    user_name = {u["id"]: u["name"] for u in plan["users"]}
    concern_scope = {c["id"]: house_scope[c["household_id"]] for c in plan["concerns"]}

    log: list[dict[str, Any]] = []
    for d in plan["districts"]:
        log.append(
            ent.change_row(
                "district", ent.district_data(d), version=1, estate_id=None, district_id=d["id"]
            )
        )
    for e in plan["estates"]:
        log.append(
            ent.change_row(
                "estate",
                ent.estate_data(e),
                version=1,
                estate_id=e["id"],
                district_id=e["district_id"],
            )
        )
    for c in plan["checklists"]:
        log.append(
            ent.change_row(
                "checklist", ent.checklist_data(c), version=1, estate_id=None, district_id=None
            )
        )
    for h in plan["households"]:
        es, ds = house_scope[h["id"]]
        log.append(
            ent.change_row(
                "household", ent.household_data(h), version=1, estate_id=es, district_id=ds
            )
        )
    for r in plan["residents"]:
        es, ds = house_scope[r["household_id"]]
        log.append(
            ent.change_row(
                "resident", ent.resident_data(r), version=1, estate_id=es, district_id=ds
            )
        )
    for v in plan["visits"]:
        es, ds = house_scope[v["household_id"]]
        log.append(
            ent.change_row(
                "visit",
                ent.visit_data(v, user_name[v["user_id"]]),
                version=1,
                estate_id=es,
                district_id=ds,
            )
        )
    for c in plan["concerns"]:
        es, ds = concern_scope[c["id"]]
        log.append(
            ent.change_row(
                "concern",
                ent.concern_data(c, c["_creator_name"], c["_assignee_name"]),
                version=c["version"],
                estate_id=es,
                district_id=ds,
            )
        )
    for ev in plan["concern_events"]:
        es, ds = concern_scope[ev["concern_id"]]
        log.append(ent.change_row("concern_event", ent.concern_event_data(ev, ev["_user_name"]), version=1, estate_id=es, district_id=ds))  # fmt: skip

    for table, key in (
        (districts, "districts"),
        (estates, "estates"),
        (users, "users"),
        (user_estates, "user_estates"),
        (checklists, "checklists"),
        (households, "households"),
        (residents, "residents"),
        (visits, "visits"),
        (concerns, "concerns"),
        (concern_events, "concern_events"),
    ):
        insert_rows(conn, table, _strip(plan[key]))
    record_changes(conn, log, community, new_entities=True)
    n_questionnaires = int(seed_builtin_questionnaires(conn) or 0)
    members_of: dict[str, list[dict[str, Any]]] = {}
    for r in plan["residents"]:
        members_of.setdefault(r["household_id"], []).append(r)
    n_responses = seed_responses(
        conn,
        seed=seed + 1,
        count=max(3, round(FULL_RESPONSES * scale)) if demo_responses else 0,
        households=plan["households"],
        members_of=members_of,
        base_date=BASE_DATE,
        community_id=community,
        tag=tag,
    )

    aged = sum(1 for r in plan["residents"] if BASE_YEAR - r["birth_year"] >= 60)
    return {
        "districts": len(plan["districts"]),
        "estates": len(plan["estates"]),
        "buildings": len({(h["estate_id"], h["building"]) for h in plan["households"]}),
        "households": len(plan["households"]),
        "residents": len(plan["residents"]),
        "aged_60_plus": aged,
        "users": len(plan["users"]),
        "visits": len(plan["visits"]),
        "person_times": sum(v["people_reached"] for v in plan["visits"]),
        "concerns": len(plan["concerns"]),
        "concerns_resolved": sum(1 for c in plan["concerns"] if c["status"] == "resolved"),
        "concern_events": len(plan["concern_events"]),
        "checklists": len(plan["checklists"]),
        "questionnaires": n_questionnaires,
        "questionnaire_responses": n_responses,
        "changes": len(log),
    }
