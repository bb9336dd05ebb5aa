"""repair stored rows a pull cannot serve

Versions before the shared value rules stored whatever a phone or the public form sent. Some
of it a pull cannot send, or the rules now refuse:

- NaN, Infinity and -Infinity (also what ``1e999`` parsed to) in JSON columns. SQLite kept
  them as bare tokens; PostgreSQL's ``json`` type refused them, so there the push failed.
- Lone surrogates (``"\\udc00"``) in JSON strings and object keys, on both databases.
- NUL characters in JSON strings (both) and in text columns (SQLite only; PostgreSQL text
  cannot hold NUL).
- Answers (``visits.answers``, ``questionnaire_responses.answers`` and their copies in the
  change log) beyond the limits of ``services.protocol.limits`` as they stand at this
  revision: at most 100 answers, keys shaped like question keys, numbers of magnitude at most
  10^15, texts of at most 1000 characters, at most 50 items in a multiple choice.

Repairs: a non-finite number is removed (its object key or list item goes; a bare value
becomes null), because no finite number stands in for it; a lone surrogate becomes U+FFFD
(the replacement character); NUL is removed. An answer under a key that is not a question key,
with a number beyond the limit, or of a shape no question takes is removed (the question reads
as unanswered); a longer text or list is cut to its limit; answers past the 100th are
removed. A repaired change-log row gets a new change sequence number, so phones that already
hold the old copy pull the repaired one.

What changed is logged as counts per table and column (logger ``xianglin.migrate``), never a
value. The limits are written out here, not imported, so this revision does the same thing
whatever later versions change. Repairs cannot be undone: downgrade does nothing.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger("xianglin.migrate")

MAX_ANSWER_KEYS = 100
MAX_ANSWER_ITEMS = 50
MAX_ANSWER_TEXT = 1000
MAX_ANSWER_NUMBER = 10**15
_ANSWER_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a JSON text written by ``json.dumps`` holds wherever one of the values above is in it
#: (non-ASCII is escaped there, so a surrogate or NUL shows as ``\udxxx`` / ``\u0000``);
#: only such rows, and rows holding answers, are parsed and walked.
_SUSPECT = re.compile(r"NaN|Infinity|\\u(?:d[89a-f]|0000)", re.IGNORECASE)

#: table -> (primary key columns, JSON columns); the JSON columns of revision 0001
JSON_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "changes": (("entity", "entity_id"), ("data",)),
    "checklists": (("id",), ("title", "questions")),
    "questionnaires": (("id",), ("title", "intro", "questions")),
    "conflicts": (("id",), ("server_value", "client_value")),
    "households": (("id",), ("field_versions",)),
    "residents": (("id",), ("flags", "field_versions")),
    "visits": (("id",), ("answers", "reached_resident_ids")),
    "questionnaire_responses": (("id",), ("answers",)),
}
ANSWER_COLUMNS = {("visits", "answers"), ("questionnaire_responses", "answers")}
#: change-log entities whose data carries ``answers``
ANSWER_ENTITIES = {"visit", "questionnaire_response"}

_DROP = object()


def upgrade() -> None:
    conn = op.get_bind()
    repaired_changes: list[dict[str, Any]] = []
    total = 0
    for table, (key, columns) in JSON_COLUMNS.items():
        for column in columns:
            rows, tally = _repair_json_column(conn, table, key, column)
            total += len(rows)
            if table == "changes":
                repaired_changes.extend(rows)
            _report(table, column, len(rows), tally)
    if conn.dialect.name == "sqlite":
        for table, column, count in _strip_nul_from_text(conn):
            total += count
            _report(table, column, count, Counter(nul=count))
    _restamp(conn, repaired_changes)
    log.info("stored values checked", extra={"rows_repaired": total})


def downgrade() -> None:
    pass


# ---- JSON columns ---------------------------------------------------------------------------


def _repair_json_column(
    conn: sa.Connection, table: str, key: tuple[str, ...], column: str
) -> tuple[list[dict[str, Any]], Counter]:
    """Repair every row of ``table.column``; returns the repaired rows' keys and the tally."""
    postgres = conn.dialect.name == "postgresql"
    stored = f"CAST({column} AS text)" if postgres else column
    result = conn.execute(
        sa.text(
            f"SELECT {', '.join(key)}, {stored} AS raw FROM {table} WHERE {column} IS NOT NULL"
        ).execution_options(yield_per=500)
    )
    tally: Counter = Counter()
    updates: list[dict[str, Any]] = []
    for row in result:
        row = row._mapping
        raw = row["raw"]
        holds_answers = (table, column) in ANSWER_COLUMNS or (
            table == "changes" and row["entity"] in ANSWER_ENTITIES
        )
        suspect = _SUSPECT.search(raw) is not None
        if not (suspect or holds_answers):
            continue
        value = _load(raw, tally)
        if value is _DROP:
            continue
        repairs = sum(tally.values())
        fixed = _clean(value, tally) if suspect else value
        fixed = None if fixed is _DROP else fixed
        if (table, column) in ANSWER_COLUMNS:
            fixed = _fit_answers(fixed, tally)
        elif holds_answers and isinstance(fixed, dict) and "answers" in fixed:
            fixed["answers"] = _fit_answers(fixed["answers"], tally)
        if sum(tally.values()) != repairs:  # every repair is counted
            updates.append({**{k: row[k] for k in key}, "raw": json.dumps(fixed, allow_nan=False)})
    result.close()
    if updates:
        value_sql = "CAST(:raw AS json)" if postgres else ":raw"
        where = " AND ".join(f"{k} = :{k}" for k in key)
        conn.execute(sa.text(f"UPDATE {table} SET {column} = {value_sql} WHERE {where}"), updates)
    return updates, tally


