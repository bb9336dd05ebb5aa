"""Which estate each row means: the names an office writes against the estates the server has.

A name matches an existing estate when it is the same after folding script (simplified and
traditional), width, spacing and case (``name_key``): ``胡巷新村一區`` is ``胡巷新村一区``, and
the report says so. With ``create_estates`` an unknown name becomes a new estate in the row's
district, unless it is *nearly* an existing name (numerals written either way, a trailing
小区; ``loose_name_key``): then the row is refused and the user asked to write the name
exactly, so a typo never becomes a phantom estate.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, select

from server.db.schema import districts, estates
from server.domain.register.cells import Row
from server.domain.register.problems import Problem, problem
from server.domain.register.text import loose_name_key, name_key


def new_id() -> str:
    return str(uuid.uuid4())


class EstateResolver:
    """Maps each row to an estate (existing or planned) or a refusal; plans new ones."""

    def __init__(
        self, conn: Connection, community: str, *, create: bool, label: str = "小区"
    ) -> None:
        """The estates and districts of ``community`` (a register is one community's)."""
        self.create = create
        self.label = label
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}
        self.by_loose: dict[str, dict[str, Any]] = {}
        for r in conn.execute(
            select(estates)
            .join(districts, districts.c.id == estates.c.district_id)
            .where(districts.c.community_id == community)
        ):
            e = dict(r._mapping)
            self.by_id[e["id"]] = e
            self.by_key.setdefault(name_key(e["name"]), e)
            self.by_loose.setdefault(loose_name_key(e["name"]), e)
        self.districts: dict[str, dict[str, Any]] = {}
        for r in conn.execute(
            select(districts.c.id, districts.c.name).where(districts.c.community_id == community)
        ):
            self.districts.setdefault(name_key(r.name), {"id": r.id, "name": r.name})
        self.new_districts: list[dict[str, Any]] = []
        self.new_estates: list[dict[str, Any]] = []
        self.notes: list[Problem] = []
        self._said: set[str] = set()

    def resolve(self, rows: list[Row]) -> dict[int, dict[str, Any] | Problem]:
        """id(row) -> its estate, or the problem refusing the row."""
        district_of: dict[str, str] = {}
        for row in rows:
            if row.district:
                district_of.setdefault(name_key(row.estate), row.district)
        out: dict[int, dict[str, Any] | Problem] = {}
        for row in rows:
            out[id(row)] = self._one(row, district_of.get(name_key(row.estate), ""))
        return out

    def _one(self, row: Row, district: str) -> dict[str, Any] | Problem:
        where = (row.sheet or None, row.number)
        if row.estate in self.by_id:
            return self.by_id[row.estate]
        key = name_key(row.estate)
        found = self.by_key.get(key)
        if found is not None:
            if found["name"] != row.estate and row.estate not in self._said:
                self._said.add(row.estate)
                self.notes.append(
                    problem("estate_variant", written=row.estate, existing=found["name"])
                )
            return found
        near = self.by_loose.get(loose_name_key(row.estate))
        if not self.create:
            if near is not None:
                return problem(
                    "unknown_estate_near", *where, column=self.label, estate=row.estate,
                    existing=near["name"],
                )  # fmt: skip
            return problem("unknown_estate", *where, column=self.label, estate=row.estate)
        if near is not None:
            return problem(
                "estate_near", *where, column=self.label, estate=row.estate, existing=near["name"]
            )
        if not district:
            return problem("estate_needs_district", *where, column=self.label, estate=row.estate)
        return self._create(row.estate, district)

    def _create(self, name: str, district_name: str) -> dict[str, Any]:
        d = self.districts.get(name_key(district_name))
        if d is None:
            d = {"id": new_id(), "name": district_name, "version": 1}
            self.districts[name_key(district_name)] = d
            self.new_districts.append(d)
        e = {"id": new_id(), "district_id": d["id"], "name": name, "kind": "estate", "version": 1}
        self.new_estates.append(e)
        self.by_id[e["id"]] = e
        self.by_key[name_key(name)] = e
        self.by_loose.setdefault(loose_name_key(name), e)
        self.notes.append(problem("estate_created", estate=name, district=d["name"]))
        return e
