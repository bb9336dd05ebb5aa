"""What a mutation handler gets: the connection, who pushes, and a place to stage changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import Connection, Table, literal_column, null, select, union_all

from server.db.among import among
from server.db.bulk import insert_together
from server.db.changelog import record_changes
from server.db.schema import checklists, districts, estates, households, mutations, visits
from server.domain.entities import household_place
from server.domain.principal import Principal
from server.domain.scope import may_write
from server.domain.timeutil import iso
from server.settings import Settings

# what every push looks up at once, built once (building a statement costs more than running it)
_VISIT_HOUSEHOLDS = select(visits.c.id, visits.c.household_id).where(among(visits.c.id))
#: a push's lookups in one statement, one round trip: rows ("m", id) for its mutation ids
#: applied before, ("v", visit id, household) for its visit ids that exist, and
#: ("h", household id, estate, district, community) for its households
_LOOKUPS = union_all(
    select(literal_column("'m'"), mutations.c.id, null(), null(), null()).where(
        among(mutations.c.id, "mutation_ids")
    ),
    select(literal_column("'v'"), visits.c.id, visits.c.household_id, null(), null()).where(
        among(visits.c.id, "visit_ids")
    ),
    select(
        literal_column("'h'"),
        households.c.id,
        households.c.estate_id,
        estates.c.district_id,
        districts.c.community_id,
    )
    .join(estates, estates.c.id == households.c.estate_id)
    .join(districts, districts.c.id == estates.c.district_id)
    .where(among(households.c.id, "household_ids")),
)


class Reject(Exception):  # noqa: N818 - it is a result, not a failure of the server
    """A mutation refused with a protocol rejection code; it leaves no trace."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ChangeSink:
    """Change-log rows waiting to be stamped. One push stages rows per mutation, keeps them
    only when the mutation succeeded, and stamps them all (one counter bump) before commit;
    later rows for the same entity replace earlier ones (each carries full data)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(
        self,
        entity: str,
        entity_id: str,
        *,
        version: int,
        data: dict[str, Any] | None,
        estate_id: str | None,
        district_id: str | None,
        op: str = "upsert",
    ) -> None:
        key = (entity, str(entity_id))
        self._rows.pop(key, None)  # re-insert so dict order follows the latest change
        self._rows[key] = {
            "entity": entity,
            "entity_id": str(entity_id),
            "op": op,
            "version": version,
            "data": data,
            "estate_id": estate_id,
            "district_id": district_id,
        }

    def take(self, other: ChangeSink) -> None:
        for key, row in other._rows.items():
            self._rows.pop(key, None)
            self._rows[key] = row

    def flush(
        self,
        conn: Connection,
        community: str | None,
        district_communities: dict[str, str] | None = None,
    ) -> int:
        """Stamp the rows in the change log (rows with no place go to ``community``;
        ``district_communities``: the communities of districts already known)."""
        rows = list(self._rows.values())
        record_changes(conn, rows, community, district_communities=district_communities)
        self._rows.clear()
        return len(rows)


@dataclasses.dataclass
class Ctx:
    conn: Connection
    principal: Principal
    device_id: str
    sink: ChangeSink
    mutation_id: str
    created_at: dt.datetime
    _checklists: dict[int, bool] = dataclasses.field(default_factory=dict)
    #: household id -> (estate, district) or None; households never move, so a push may
    #: look them all up at once (``prefetch``)
    _places: dict[str, tuple[str, str] | None] = dataclasses.field(default_factory=dict)
    #: district id -> community id, of the districts of the households prefetched (a
    #: district never moves to another community)
    district_communities: dict[str, str] = dataclasses.field(default_factory=dict)
    #: visits known to exist, id -> household: those found by ``prefetch`` plus those
    #: written or staged in this push
    _visit_households: dict[str, str] = dataclasses.field(default_factory=dict)
    _visits_looked_up: set[str] = dataclasses.field(default_factory=set)
    #: when set (a push's fast path, no savepoints), new visit rows wait here and are written
    #: with one statement before the push commits (``write_deferred``)
    defer_visits: bool = False
    _deferred_visits: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    #: the operator's settings (the community's calendar for due dates)
    settings: Settings = dataclasses.field(default_factory=Settings)
    #: ``created_at`` as stored (``iso``)
    created_iso: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.created_iso = iso(self.created_at)

    def next_mutation(self, mutation_id: str, created_at: dt.datetime) -> None:
        """Point the context at the push's next mutation, with a fresh sink for its rows."""
        self.sink = ChangeSink()
        self.mutation_id = mutation_id
        self.created_at = created_at
        self.created_iso = iso(created_at)  # read by most handlers, made once

    def place_of_household(self, household_id: Any) -> tuple[str, str]:
        """(estate_id, district_id) of a household in the principal's write scope."""
        key = str(household_id)
        if key not in self._places:
            self._places[key] = household_place(self.conn, key)
        place = self._places[key]
        if place is None:
            raise Reject("unknown_household", f"household {household_id} does not exist")
        self.require_scope(*place)
        return place

    def prefetch(
        self, mutation_ids: list[str], household_ids: set[str], visit_ids: set[str]
    ) -> set[str]:
        """Look up at once which of ``mutation_ids`` were applied before (returned), the
        places of ``household_ids`` and which of ``visit_ids`` exist (``visit_exists``)."""
        households_ = sorted(household_ids - self._places.keys())
        visits_ = sorted(visit_ids - self._visits_looked_up)
        self._visits_looked_up.update(visits_)
        applied: set[str] = set()
        found: dict[str, tuple[str, str]] = {}
        # at most 900 parameters a statement on SQLite (older builds refuse more than 999)
        for start in range(0, max(len(mutation_ids), len(households_), len(visits_)), 300):
            chunk = {
                "mutation_ids": mutation_ids[start : start + 300],
                "household_ids": households_[start : start + 300],
                "visit_ids": visits_[start : start + 300],
            }
            for kind, key, a, b, community in self.conn.execute(_LOOKUPS, chunk):
                if kind == "m":
                    applied.add(key)
                elif kind == "v":
                    self._visit_households[key] = a
                else:
                    found[key] = (a, b)
                    self.district_communities[b] = community
        for h in households_:
            self._places[h] = found.get(h)
        return applied

    def prefetch_visits(self, visit_ids: set[str]) -> None:
        """Look up at once which of ``visit_ids`` already exist (``visit_exists``)."""
        ids = sorted(visit_ids - self._visits_looked_up)
        self._visits_looked_up.update(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self._visit_households.update(
                self.conn.execute(_VISIT_HOUSEHOLDS, {"ids": chunk}).all()
            )

    def visit_exists(self, visit_id: str) -> bool:
        """Whether a visit with this id exists or was written earlier in this push; ids not
        prefetched are looked up."""
        return self.household_of_visit(visit_id) is not None

    def household_of_visit(self, visit_id: str) -> str | None:
        """The household of a visit that exists or was written earlier in this push."""
        if visit_id not in self._visits_looked_up:
            self.prefetch_visits({visit_id})
        return self._visit_households.get(visit_id)

    def add_visit(self, row: dict[str, Any]) -> None:
        """Write a new visit row now, or stage it for ``write_deferred`` (``defer_visits``)."""
        if self.defer_visits:
            self._deferred_visits.append(row)
        else:
            self.conn.execute(visits.insert(), row)
        self._visit_households[row["id"]] = row["household_id"]

    def write_deferred(self, *also: tuple[Table, list[dict[str, Any]]]) -> None:
        """Write the staged visit rows, with ``also`` (other tables' rows) in the same
        statement on PostgreSQL; a database error propagates."""
        insert_together(self.conn, [(visits, self._deferred_visits), *also])
        self._deferred_visits = []

    def require_scope(self, estate_id: str | None, district_id: str | None) -> None:
        if not may_write(self.principal, estate_id, district_id):
            raise Reject("out_of_scope", "this record is outside your estates")

    def known_checklists(self, versions: set[int]) -> None:
        """These checklist versions are published (read before the push's transaction)."""
        self._checklists.update(dict.fromkeys(versions, True))

    def checklist_exists(self, version: int) -> bool:
        if version not in self._checklists:
            self._checklists[version] = (
                self.conn.execute(
                    select(checklists.c.id).where(checklists.c.version == version)
                ).first()
                is not None
            )
        return self._checklists[version]