def _load(raw: str, tally: Counter) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        # not JSON at all: nothing here wrote such a row; leave it for a person to look at
        tally["unreadable"] += 1
        return _DROP


def _clean(value: Any, tally: Counter) -> Any:
    """``value`` without non-finite numbers, lone surrogates or NUL (``_DROP``: remove it)."""
    if isinstance(value, float) and not math.isfinite(value):
        tally["non_finite"] += 1
        return _DROP
    if isinstance(value, str):
        return _clean_text(value, tally)
    if isinstance(value, list):
        return [c for c in (_clean(v, tally) for v in value) if c is not _DROP]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            c = _clean(v, tally)
            if c is not _DROP:
                out[_clean_text(k, tally)] = c
        return out
    return value


def _clean_text(text: str, tally: Counter) -> str:
    if "\x00" in text:
        tally["nul"] += 1
        text = text.replace("\x00", "")
    if _LONE_SURROGATE.search(text):
        tally["lone_surrogate"] += 1
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text


def _fit_answers(answers: Any, tally: Counter) -> dict[str, Any]:
    if not isinstance(answers, dict):
        tally["answers_not_an_object"] += 1
        return {}
    out: dict[str, Any] = {}
    for key, value in answers.items():
        fitted = _fit_answer(value)
        if len(out) == MAX_ANSWER_KEYS or fitted is _DROP or not _ANSWER_KEY.fullmatch(key):
            tally["answer_removed"] += 1
            continue
        if fitted != value:
            tally["answer_cut"] += 1
        out[key] = fitted
    return out


def _fit_answer(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value if abs(value) <= MAX_ANSWER_NUMBER else _DROP
    if isinstance(value, str):
        return value[:MAX_ANSWER_TEXT]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item[:MAX_ANSWER_TEXT] for item in value[:MAX_ANSWER_ITEMS]]
    return _DROP


# ---- text columns (SQLite) ------------------------------------------------------------------


def _strip_nul_from_text(conn: sa.Connection) -> list[tuple[str, str, int]]:
    """Remove NUL from every text column; SQLite's string functions stop at NUL, so rows are
    found through their bytes and cleaned here."""
    inspector = sa.inspect(conn)
    done = []
    for table in inspector.get_table_names():
        key = inspector.get_pk_constraint(table)["constrained_columns"]
        for col in inspector.get_columns(table):
            if not isinstance(col["type"], sa.String) or not key:
                continue
            name = col["name"]
            rows = conn.execute(
                sa.text(
                    f"SELECT {', '.join(key)}, {name} AS value FROM {table} "
                    f"WHERE instr(CAST({name} AS BLOB), x'00') > 0"
                )
            ).all()
            if not rows:
                continue
            where = " AND ".join(f"{k} = :{k}" for k in key)
            conn.execute(
                sa.text(f"UPDATE {table} SET {name} = :value WHERE {where}"),
                [
                    {**{k: r._mapping[k] for k in key}, "value": r.value.replace("\x00", "")}
                    for r in rows
                ],
            )
            done.append((table, name, len(rows)))
    return done


# ---- the change log -------------------------------------------------------------------------


def _restamp(conn: sa.Connection, repaired: list[dict[str, Any]]) -> None:
    """Give each repaired change a new sequence number, past every existing one."""
    if not repaired:
        return
    conn.execute(
        sa.text("UPDATE meta SET int_value = int_value + :n WHERE key = 'seq'"),
        {"n": len(repaired)},
    )
    top = conn.execute(sa.text("SELECT int_value FROM meta WHERE key = 'seq'")).scalar_one()
    first = top - len(repaired) + 1
    conn.execute(
        sa.text("UPDATE changes SET seq = :seq WHERE entity = :entity AND entity_id = :entity_id"),
        [
            {"seq": first + i, "entity": r["entity"], "entity_id": r["entity_id"]}
            for i, r in enumerate(repaired)
        ],
    )


def _report(table: str, column: str, rows: int, tally: Counter) -> None:
    if rows or tally:
        log.info(
            "stored values repaired",
            extra={"table": table, "column": column, "rows": rows, **dict(sorted(tally.items()))},
        )
