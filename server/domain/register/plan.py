"""Matching the rows against the database and deciding every write, without writing.

Everything the import will do is decided here in memory, from one read of the estates,
households and residents, so a dry run and a real run report the same thing and a real run
writes in a few batched statements:

- a household is found by (estate, building, unit, room), the stored parts normalised the
  same way as the file's (``1栋`` is ``1``), else planned;
- a resident is found by ID number, else by (household, name), else planned;
- a resident found by ID number at another address has moved: refused unless
  ``apply_moves``, and then both households' people counts follow;
- a found resident changes only in the cells that are filled and differ: ``version`` goes
  up and ``field_versions`` records the changed fields (the phones' field merge sees them);
- a household's people count goes up by the residents that arrive and down by those that
  leave, never below the residents registered there.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Text, select, type_coerce

from server.db.schema import districts, estates, households, residents
from server.domain import entities as ent
from server.domain.register.cells import Row
from server.domain.register.estates import EstateResolver, new_id
from server.domain.register.messages import text
from server.domain.register.problems import Problem, problem
from server.domain.register.text import address_part, person_name

#: resident fields an import may set
RESIDENT_FIELDS = (
    "gender", "birth_year", "id_number", "phone", "relation", "flags", "vaccination", "note",
)  # fmt: skip


@dataclasses.dataclass
class Plan:
    new_districts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    new_estates: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    new_households: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    changed_households: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    new_residents: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    changed_residents: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    #: change-log rows, in the order phones should apply them
    log: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    errors: list[Problem] = dataclasses.field(default_factory=list)
    notes: list[Problem] = dataclasses.field(default_factory=list)
    good_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0


def _address_key(estate_id: str, building: str, unit: str, room: str) -> tuple[str, ...]:
    return (
        estate_id,
        address_part(building, "building"),
        address_part(unit, "unit"),
        address_part(room, "room"),
    )


#: JSON columns, read as their text and decoded only for the rows that change: a re-import
#: compares tens of thousands of residents and changes few
_JSON = ("flags", "field_versions")


def _rows(conn: Connection, table, where: Any) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` that ``where`` keeps, as dicts, the JSON columns left as text
    (``_decoded``)."""
    columns = [type_coerce(c, Text).label(c.name) if c.name in _JSON else c for c in table.c]
    result = conn.execute(select(*columns).where(where))
    keys = list(result.keys())
    # fetched at once: row by row, the driver's fetch costs as much as the rest of the plan
    for r in result.all():
        yield dict(zip(keys, r, strict=False))  # the keys are the row's own


def _decoded(value: Any) -> Any:
    # a driver may hand JSON over already decoded (psycopg does for json columns)
    return json.loads(value) if isinstance(value, str) else value


def _decode(row: dict[str, Any]) -> None:
    for f in _JSON:
        if f in row:
            row[f] = _decoded(row[f])


