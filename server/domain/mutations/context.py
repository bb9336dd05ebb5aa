"""What a mutation handler gets: the connection, who pushes, and a place to stage changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from server.db.changelog import record_changes
from server.db.schema import checklists, estates, households
from server.domain.entities import household_place
from server.domain.principal import Principal
from server.domain.scope import may_write
from server.domain.timeutil import iso


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

    def flush(self, conn: Connection) -> int:
        rows = list(self._rows.values())
        record_changes(conn, rows)
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
    #: look them all up at once (``prefetch_households``)
    _places: dict[str, tuple[str, str] | None] = dataclasses.field(default_factory=dict)

    @property
    def created_iso(self) -> str:
        return iso(self.created_at)

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

    def prefetch_households(self, household_ids: set[str]) -> None:
        ids = sorted(household_ids - self._places.keys())
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = dict(
                (h, (e, d))
                for h, e, d in self.conn.execute(
                    select(households.c.id, households.c.estate_id, estates.c.district_id)
                    .join(estates, estates.c.id == households.c.estate_id)
                    .where(households.c.id.in_(chunk))
                )
            )
            for h in chunk:
                self._places[h] = found.get(h)

    def require_scope(self, estate_id: str | None, district_id: str | None) -> None:
        if not may_write(self.principal, estate_id, district_id):
            raise Reject("out_of_scope", "this record is outside your estates")

    def checklist_exists(self, version: int) -> bool:
        if version not in self._checklists:
            self._checklists[version] = (
                self.conn.execute(
                    select(checklists.c.id).where(checklists.c.version == version)
                ).first()
                is not None
            )
        return self._checklists[version]
