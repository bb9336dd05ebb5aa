"""The phone's local store: one SQLite file per signed-in user (WAL, schema migrated forward).

Every write puts the local row and its outbox mutation in ONE transaction and returns the new
entity id: the phone shows the change at once and its upload can never be forgotten. Rows
created or changed locally and not yet acknowledged read back with ``"pending": True``; a
pulled server copy never overwrites them (it waits aside until the change is acknowledged,
see services/rows.py). Reads return plain dicts. The API is fixed in docs/contracts.md
("Phone store").

    store = Store(tmp / "head01.db")
    store.set_user({"id": ..., "name": "王芳", "role": "head", "estate_ids": [...]})
    vid = store.record_visit(household_id, method="in_person", people_reached=2, answers={})
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from services import outbox, queries, worklists
from services.office import OfficeWork
from services.protocol import (
    INT32_MAX,
    RESIDENT_FLAGS,
    age_in,
    mask_id_number,
    mask_phone,
    new_id,
    transition_allowed,
    utc_iso,
    utc_now,
)
from services.rows import SEARCH_TABLES, apply_changes, dumps, get_row, overlay
from services.schema import TABLES, migrate
from services.search import Resident, ResidentIndex


def _now_iso() -> str:
    return utc_iso(utc_now())


class Store(OfficeWork):
    """The offline store of one signed-in user. Methods are synchronous and thread-safe (one
    connection guarded by a lock), so the app's handlers and the sync engine can share it."""

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the store file at ``path`` and migrate its schema forward."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=10000")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        migrate(conn)
        self._generation = 0  # bumped whenever searchable rows change
        self._index: ResidentIndex | None = None
        self._index_key: tuple[int, int] | None = None

    def close(self) -> None:
        """Close the underlying connection."""
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything in it is committed together or not at all."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _touched(self, tables: Iterable[str]) -> None:
        if SEARCH_TABLES & set(tables):
            self._generation += 1

    # ---- user and cursor ----------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, conn: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def user(self) -> dict | None:
        """The signed-in user's UserInfo dict, or None."""
        raw = self._meta("user")
        return json.loads(raw) if raw else None

    def set_user(self, user: dict) -> None:
        """Remember the signed-in user's UserInfo (id, name, role, estate_ids, district_id)."""
        if hasattr(user, "model_dump"):
            user = user.model_dump(mode="json")
        missing = {"id", "name", "role"} - set(user)
        if missing:
            raise ValueError(f"user is missing {sorted(missing)}")
        with self._tx() as conn:
            self._set_meta(conn, "user", dumps(dict(user)))

    @property
    def device_id(self) -> str:
        """A stable id of this phone store, made once (the engine sends it on push)."""
        with self._lock:
            value = self._meta("device_id")
            if value is None:
                value = new_id()
                with self._tx() as conn:
                    self._set_meta(conn, "device_id", value)
        return value

    @property
    def cursor(self) -> str | None:
        """The pull cursor after the last applied page (None = pull from the start)."""
        return self._meta("cursor")

    def set_cursor(self, cursor: str | None) -> None:
        with self._tx() as conn:
            self._set_meta(conn, "cursor", cursor)

    def reset_scope(self) -> None:
        """Drop pulled rows and the cursor; keep the outbox and rows with pending changes
        (the engine then pulls the scope again from no cursor, e.g. after a 410)."""
        with self._tx() as conn:
            for entity, table in TABLES.items():
                conn.execute(
                    f"DELETE FROM {table} WHERE id NOT IN"
                    " (SELECT row_id FROM pending_rows WHERE entity = ?)",
                    (entity,),
                )
            self._set_meta(conn, "cursor", None)
        self._touched(SEARCH_TABLES)

    # ---- reads --------------------------------------------------------------------------
    def estates(self, today: dt.date | None = None) -> list[dict]:
        """The scope's estates by name: [{id, name, district_id, kind, household_count,
        visited_this_month, not_visited_30}]"""
        with self._lock:
            return queries.estates(self.conn, today or dt.date.today())

    def home_summary(self, today: dt.date | None = None) -> dict:
        """{estates, households, visited_this_month, not_visited_30, my_open_concerns,
        pending, rejected} (household counts: households visited this month / not in the
        last 30 days; my open concerns: raised by me, open or in review)."""
        user = self.user or {}
        with self._lock:
            out = queries.home_summary(self.conn, today or dt.date.today(), user.get("id"))
            out.update(outbox.counts(self.conn))
        return out

    def households(
        self,
        *,
        estate_id: str | None = None,
        building: str | None = None,
        not_visited_days: int | None = None,
        aged_60: bool = False,
        lives_alone: bool = False,
        query: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[dict]:
        """Households in address order: [{id, estate_id, estate_name, building, unit, room,
        address, people_count, member_count, last_visit_at, open_concerns, pending,
        matched_name, draft}]. ``query`` matches the address or a member's name, pinyin,
        initials or phone tail (3-4 last digits); ``matched_name`` is the member it found
        (None when the address matched or there is no query); ``draft``: an unsaved form
        about the household waits on this phone."""
        with self._lock:
            return queries.households(
                self.conn,
                estate_id=estate_id,
                building=building,
                not_visited_days=not_visited_days,
                aged_60=aged_60,
                lives_alone=lives_alone,
                query=query,
                offset=offset,
                limit=limit,
            )

    def worklist_counts(self, today: dt.date | None = None) -> dict[str, int]:
        """How many entries each worklist has (``services.worklists.WORKLISTS``), plus
        ``follow_ups_overdue``: counted in SQL, whatever the size of the register."""
        with self._lock:
            return worklists.counts(self.conn, today or dt.date.today())

    def worklist(
        self, kind: str, today: dt.date | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[dict]:
        """One page of a worklist in walking order (estate, building, unit, room): rows with
        ``id``, ``household_id``, ``estate_name``, ``address`` and the list's own fields
        (see ``services.worklists``); lists of people add ``name`` and ``age``. Raises
        ValueError for an unknown list."""
        today = today or dt.date.today()
        with self._lock:
            out = worklists.rows(self.conn, kind, today, offset=offset, limit=limit)
        for d in out:
            if "birth_year" in d:
                d["age"] = age_in(d["birth_year"], today.year)
        return out

    def count_households(self, **filters: Any) -> int:
        """How many households match the same filters as ``households``."""
        with self._lock:
            return queries.count_households(self.conn, **filters)

    def buildings(self, estate_id: str) -> list[str]:
        """An estate's buildings in natural order ("2" before "10")."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT DISTINCT building FROM households WHERE estate_id = ?"
                " ORDER BY CAST(building AS INTEGER), building",
                (estate_id,),
            ).fetchall()
        return [r[0] for r in rows]

    def household(self, household_id: str) -> dict | None:
        """One household's data + estate_name, address, last_visit_at, open_concerns,
        pending, version, draft (an unsaved form about it waits); None if unknown."""
        with self._lock:
            row = self.conn.execute(
                "SELECT data, version FROM households WHERE id = ?", (household_id,)
            ).fetchone()
            if row is None:
                return None
            summary = self.conn.execute(
                "SELECT e.name, h.address,"
                " (SELECT MAX(visited_at) FROM visits v WHERE v.household_id = h.id),"
                " (SELECT COUNT(*) FROM concerns c WHERE c.household_id = h.id"
                "  AND c.status IN ('open', 'in_review')),"
                f" {queries.pending_sql('household', 'h.id')},"
                " EXISTS (SELECT 1 FROM drafts d WHERE d.household_id = h.id)"
                " FROM households h LEFT JOIN estates e ON e.id = h.estate_id WHERE h.id = ?",
                (household_id,),
            ).fetchone()
        d = json.loads(row[0])
        d.update(
            version=row[1],
            estate_name=summary[0],
            address=summary[1],
            last_visit_at=summary[2],
            open_concerns=summary[3],
            pending=bool(summary[4]),
            draft=bool(summary[5]),
        )
        return d

    def members(self, household_id: str) -> list[dict]:
        """A household's residents (oldest first): data + age, pending, version."""
        with self._lock:
            rows = queries.rows_with_pending(
                self.conn,
                "resident",
                "WHERE t.household_id = ? ORDER BY t.birth_year IS NULL, t.birth_year, t.name",
                (household_id,),
            )
        for d in rows:
            d["age"] = age_in(d.get("birth_year"))
        return rows

    def resident(self, resident_id: str) -> dict | None:
        """One resident (data + age, pending, version), or None."""
        with self._lock:
            rows = queries.rows_with_pending(
                self.conn, "resident", "WHERE t.id = ?", (resident_id,)
            )
        for d in rows:
            d["age"] = age_in(d.get("birth_year"))
        return rows[0] if rows else None

    def visits(self, household_id: str) -> list[dict]:
        """A household's visits, newest first, with ``pending``."""
        with self._lock:
            return queries.rows_with_pending(
                self.conn,
                "visit",
                "WHERE t.household_id = ? ORDER BY t.visited_at DESC",
                (household_id,),
            )

    def visit(self, visit_id: str) -> dict | None:
        """One visit (data + pending, version), or None."""
        with self._lock:
            rows = queries.rows_with_pending(self.conn, "visit", "WHERE t.id = ?", (visit_id,))
        return rows[0] if rows else None

    def concerns(
        self,
        *,
        household_id: str | None = None,
        status: str | Iterable[str] | None = None,
        mine: bool = False,
        visit_id: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[dict]:
        """Concerns, newest first: data + address, estate_name, pending, version. ``status``
        is one status or several; ``mine`` keeps those raised by the signed-in user;
        ``visit_id`` those raised in that visit."""
        where, params = ["1"], []
        if household_id is not None:
            where.append("t.household_id = ?")
            params.append(household_id)
        if visit_id is not None:
            where.append("json_extract(t.data, '$.visit_id') = ?")
            params.append(str(visit_id))
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            where.append(f"t.status IN ({', '.join('?' * len(statuses))})")
            params.extend(statuses)
        if mine:
            where.append("t.created_by = ?")
            params.append((self.user or {}).get("id"))
        params.extend([int(limit), int(offset)])
        with self._lock:
            rows = queries.rows_with_pending(
                self.conn,
                "concern",
                f"WHERE {' AND '.join(where)} ORDER BY t.created_at DESC LIMIT ? OFFSET ?",
                params,
            )
            self._add_addresses(rows)
        return rows

    def _add_addresses(self, rows: list[dict]) -> None:
        for d in rows:
            r = self.conn.execute(
                "SELECT h.address, e.name FROM households h LEFT JOIN estates e"
                " ON e.id = h.estate_id WHERE h.id = ?",
                (d.get("household_id"),),
            ).fetchone()
            d["address"], d["estate_name"] = r if r else (None, None)

    def concern(self, concern_id: str) -> dict | None:
        with self._lock:
            rows = queries.rows_with_pending(self.conn, "concern", "WHERE t.id = ?", (concern_id,))
            self._add_addresses(rows)
        return rows[0] if rows else None

    def concern_events(self, concern_id: str) -> list[dict]:
        """A concern's history, oldest first, with ``pending``."""
        with self._lock:
            return queries.rows_with_pending(
                self.conn,
                "concern_event",
                "WHERE t.concern_id = ? ORDER BY t.created_at",
                (concern_id,),
            )

    def conflicts(self, *, entity_id: str | None = None, status: str | None = "open") -> list[dict]:
        """Field conflicts the server recorded: data dicts, newest first."""
        where, params = ["1"], []
        if entity_id is not None:
            where.append("t.entity_id = ?")
            params.append(entity_id)
        if status is not None:
            where.append("t.status = ?")
            params.append(status)
        with self._lock:
            return queries.rows_with_pending(
                self.conn,
                "conflict",
                f"WHERE {' AND '.join(where)} ORDER BY t.created_at DESC",
                params,
            )

    def warm_search(self) -> None:
        """Build the resident search index now if the data changed (the sync engine
        calls it in a worker thread after a pull, so the next search does not pay for it)."""
        self._search_index()

    def _search_index(self) -> ResidentIndex:
        with self._lock:
            # data_version changes when another connection (another process) committed
            key = (self._generation, self.conn.execute("PRAGMA data_version").fetchone()[0])
            if self._index is None or self._index_key != key:
                rows = self.conn.execute(
                    "SELECT r.id, r.name, r.household_id, h.address, h.estate_id, e.name,"
                    " r.birth_year, json_extract(r.data, '$.phone_masked'),"
                    " json_extract(r.data, '$.flags'), r.lives_alone, r.flagged,"
                    " r.name_py, r.name_ini, r.phone_tail"
                    " FROM residents r LEFT JOIN households h ON h.id = r.household_id"
                    " LEFT JOIN estates e ON e.id = h.estate_id"
                    " WHERE r.household_id IS NOT NULL"
                ).fetchall()
                self._index = ResidentIndex(
                    [
                        Resident(
                            id=r[0],
                            name=r[1] or "",
                            household_id=r[2],
                            address=r[3] or "",
                            estate_id=r[4],
                            estate_name=r[5] or "",
                            birth_year=r[6],
                            phone_masked=r[7],
                            flags=json.loads(r[8]) if r[8] else [],
                            lives_alone=bool(r[9]),
                            flagged=bool(r[10]),
                            name_py=r[11] or "",
                            name_ini=r[12] or "",
                            phone_tail=r[13] or "",
                        )
                        for r in rows
                    ]
                )
                self._index_key = key
            return self._index

    def search_residents(
        self,
        query: str,
        *,
        estate_id: str | None = None,
        aged_60: bool = False,
        lives_alone: bool = False,
        flagged: bool = False,
        offset: int = 0,
        limit: int = 30,
    ) -> list[dict]:
        """Residents matching ``query`` by name (substring), pinyin ("zhangwei") or initials
        ("zw"), phone tail ("5678") or building-unit-room ("3-2-401", "3-2"); exact matches
        first, then prefix, then substring (``score`` 3.x / 2.x / 1.x). An empty query lists
        everyone the filters keep. [{id, name, household_id, address, estate_name, age,
        phone_masked, flags, score}]"""
        index = self._search_index()
        year = dt.date.today().year
        old = year - 60

        if estate_id is not None:
            index = index.for_estate(estate_id)

        def keep(r: Resident) -> bool:
            if aged_60 and (r.birth_year is None or r.birth_year > old):
                return False
            if lives_alone and not r.lives_alone:
                return False
            return not (flagged and not r.flagged)

        filtering = aged_60 or lives_alone or flagged
        hits = index.search(query, keep=keep if filtering else None, offset=offset, limit=limit)
        return [
            {
                "id": r.id,
                "name": r.name,
                "household_id": r.household_id,
                "address": r.address,
                "estate_name": r.estate_name,
                "age": age_in(r.birth_year, year),
                "phone_masked": r.phone_masked,
                "flags": list(r.flags),
                "score": score,
            }
            for r, score in hits
        ]

    def checklist(self, version: int | None = None) -> dict | None:
        """The active checklist (latest version): {id, version, title, questions}, or None
        before the first pull. With ``version``: that version (a past visit's questions),
        or None if this phone never pulled it."""
        with self._lock:
            if version is None:
                row = self.conn.execute(
                    "SELECT data FROM checklists ORDER BY active DESC, version_no DESC LIMIT 1"
                ).fetchone()
            else:
                row = self.conn.execute(
                    "SELECT data FROM checklists WHERE version_no = ? LIMIT 1", (int(version),)
                ).fetchone()
        return json.loads(row[0]) if row else None

    def questionnaires(self) -> list[dict]:
        """Active questionnaires (data dicts) by title."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT data FROM questionnaires WHERE active = 1 ORDER BY slug"
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def responses_to_review(self, offset: int = 0, limit: int = 50) -> list[dict]:
        """Questionnaire answers not yet reviewed, newest first (with ``pending``)."""
        with self._lock:
            return queries.rows_with_pending(
                self.conn,
                "questionnaire_response",
                "WHERE t.status = 'new' ORDER BY t.submitted_at DESC LIMIT ? OFFSET ?",
                (int(limit), int(offset)),
            )

    def outbox_counts(self) -> dict:
        """{"pending": mutations waiting to upload, "rejected": refused by the server}"""
        with self._lock:
            return outbox.counts(self.conn)

    def rejected(self) -> list[dict]:
        """Refused mutations, oldest first: [{id, type, entity_id, payload, code, message,
        created_at}]"""
        with self._lock:
            return outbox.rejected(self.conn)

    # ---- writes -------------------------------------------------------------------------
    def _signed_in(self) -> dict:
        user = self.user
        if not user:
            raise ValueError("no signed-in user: call set_user first")
        return user

    def _require(self, conn: sqlite3.Connection, entity: str, row_id: str) -> dict:
        row = get_row(conn, TABLES[entity], str(row_id))
        if row is None:
            raise ValueError(f"unknown {entity} {row_id}")
        return row

    def _mutate(
        self,
        conn: sqlite3.Connection,
        mutation_type: str,
        entity_id: str,
        payload: dict[str, Any],
    ) -> str:
        """Validate and queue one mutation (inside the caller's transaction)."""
        wire = outbox.validate_payload(
            mutation_type, payload, self._questions_for(mutation_type, payload)
        )
        mutation_id = new_id()
        outbox.enqueue(conn, mutation_id, mutation_type, entity_id, wire, _now_iso())
        return mutation_id

    def _questions_for(self, mutation_type: str, payload: Any) -> list[dict] | None:
        """The questions a mutation's answers must fit: a visit's checklist version, when
        this phone has it (if not, the rules check everything else and the server the
        answers)."""
        if mutation_type != "visit.record" or not isinstance(payload, dict):
            return None
        version = payload.get("checklist_version")
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        if not 1 <= version <= INT32_MAX:
            return None  # the rules refuse it; no query with an integer SQLite cannot bind
        checklist = self.checklist(version)
        return checklist.get("questions") if checklist else None

    def record_visit(
        self,
        household_id: str,
        *,
        method: str,
        people_reached: int,
        answers: dict,
        notes: str = "",
        follow_up_date: dt.date | str | None = None,
        visited_at: dt.datetime | str | None = None,
        reached_resident_ids: Iterable[str] = (),
        checklist_version: int | None = None,
        concerns: Iterable[dict] = (),
        people_count: int | None = None,
    ) -> str:
        """Record a home visit (``visit.record``); returns the new visit id. ``visited_at``
        defaults to now; ``checklist_version`` (optional) to the active checklist's.
        ``concerns`` (optional): dicts of ``raise_concern``'s keyword arguments, raised
        with ``visit_id`` = this visit IN THE SAME transaction (all saved, or none). The
        household's visit draft, if any, goes in that transaction too. ``people_count``: how
        many live there as the visit found it; when it differs from the register, the
        household's ``people_count`` is updated (``household.update``) in the same
        transaction."""
        user = self._signed_in()
        visit_id = new_id()
        try:
            when = utc_iso(visited_at) or _now_iso()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"invalid visited_at: {exc}") from None
        if checklist_version is None:
            active = self.checklist()
            if active is None:
                raise ValueError("no checklist yet: pull before recording a visit")
            checklist_version = active["version"]
        if isinstance(follow_up_date, dt.date):
            follow_up_date = follow_up_date.isoformat()
        payload = {
            "household_id": str(household_id),
            "visited_at": when,
            "method": method,
            "people_reached": people_reached,
            "checklist_version": checklist_version,
            "answers": dict(answers or {}),
            "notes": notes,
            "follow_up_date": follow_up_date,
            "reached_resident_ids": [str(r) for r in reached_resident_ids],
        }
        with self._tx() as conn:
            house = self._require(conn, "household", household_id)
            mid = self._mutate(conn, "visit.record", visit_id, payload)
            local = {
                "id": visit_id,
                "user_id": user["id"],
                "user_name": user.get("name", ""),
                **payload,
            }
            overlay(conn, "visit", visit_id, local, mid)
            # the visit is saved: its half-typed form is no longer a draft
            conn.execute(
                "DELETE FROM drafts WHERE kind = 'visit' AND target_id = ?", (str(household_id),)
            )
            if people_count is not None and people_count != house["data"].get("people_count"):
                self._update_household_tx(
                    conn, str(household_id), house, {"people_count": people_count}
                )
            for c in concerns:
                extra = set(c) - {"kind", "category", "description", "resident_id"}
                if extra:
                    raise ValueError(f"unknown concern fields {sorted(extra)}")
                self._raise_concern_tx(conn, user, household_id, visit_id=visit_id, **c)
        return visit_id

    def raise_concern(
        self,
        household_id: str,
        *,
        kind: str,
        category: str,
        description: str,
        resident_id: str | None = None,
        visit_id: str | None = None,
    ) -> str:
        """Raise a concern (``concern.create``), status open; returns the new concern id."""
        user = self._signed_in()
        with self._tx() as conn:
            return self._raise_concern_tx(
                conn,
                user,
                household_id,
                kind=kind,
                category=category,
                description=description,
                resident_id=resident_id,
                visit_id=visit_id,
            )

    def _raise_concern_tx(
        self,
        conn: sqlite3.Connection,
        user: dict,
        household_id: str,
        *,
        kind: str,
        category: str,
        description: str,
        resident_id: str | None = None,
        visit_id: str | None = None,
    ) -> str:
        concern_id = new_id()
        payload = {
            "household_id": str(household_id),
            "resident_id": resident_id,
            "kind": kind,
            "category": category,
            "description": description,
            "visit_id": visit_id,
        }
        now = _now_iso()
        self._require(conn, "household", household_id)
        if resident_id is not None:
            self._require(conn, "resident", resident_id)
        mid = self._mutate(conn, "concern.create", concern_id, payload)
        local = {
            "id": concern_id,
            **payload,
            "status": "open",
            "created_by": user["id"],
            "created_by_name": user.get("name", ""),
            "created_at": now,
            "updated_at": now,
        }
        overlay(conn, "concern", concern_id, local, mid)
        return concern_id

    def _concern_event(
        self, mutation_type: str, concern_id: str, payload: dict, event: dict
    ) -> str:
        user = self._signed_in()
        event_id = new_id()
        with self._tx() as conn:
            concern = self._require(conn, "concern", concern_id)
            to_status = payload.get("to_status")
            if to_status is not None:
                from_status = concern["data"].get("status")
                if not transition_allowed(user.get("role", "head"), from_status, to_status):
                    raise ValueError(
                        f"a {user.get('role')} may not move a concern from {from_status}"
                        f" to {to_status}"
                    )
                event["from_status"] = from_status
            mid = self._mutate(conn, mutation_type, event_id, payload)
            now = _now_iso()
            overlay(
                conn,
                "concern_event",
                event_id,
                {
                    "id": event_id,
                    "concern_id": str(concern_id),
                    "user_id": user["id"],
                    "user_name": user.get("name", ""),
                    "created_at": now,
                    **event,
                },
                mid,
            )
            if to_status is not None:
                updated = dict(concern["data"], status=to_status, updated_at=now)
                overlay(conn, "concern", str(concern_id), updated, mid)
        return event_id

    def comment_concern(self, concern_id: str, text: str) -> str:
        """Comment on a concern (``concern.comment``); returns the new event id."""
        return self._concern_event(
            "concern.comment",
            concern_id,
            {"concern_id": str(concern_id), "text": text},
            {"action": "comment", "text": text, "from_status": None, "to_status": None},
        )

    def transition_concern(self, concern_id: str, to_status: str, note: str = "") -> str:
        """Move a concern along its state machine (``concern.transition``), if the user's role
        may; returns the new event id."""
        return self._concern_event(
            "concern.transition",
            concern_id,
            {"concern_id": str(concern_id), "to_status": to_status, "note": note},
            {"action": "transition", "text": note, "to_status": to_status},
        )

    def update_household(self, household_id: str, **fields: Any) -> str:
        """Change people_count / note / contact_phone (``household.update``, merged on the
        server field by field against the version shown here); returns the household id."""
        self._signed_in()
        with self._tx() as conn:
            row = self._require(conn, "household", household_id)
            self._update_household_tx(conn, str(household_id), row, fields)
        return str(household_id)

    def _update_household_tx(
        self, conn: sqlite3.Connection, household_id: str, row: dict, fields: dict
    ) -> None:
        payload = {"base_version": max(1, int(row["version"] or 1)), "fields": fields}
        mid = self._mutate(conn, "household.update", household_id, payload)
        data = dict(row["data"])
        for key, value in fields.items():
            if key == "contact_phone":
                data["contact_phone_masked"] = mask_phone(value)
            else:
                data[key] = value
        overlay(conn, "household", household_id, data, mid)

    @staticmethod
    def _resident_view(data: dict, fields: dict) -> dict:
        """The local row after ``fields``: whole phone / ID numbers are kept masked only."""
        out = dict(data)
        for key, value in fields.items():
            if key == "phone":
                out["phone_masked"] = mask_phone(value)
                out.pop("phone", None)
            elif key == "id_number":
                out["id_number_masked"] = mask_id_number(value)
                out.pop("id_number", None)
            else:
                out[key] = list(value) if key == "flags" else value
        return out

    def add_resident(self, household_id: str, *, name: str, **fields: Any) -> str:
        """Add a resident to a household (``resident.create``); returns the new resident id."""
        self._signed_in()
        resident_id = new_id()
        payload = {"household_id": str(household_id), "name": name, **fields}
        with self._tx() as conn:
            self._require(conn, "household", household_id)
            mid = self._mutate(conn, "resident.create", resident_id, payload)
            base = {
                "id": resident_id,
                "household_id": str(household_id),
                "gender": "unknown",
                "birth_year": None,
                "relation": "",
                "flags": [],
                "vaccination": "unknown",
                "note": "",
                "phone_masked": None,
                "id_number_masked": None,
            }
            overlay(
                conn,
                "resident",
                resident_id,
                self._resident_view(base, {"name": name, **fields}),
                mid,
            )
        self._touched({"residents"})
        return resident_id

    def update_resident(self, resident_id: str, **fields: Any) -> str:
        """Change a resident's fields (``resident.update``, merged field by field on the
        server against the version shown here); returns the resident id."""
        self._signed_in()
        if "flags" in fields and fields["flags"] is not None:
            fields["flags"] = list(fields["flags"])
        with self._tx() as conn:
            row = self._require(conn, "resident", resident_id)
            payload = {"base_version": max(1, int(row["version"] or 1)), "fields": fields}
            mid = self._mutate(conn, "resident.update", str(resident_id), payload)
            overlay(
                conn, "resident", str(resident_id), self._resident_view(row["data"], fields), mid
            )
        self._touched({"residents"})
        return str(resident_id)

    def set_flags(self, resident_id: str, flags: Iterable[str]) -> str:
        """Replace a resident's flags (one of ``RESIDENT_FLAGS`` each)."""
        flags = list(dict.fromkeys(flags))
        unknown = [f for f in flags if f not in RESIDENT_FLAGS]
        if unknown:
            raise ValueError(f"unknown resident flags {unknown}")
        return self.update_resident(resident_id, flags=flags)

    def remove_resident(self, resident_id: str, reason: str, note: str = "") -> str:
        """Take a resident off the register (``resident.remove``: ``reason`` moved_out,
        deceased, duplicate or other). The row leaves its household's members, counts and
        search at once; the server's tombstone deletes it after the upload, and discarding a
        refused removal brings it back. Returns the resident id."""
        self._signed_in()
        with self._tx() as conn:
            row = self._require(conn, "resident", resident_id)
            mid = self._mutate(
                conn, "resident.remove", str(resident_id), {"reason": reason, "note": note}
            )
            overlay(conn, "resident", str(resident_id), dict(row["data"], removed=reason), mid)
        self._touched({"residents"})
        return str(resident_id)

    def reveal_phone(self, resident_id: str) -> str | None:
        """A resident's whole phone number, to call them, recorded for the office's audit:
        a ``resident.reveal`` mutation (who and when; the server keeps it) is queued in the
        same transaction, so no number is shown without its record. None, recording nothing,
        when this phone holds no whole number for them (a role that gets masked numbers, or
        a number typed here and not yet synced back)."""
        self._signed_in()
        with self._tx() as conn:
            row = self._require(conn, "resident", resident_id)
            number = row["data"].get("phone")
            if not number:
                return None
            self._mutate(
                conn,
                "resident.reveal",
                new_id(),
                {"resident_id": str(resident_id), "field": "phone"},
            )
        return str(number)

    # ---- drafts: forms left unsaved (never uploaded) ------------------------------------
    def save_draft(
        self, kind: str, target_id: str, data: dict, *, household_id: str | None = None
    ) -> None:
        """Keep an unsaved form (``kind`` "visit" or "concern", about ``target_id``), replacing
        the previous draft of the same kind and target. ``household_id`` lets the household
        page say a draft waits."""
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO drafts (kind, target_id, data, household_id, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind, str(target_id), dumps(dict(data)), household_id, _now_iso()),
            )

    def draft(self, kind: str, target_id: str) -> dict | None:
        """The draft saved for (kind, target_id), or None."""
        with self._lock:
            row = self.conn.execute(
                "SELECT data FROM drafts WHERE kind = ? AND target_id = ?", (kind, str(target_id))
            ).fetchone()
        return json.loads(row[0]) if row else None

    def discard_draft(self, kind: str, target_id: str) -> None:
        """Forget the draft of (kind, target_id), if any."""
        with self._tx() as conn:
            conn.execute(
                "DELETE FROM drafts WHERE kind = ? AND target_id = ?", (kind, str(target_id))
            )

    def review_response(self, response_id: str, outcome: str, note: str = "") -> str:
        """Mark a questionnaire answer dealt with (``questionnaire.review``)."""
        self._signed_in()
        with self._tx() as conn:
            row = self._require(conn, "questionnaire_response", response_id)
            mid = self._mutate(
                conn, "questionnaire.review", str(response_id), {"outcome": outcome, "note": note}
            )
            data = dict(row["data"], status="reviewed", outcome=outcome)
            overlay(conn, "questionnaire_response", str(response_id), data, mid)
        return str(response_id)

    def resolve_conflict(self, conflict_id: str, keep: str) -> str:
        """Decide an open field conflict (``conflict.resolve``): ``keep`` is ``"server"`` or
        ``"client"``. Only staff and district heads may; the conflict reads back resolved and
        pending at once. The record itself is not patched here: keeping the client's value
        makes the server write a new version, which the next pull brings. Returns the
        conflict id; raises ValueError (writing nothing) on a bad ``keep``, an unknown or
        already resolved conflict, or a role that may not resolve."""
        user = self._signed_in()
        role = user.get("role")
        if role not in ("staff", "district_head"):
            raise ValueError(f"a {role} may not resolve conflicts (staff and district heads do)")
        with self._tx() as conn:
            row = self._require(conn, "conflict", conflict_id)
            if row["data"].get("status") != "open":
                raise ValueError(f"conflict {conflict_id} is already resolved")
            mid = self._mutate(conn, "conflict.resolve", str(conflict_id), {"keep": keep})
            data = dict(row["data"], status="resolved", resolution=keep)
            overlay(conn, "conflict", str(conflict_id), data, mid)
        return str(conflict_id)

    def discard_rejected(self, mutation_id: str) -> None:
        """Drop a rejected mutation; its rows show the server's copy again (a row created
        only on this phone disappears)."""
        with self._tx() as conn:
            tables = outbox.discard(conn, mutation_id)
        self._touched(tables)

    def resend_rejected(self, mutation_id: str, payload: dict | None = None) -> None:
        """Queue a rejected mutation again, optionally with a corrected (validated) payload."""
        with self._tx() as conn:
            row = conn.execute("SELECT type FROM outbox WHERE id = ?", (mutation_id,)).fetchone()
            questions = self._questions_for(row[0], payload) if row and payload else None
            outbox.resend(conn, mutation_id, payload, questions)

    # ---- for the sync engine ------------------------------------------------------------
    def outbox_batch(self, limit: int) -> list[dict]:
        """Mutation dicts ready to push ({id, type, entity_id, payload, created_at}), oldest
        first, rejected ones left out."""
        with self._lock:
            return outbox.batch(self.conn, int(limit))

    def mark_results(self, results: list[dict]) -> None:
        """Apply per-mutation push results in one transaction: applied/duplicate leave the
        outbox (their rows stop being pending), rejected stay with code and message."""
        with self._tx() as conn:
            tables = outbox.mark_results(conn, results)
        self._touched(tables)

    def apply_pull_page(self, changes: list[dict], cursor: str) -> None:
        """Apply one pull page and store its cursor, in one transaction."""
        changes = [c.model_dump(mode="json") if hasattr(c, "model_dump") else c for c in changes]
        with self._tx() as conn:
            tables = apply_changes(conn, changes)
            self._set_meta(conn, "cursor", cursor)
        self._touched(tables)
