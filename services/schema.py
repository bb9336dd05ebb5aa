"""The phone store's SQLite schema and its forward migrations (``PRAGMA user_version``).

Every pulled entity has its own table keyed by id with the same bookkeeping columns:

- ``data``: the row as the phone shows it (JSON of the pull data, with any local edit on top);
- ``version``: the server version the visible row is based on (a local edit's ``base_version``);
- ``server_data``: while a local change is pending, the latest server copy
  (``{"v": version, "d": data}``) kept aside so the local edit is never overwritten by it
  (once the edit is acknowledged it stays shown until the pull brings the server's copy;
  see ``rows.settle``);
- ``local_only``: 1 for a row created on the phone that the server has not acknowledged yet;

plus a few columns extracted from ``data`` for the queries the app runs (see ``COLUMNS``).
The outbox holds mutations in order; ``pending_rows`` says which local rows each mutation
touched, so a row reads back ``pending`` until all its mutations are acknowledged.
``drafts`` keeps forms the user left unsaved; it never syncs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: entity name (protocol) -> local table
TABLES: dict[str, str] = {
    "district": "districts",
    "estate": "estates",
    "household": "households",
    "resident": "residents",
    "visit": "visits",
    "concern": "concerns",
    "concern_event": "concern_events",
    "checklist": "checklists",
    "questionnaire": "questionnaires",
    "questionnaire_response": "questionnaire_responses",
    "conflict": "conflicts",
    "review_meeting": "review_meetings",
}

#: extracted (queryable) columns per table, besides the bookkeeping ones
COLUMNS: dict[str, tuple[str, ...]] = {
    "districts": ("name",),
    "estates": ("district_id", "name", "kind"),
    "households": ("estate_id", "building", "unit", "room", "address", "people_count"),
    "residents": (
        "household_id",
        "name",
        "birth_year",
        "phone_tail",
        "lives_alone",
        "flagged",
        "name_py",
        "name_ini",
    ),
    "visits": ("household_id", "user_id", "visited_at"),
    "concerns": ("household_id", "status", "created_by", "created_at", "updated_at"),
    "concern_events": ("concern_id", "created_at"),
    "checklists": ("version_no", "active"),
    "questionnaires": ("slug", "active"),
    "questionnaire_responses": (
        "questionnaire_id",
        "estate_id",
        "household_id",
        "status",
        "submitted_at",
    ),
    "conflicts": ("entity", "entity_id", "status", "created_at"),
    "review_meetings": ("district_id", "status", "held_at"),
}

_INDEXES = (
    "CREATE INDEX ix_estates_district ON estates(district_id)",
    "CREATE INDEX ix_households_estate ON households(estate_id, building)",
    "CREATE INDEX ix_residents_household ON residents(household_id)",
    "CREATE INDEX ix_visits_household ON visits(household_id, visited_at)",
    "CREATE INDEX ix_concerns_household ON concerns(household_id)",
    "CREATE INDEX ix_concerns_status ON concerns(status, created_by)",
    "CREATE INDEX ix_concern_events_concern ON concern_events(concern_id, created_at)",
    "CREATE INDEX ix_responses_status ON questionnaire_responses(status, submitted_at)",
    "CREATE INDEX ix_conflicts_entity ON conflicts(entity_id)",
)


def _v1(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for table, cols in COLUMNS.items():
        extra = "".join(f", {c}" for c in cols)
        conn.execute(
            f"CREATE TABLE {table} (id TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 0,"
            f" data TEXT NOT NULL, server_data TEXT, local_only INTEGER NOT NULL DEFAULT 0"
            f"{extra})"
        )
    for stmt in _INDEXES:
        conn.execute(stmt)
    conn.execute(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
        " type TEXT NOT NULL, entity_id TEXT NOT NULL, payload TEXT NOT NULL,"
        " created_at TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"
        " code TEXT, message TEXT)"
    )
    conn.execute("CREATE INDEX ix_outbox_state ON outbox(state, seq)")
    conn.execute(
        "CREATE TABLE pending_rows (mutation_id TEXT NOT NULL, entity TEXT NOT NULL,"
        " row_id TEXT NOT NULL, PRIMARY KEY (mutation_id, entity, row_id))"
    )
    conn.execute("CREATE INDEX ix_pending_rows_row ON pending_rows(entity, row_id)")


def _v2(conn: sqlite3.Connection) -> None:
    # Unsaved forms (a visit or a concern being typed), one per kind and target: the phone's
    # own, never uploaded, so leaving a form half-filled loses nothing.
    conn.execute(
        "CREATE TABLE drafts (kind TEXT NOT NULL, target_id TEXT NOT NULL, data TEXT NOT NULL,"
        " household_id TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (kind, target_id))"
    )
    conn.execute("CREATE INDEX ix_drafts_household ON drafts(household_id)")


def _v3(conn: sqlite3.Connection) -> None:
    # Review meetings (研判会) get a table. A store made before it skipped the meetings it was
    # sent, and its cursor is past them: drop the pulled rows (pending ones stay) and the
    # cursor, so the next sync pulls the scope again with its meetings. A new file already
    # has the table from _v1, which builds every table in COLUMNS.
    conn.execute(
        "CREATE TABLE IF NOT EXISTS review_meetings (id TEXT PRIMARY KEY,"
        " version INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, server_data TEXT,"
        " local_only INTEGER NOT NULL DEFAULT 0, district_id, status, held_at)"
    )
    if conn.execute("SELECT 1 FROM meta WHERE key = 'cursor'").fetchone() is None:
        return
    for entity, table in TABLES.items():
        conn.execute(
            f"DELETE FROM {table} WHERE id NOT IN"
            " (SELECT row_id FROM pending_rows WHERE entity = ?)",
            (entity,),
        )
    conn.execute("DELETE FROM meta WHERE key = 'cursor'")


#: MIGRATIONS[i] brings user_version i to i + 1. Append only; never edit a released step.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file forward to ``SCHEMA_VERSION``, each step in its own transaction.

    The version is read inside the write transaction, so two processes opening a new file
    at once never run a step twice. Raises RuntimeError for a file written by a newer app
    (never downgrade silently)."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"store schema version {current} is newer than this app's {SCHEMA_VERSION}"
                )
            if current == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return SCHEMA_VERSION
            MIGRATIONS[current](conn)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