class Planner:
    def __init__(
        self,
        conn: Connection,
        community: str,
        *,
        create_estates: bool,
        apply_moves: bool,
        estate_label: str,
    ) -> None:
        """Plans an import into ``community``: only its estates, households and residents
        are matched (an ID number in another community is another community's person)."""
        self.apply_moves = apply_moves
        self.estates = EstateResolver(conn, community, create=create_estates, label=estate_label)
        own_estates = (
            select(estates.c.id)
            .join(districts, districts.c.id == estates.c.district_id)
            .where(districts.c.community_id == community)
        )
        own_households = select(households.c.id).where(households.c.estate_id.in_(own_estates))
        self.house_by_id: dict[str, dict[str, Any]] = {}
        self.by_address: dict[tuple[str, ...], dict[str, Any]] = {}
        for h in _rows(conn, households, households.c.estate_id.in_(own_estates)):
            self.house_by_id[h["id"]] = h
            key = _address_key(h["estate_id"], h["building"], h["unit"], h["room"])
            self.by_address.setdefault(key, h)
        self.by_id_number: dict[str, dict[str, Any]] = {}
        self.by_name: dict[tuple[str, str], dict[str, Any]] = {}
        people = list(_rows(conn, residents, residents.c.household_id.in_(own_households)))
        for p in people:
            if p["id_number"]:
                self.by_id_number.setdefault(p["id_number"].upper(), p)
            self.by_name.setdefault((p["household_id"], person_name(p["name"])), p)
        self.registered: Counter[str] = Counter([p["household_id"] for p in people])

    def _where(self, house: dict[str, Any], lang: str = "zh") -> str:
        e = self.estates.by_id[house["estate_id"]]
        return text(
            "address", lang, estate=e["name"], building=house["building"], unit=house["unit"],
            room=house["room"],
        )  # fmt: skip

    def _place(self, house: dict[str, Any]) -> tuple[str, str]:
        e = self.estates.by_id[house["estate_id"]]
        return e["id"], e["district_id"]

    def plan(self, rows: list[Row], *, dry_run: bool) -> Plan:
        plan = Plan()
        estate_of = self.estates.resolve(rows)
        new_houses: dict[str, dict[str, Any]] = {}
        arrivals: Counter[str] = Counter()
        departures: Counter[str] = Counter()
        matched: dict[str, Row] = {}  # resident id -> the row that matched it
        changed: dict[str, dict[str, Any]] = {}
        for row in rows:
            e = estate_of[id(row)]
            if isinstance(e, Problem):
                plan.errors.append(e)
                continue
            key = _address_key(e["id"], row.building, row.unit, row.room)
            house = self.by_address.get(key)
            id_number = row.fields.get("id_number")
            resident = self.by_id_number.get(id_number) if id_number else None
            if resident is None and house is not None:
                candidate = self.by_name.get((house["id"], row.name))
                if candidate and not (
                    candidate["id_number"] and id_number and candidate["id_number"] != id_number
                ):
                    resident = candidate
            if resident is not None and resident["id"] in matched:
                other = matched[resident["id"]]
                plan.errors.append(
                    problem(
                        "duplicate_person", row.sheet or None, row.number, "",
                        other=row_ref(other, row),
                    )
                )  # fmt: skip
                continue
            moving = resident is not None and (
                house is None or resident["household_id"] != house["id"]
            )
            old_house = self.house_by_id[resident["household_id"]] if moving else None
            if moving and not self.apply_moves:
                plan.errors.append(
                    problem(
                        "move_not_applied", row.sheet or None, row.number, "",
                        old=self._where(old_house),
                    )
                )  # fmt: skip
                continue
            if house is None:
                house = {
                    "id": new_id(), "estate_id": e["id"], "building": row.building,
                    "unit": row.unit, "room": row.room, "people_count": 0, "note": "",
                    "contact_phone": None, "version": 1, "field_versions": {},
                }  # fmt: skip
                self.by_address[key] = new_houses[house["id"]] = house
                self.house_by_id[house["id"]] = house
            plan.good_rows += 1
            if resident is None:
                resident = {
                    "id": new_id(), "household_id": house["id"], "name": row.name,
                    "gender": "unknown", "birth_year": None, "phone": None, "id_number": None,
                    "relation": "", "flags": [], "vaccination": "unknown", "note": "",
                    "version": 1, "field_versions": {},
                }  # fmt: skip
                resident.update(row.fields)
                plan.new_residents.append(resident)
                plan.created += 1
                arrivals[house["id"]] += 1
                if house["id"] in new_houses and not house["contact_phone"]:
                    house["contact_phone"] = resident["phone"]
            else:
                if moving:
                    departures[old_house["id"]] += 1
                    arrivals[house["id"]] += 1
                    plan.moved += 1
                    plan.notes.append(
                        problem(
                            "move_planned" if dry_run else "move_applied", row.sheet or None,
                            row=row.number, old=self._where(old_house), new=self._where(house),
                        )
                    )  # fmt: skip
                if self._update(resident, row, house["id"]):
                    changed[resident["id"]] = resident
                    if not moving:
                        plan.updated += 1
                elif not moving:
                    plan.unchanged += 1
            matched[resident["id"]] = row
            if resident.get("id_number"):
                self.by_id_number[resident["id_number"]] = resident
            self.by_name[(resident["household_id"], resident["name"])] = resident

        plan.changed_residents = list(changed.values())
        self._counts(plan, new_houses, arrivals, departures)
        if not dry_run:  # a dry run writes nothing, so it needs no change log
            self._log(plan)
        plan.new_districts = self.estates.new_districts
        plan.new_estates = self.estates.new_estates
        plan.notes = self.estates.notes + plan.notes
        return plan

    def _update(self, resident: dict[str, Any], row: Row, household_id: str) -> bool:
        """Apply the row's filled, differing fields to ``resident``; True if any changed."""
        diff = {f: v for f, v in row.fields.items() if resident.get(f) != v}
        # flags are stored as JSON text, and their order carries nothing
        if "flags" in diff and set(_decoded(resident.get("flags")) or []) == set(
            row.fields["flags"]
        ):
            del diff["flags"]
        if resident["name"] != row.name:
            diff["name"] = row.name
        if resident["household_id"] != household_id:
            diff["household_id"] = household_id
        if not diff:
            return False
        _decode(resident)
        version = resident["version"] + 1
        field_versions = dict(resident.get("field_versions") or {})
        for f in diff:
            field_versions[f] = version
        resident.update(diff, version=version, field_versions=field_versions)
        return True

    def _counts(
        self,
        plan: Plan,
        new_houses: dict[str, dict[str, Any]],
        arrivals: Counter[str],
        departures: Counter[str],
    ) -> None:
        for house_id in sorted(set(arrivals) | set(departures)):
            house = self.house_by_id[house_id]
            moved = arrivals[house_id] - departures[house_id]
            registered = self.registered[house_id] + moved
            stated = house["people_count"]
            base = stated if stated is not None else self.registered[house_id]
            count = max(registered, base + moved, 0)
            if house_id in new_houses:
                house["people_count"] = count
            elif count != stated:
                _decode(house)
                version = house["version"] + 1
                house.update(
                    people_count=count,
                    version=version,
                    field_versions={**(house["field_versions"] or {}), "people_count": version},
                )
                plan.changed_households.append(house)
        plan.new_households = list(new_houses.values())

    def _log(self, plan: Plan) -> None:
        log = plan.log
        for d in self.estates.new_districts:
            log.append(
                ent.change_row(
                    "district", ent.district_data(d), version=1, estate_id=None, district_id=d["id"]
                )
            )
        for e in self.estates.new_estates:
            log.append(
                ent.change_row(
                    "estate", ent.estate_data(e), version=1, estate_id=e["id"],
                    district_id=e["district_id"],
                )
            )  # fmt: skip
        for house in [*plan.new_households, *plan.changed_households]:
            estate_id, district_id = self._place(house)
            log.append(
                ent.change_row(
                    "household", ent.household_data(house), version=house["version"],
                    estate_id=estate_id, district_id=district_id,
                )
            )  # fmt: skip
        for resident in [*plan.new_residents, *plan.changed_residents]:
            estate_id, district_id = self._place(self.house_by_id[resident["household_id"]])
            log.append(
                ent.change_row(
                    "resident", ent.resident_data(resident), version=resident["version"],
                    estate_id=estate_id, district_id=district_id,
                )
            )  # fmt: skip


def row_ref(other: Row, row: Row) -> str:
    """How a message names another row: its number, and its sheet if not the same."""
    return str(other.number) if other.sheet == row.sheet else f"{other.number}（{other.sheet}）"
