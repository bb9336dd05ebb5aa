"""The office's concern workflow on the phone store: assigning concerns, call-backs, review
meetings (研判会), and the lists and figures the office screens read offline.

Each write is one transaction holding its outbox mutation (``concern.assign``,
``concern.callback``, ``meeting.open``, ``meeting.decide``, ``meeting.close``; rules in
docs/sync-protocol.md "The concern workflow") and the local rows as the server will make
them, so the screen shows the outcome at once and the server's copy replaces it after the
next pull. Mixed into :class:`services.store.Store`, whose connection, lock and outbox it uses.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from services import queries
from services.protocol import (
    CALLBACK_OUTCOMES,
    REOPENING_OUTCOME,
    new_id,
    runs_concern_workflow,
    utc_iso,
    utc_now,
)
from services.rows import get_row, overlay

#: what a decision does to the concern's status
DECISION_STATUS = {
    "resolve": "resolved",
    "refer": "referred",
    "assign": "in_review",
    "merge": "closed",
}

#: the columns the office's concern list can be filtered on, read from the concern's data
_FILTERS = {
    "estate_id": "h.estate_id = ?",
    "district_id": "e.district_id = ?",
    "category": "json_extract(t.data, '$.category') = ?",
    "assignee_id": "json_extract(t.data, '$.assignee_id') = ?",
    "created_by": "t.created_by = ?",
    # UTC timestamps of the local midnights a period starts and ends at
    "created_from": "t.created_at >= ?",
    "created_before": "t.created_at < ?",
}


def overdue_sql(today: dt.date) -> tuple[str, list[Any]]:
    """Open or in review with a due date before today (the server's rule)."""
    return (
        "t.status IN ('open', 'in_review')"
        " AND json_extract(t.data, '$.due_date') IS NOT NULL"
        " AND json_extract(t.data, '$.due_date') < ?",
        [today.isoformat()],
    )


def is_overdue(concern: dict, today: dt.date) -> bool:
    due = concern.get("due_date")
    return bool(
        due and concern.get("status") in queries.OPEN_STATUSES and str(due) < today.isoformat()
    )


class OfficeWork:
    """Store methods for staff and district heads (a neighbour head's call raises)."""

    conn: sqlite3.Connection

    # ---- reads --------------------------------------------------------------------------
    def _office_where(
        self, today: dt.date, status: Any, overdue: bool, ids: list[str] | None, filters: dict
    ) -> tuple[str, list[Any]]:
        where, params = ["1"], []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            where.append(f"t.status IN ({', '.join('?' * len(statuses))})")
            params.extend(statuses)
        if overdue:
            sql, more = overdue_sql(today)
            where.append(sql)
            params.extend(more)
        if ids is not None:
            where.append(f"t.id IN ({', '.join('?' * len(ids))})" if ids else "0")
            params.extend(ids)
        for name, value in filters.items():
            if value is None:
                continue
            if name not in _FILTERS:
                raise ValueError(f"unknown concern filter {name}")
            where.append(_FILTERS[name])
            params.append(value)
        return " AND ".join(where), params

    _OFFICE_FROM = (
        " LEFT JOIN households h ON h.id = t.household_id LEFT JOIN estates e ON e.id = h.estate_id"
    )

    def office_concerns(
        self,
        *,
        today: dt.date,
        status: str | list[str] | None = None,
        overdue: bool = False,
        ids: list[str] | None = None,
        offset: int = 0,
        limit: int = 50,
        **filters: Any,
    ) -> list[dict]:
        """Concerns for the office, the longest-waiting due date first (none last), then the
        oldest: data + address, estate_name, pending, overdue. Filters: ``estate_id``,
        ``district_id``, ``category``, ``assignee_id``, ``created_by``, ``created_from``,
        ``created_before``; ``ids`` keeps those."""
        where, params = self._office_where(today, status, overdue, ids, filters)
        with self._lock:
            rows = queries.rows_with_pending(
                self.conn,
                "concern",
                f"{self._OFFICE_FROM} WHERE {where}"
                " ORDER BY json_extract(t.data, '$.due_date') IS NULL,"
                " json_extract(t.data, '$.due_date'), t.created_at LIMIT ? OFFSET ?",
                [*params, int(limit), int(offset)],
            )
            self._add_addresses(rows)
        for r in rows:
            r["overdue"] = is_overdue(r, today)
        return rows

    def count_office_concerns(
        self,
        *,
        today: dt.date,
        status: str | list[str] | None = None,
        overdue: bool = False,
        ids: list[str] | None = None,
        **filters: Any,
    ) -> int:
        where, params = self._office_where(today, status, overdue, ids, filters)
        with self._lock:
            return self.conn.execute(
                f"SELECT COUNT(*) FROM concerns t{self._OFFICE_FROM} WHERE {where}", params
            ).fetchone()[0]

    def districts(self) -> list[dict]:
        """The scope's districts ({id, name}), by name."""
        with self._lock:
            return queries.rows_with_pending(self.conn, "district", "ORDER BY t.name")

    def concern_categories(self) -> list[str]:
        """The categories the scope's concerns use, by name."""
        with self._lock:
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT json_extract(data, '$.category') AS c FROM concerns"
                    " WHERE c IS NOT NULL ORDER BY c"
                )
            ]

    def assignees(self, district_id: str | None = None) -> list[dict]:
        """People a concern can be given to ({id, name}): the signed-in user, then the
        server's list (``GET /assignees``, kept by :meth:`keep_assignees`; a district head
        only for ``district_id``, their own district, when given), by name. Before the list
        has ever been fetched: everyone concerns are assigned to already."""
        me = self.user or {}
        offered = self._offered_assignees()
        if offered is None:
            with self._lock:
                known = self.conn.execute(
                    "SELECT DISTINCT json_extract(data, '$.assignee_id'),"
                    " json_extract(data, '$.assignee_name') FROM concerns"
                    " WHERE json_extract(data, '$.assignee_id') IS NOT NULL"
                ).fetchall()
            offered = [{"id": uid, "name": name or ""} for uid, name in known]
        else:
            offered = [
                p
                for p in offered
                if p.get("role") != "district_head"
                or district_id is None
                or p.get("district_id") == district_id
            ]
        out = [{"id": me.get("id"), "name": me.get("name", "")}] if me.get("id") else []
        seen = {me.get("id")}
        for p in sorted(offered, key=lambda p: p.get("name") or ""):
            if p.get("id") not in seen:
                seen.add(p["id"])
                out.append({"id": p["id"], "name": p.get("name") or ""})
        return out

    def keep_assignees(self, people: list[dict]) -> None:
        """Keep the server's list of assignable people ({id, name, role, district_id}) for
        the pickers, offline too."""
        with self._tx() as conn:
            self._set_meta(conn, "assignees", json.dumps(people, ensure_ascii=False))

    def _offered_assignees(self) -> list[dict] | None:
        kept = self._meta("assignees")
        return json.loads(kept) if kept else None

    def concern_district(self, concern_id: str) -> str | None:
        """The district of a concern's household, as the store knows it."""
        with self._lock:
            row = self.conn.execute(
                "SELECT e.district_id FROM concerns t" + self._OFFICE_FROM + " WHERE t.id = ?",
                (concern_id,),
            ).fetchone()
        return row[0] if row else None

    def meetings(self, status: str | None = None) -> list[dict]:
        """Review meetings, the latest first (data + pending)."""
        where, params = ("WHERE t.status = ?", [status]) if status else ("", [])
        with self._lock:
            return queries.rows_with_pending(
                self.conn, "review_meeting", f"{where} ORDER BY t.held_at DESC", params
            )

    def meeting(self, meeting_id: str) -> dict | None:
        with self._lock:
            rows = queries.rows_with_pending(
                self.conn, "review_meeting", "WHERE t.id = ?", (meeting_id,)
            )
        return rows[0] if rows else None

    # ---- writes -------------------------------------------------------------------------
    def _office_user(self) -> dict:
        user = self._signed_in()
        if not runs_concern_workflow(user.get("role", "head")):
            raise ValueError("the concern workflow belongs to district heads and staff")
        return user

    def _write_event(
        self,
        conn: sqlite3.Connection,
        user: dict,
        mutation_type: str,
        payload: dict,
        concern_id: str,
        event: dict,
        concern_changes: dict,
    ) -> tuple[str, str]:
        """Queue the mutation (its entity is the new event) and show the event and the
        concern's new fields locally; returns (event id, mutation id)."""
        concern = self._require(conn, "concern", concern_id)["data"]
        event_id = new_id()
        mutation_id = self._mutate(conn, mutation_type, event_id, payload)
        now = _now()
        overlay(
            conn,
            "concern_event",
            event_id,
            {
                "id": event_id,
                "concern_id": concern_id,
                "user_id": user["id"],
                "user_name": user.get("name", ""),
                "created_at": now,
                "from_status": concern.get("status"),
                "to_status": concern_changes.get("status"),
                "text": payload.get("note", ""),
                **event,
            },
            mutation_id,
        )
        overlay(
            conn,
            "concern",
            concern_id,
            {**concern, **concern_changes, "updated_at": now},
            mutation_id,
        )
        return event_id, mutation_id

    def assign_concern(
        self,
        concern_id: str,
        *,
        assignee: dict | None = None,
        due_date: dt.date | None = None,
        note: str = "",
    ) -> str:
        """Give a concern to ``assignee`` ({id, name}) and/or a new due date
        (``concern.assign``); returns the event id."""
        user = self._office_user()
        payload = {
            "concern_id": str(concern_id),
            "assignee_id": assignee["id"] if assignee else None,
            "due_date": due_date.isoformat() if due_date else None,
            "note": note,
        }
        changes: dict[str, Any] = {}
        if assignee:
            changes.update(assignee_id=assignee["id"], assignee_name=assignee.get("name", ""))
        if due_date:
            changes["due_date"] = due_date.isoformat()
        with self._tx() as conn:
            status = self._require(conn, "concern", concern_id)["data"].get("status")
            if status not in queries.OPEN_STATUSES:
                raise ValueError(f"a {status} concern is not assigned")
            detail = {k: payload[k] for k in ("assignee_id", "due_date")}
            event_id, _ = self._write_event(
                conn,
                user,
                "concern.assign",
                payload,
                str(concern_id),
                {"action": "assign", "to_status": None, "detail": detail},
                changes,
            )
        return event_id

    def record_callback(self, concern_id: str, outcome: str, note: str = "") -> str:
        """The resident's verdict on a resolved concern (``concern.callback``); dissatisfied
        reopens it. Returns the event id."""
        user = self._office_user()
        payload = {"concern_id": str(concern_id), "outcome": outcome, "note": note}
        changes: dict[str, Any] = {"callback": outcome, "callback_at": _now()}
        if outcome not in CALLBACK_OUTCOMES:
            raise ValueError(f"unknown call-back outcome {outcome}")
        if outcome == REOPENING_OUTCOME:
            changes["status"] = "open"
        with self._tx() as conn:
            status = self._require(conn, "concern", concern_id)["data"].get("status")
            if status != "resolved":
                raise ValueError(f"a call-back follows a resolution, not a {status} concern")
            event_id, _ = self._write_event(
                conn,
                user,
                "concern.callback",
                payload,
                str(concern_id),
                {"action": "callback", "detail": {"outcome": outcome}},
                changes,
            )
        return event_id

    def open_meeting(
        self,
        title: str,
        agenda: list[str],
        *,
        district_id: str | None = None,
        held_at: dt.datetime | None = None,
    ) -> str:
        """Open a review meeting over ``agenda`` (concern ids, in order); open ones move to
        in review. Returns the meeting id."""
        user = self._office_user()
        if user.get("role") == "district_head":
            district_id = district_id or user.get("district_id")
        meeting_id = new_id()
        now = _now()
        payload = {
            "title": title,
            "held_at": utc_iso(held_at) if held_at else now,
            "district_id": district_id,
            "agenda": [str(c) for c in agenda],
        }
        with self._tx() as conn:
            for cid in payload["agenda"]:
                status = self._require(conn, "concern", cid)["data"].get("status")
                if status not in queries.OPEN_STATUSES:
                    raise ValueError(f"a {status} concern cannot go on an agenda")
            mid = self._mutate(conn, "meeting.open", meeting_id, payload)
            items = [
                {"concern_id": cid, "position": i, "decision": None, "note": ""}
                for i, cid in enumerate(payload["agenda"])
            ]
            overlay(
                conn,
                "review_meeting",
                meeting_id,
                {
                    "id": meeting_id,
                    "title": title,
                    "district_id": district_id,
                    "held_at": payload["held_at"],
                    "status": "open",
                    "minutes": "",
                    "created_by": user["id"],
                    "created_by_name": user.get("name", ""),
                    "created_at": now,
                    "updated_at": now,
                    "items": items,
                },
                mid,
            )
            # the review events themselves come with the next pull: the server derives their
            # ids, so a local copy would show twice
            for cid in payload["agenda"]:
                concern = get_row(conn, "concerns", cid)["data"]
                if concern.get("status") == "open":
                    overlay(conn, "concern", cid, {**concern, "status": "in_review"}, mid)
        return meeting_id

    def decide(
        self,
        meeting_id: str,
        concern_id: str,
        decision: str,
        *,
        department: str | None = None,
        assignee: dict | None = None,
        due_date: dt.date | None = None,
        merge_into: str | None = None,
        note: str = "",
    ) -> str:
        """Record the meeting's decision on one agenda item (``meeting.decide``): resolve,
        refer to ``department``, assign to ``assignee`` by ``due_date``, or merge into
        ``merge_into``. Returns the event id."""
        user = self._office_user()
        payload = {
            "meeting_id": str(meeting_id),
            "concern_id": str(concern_id),
            "decision": decision,
            "department": department,
            "assignee_id": assignee["id"] if assignee else None,
            "due_date": due_date.isoformat() if due_date else None,
            "merge_into": merge_into,
            "note": note,
        }
        now = _now()
        changes: dict[str, Any] = {"status": DECISION_STATUS[decision]}
        if decision == "resolve":
            changes["resolved_at"] = now
        elif decision == "refer":
            changes["referred_to"] = department
        elif decision == "assign" and assignee:
            changes.update(
                assignee_id=assignee["id"],
                assignee_name=assignee.get("name", ""),
                due_date=payload["due_date"],
            )
        elif decision == "merge":
            changes["merged_into"] = merge_into
        detail = {
            k: payload[k]
            for k in ("meeting_id", "decision", "department", "assignee_id", "due_date")
            if payload[k] is not None
        }
        if merge_into:
            detail["merged_into"] = merge_into
        with self._tx() as conn:
            meeting = self._require(conn, "review_meeting", meeting_id)["data"]
            if meeting.get("status") != "open":
                raise ValueError("the meeting is closed")
            items = [dict(i) for i in meeting.get("items", [])]
            item = next((i for i in items if i.get("concern_id") == str(concern_id)), None)
            if item is None:
                raise ValueError("the concern is not on this meeting's agenda")
            if item.get("decision"):
                raise ValueError("this concern has been decided already")
            event_id, mid = self._write_event(
                conn,
                user,
                "meeting.decide",
                payload,
                str(concern_id),
                {"action": "decision", "detail": detail},
                changes,
            )
            item.update(
                decision=decision,
                department=department,
                assignee_id=payload["assignee_id"],
                due_date=payload["due_date"],
                merged_into=merge_into,
                note=note,
                decided_by=user["id"],
                decided_at=now,
            )
            overlay(
                conn,
                "review_meeting",
                str(meeting_id),
                {**meeting, "items": items, "updated_at": now},
                mid,
            )
        return event_id

    def close_meeting(self, meeting_id: str, minutes: str = "") -> str:
        """Close a meeting with its minutes (``meeting.close``); returns the meeting id."""
        self._office_user()
        with self._tx() as conn:
            meeting = self._require(conn, "review_meeting", meeting_id)["data"]
            if meeting.get("status") != "open":
                raise ValueError("the meeting is closed already")
            mid = self._mutate(conn, "meeting.close", str(meeting_id), {"minutes": minutes})
            overlay(
                conn,
                "review_meeting",
                str(meeting_id),
                {**meeting, "status": "closed", "minutes": minutes, "updated_at": _now()},
                mid,
            )
        return str(meeting_id)


def _now() -> str:
    return utc_iso(utc_now())
