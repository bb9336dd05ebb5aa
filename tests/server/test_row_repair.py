"""Migration 0002 repairs stored rows that older versions wrote and a pull cannot serve (or
today's rules refuse), says what it changed in counts only, and leaves sound rows alone.

Each test takes a seeded database at the newest revision, writes damaged rows with raw SQL as
the old code stored them, marks the database as at revision 0001 and runs 0002 itself.
"""

from __future__ import annotations

import json
import logging

from alembic import command
from pydantic import TypeAdapter
from sqlalchemy import func, select, text

from server.db.engine import alembic_config, write_tx
from server.db.schema import changes, checklists, questionnaire_responses, residents, visits
from server.db.sequence import current_seq
from server.domain.communities import sole_community
from server.logging_setup import JsonFormatter
from services.protocol import Answers
from tests.server.rawrows import old_json, read_json_text, write_json_text

NAN, INF = float("nan"), float("inf")


def _run_0002(engine) -> None:
    """Migration 0002 again, on this database, with the change counter where 0002 kept it
    (one row in meta; migration 0008 moved it into the community's sequence)."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO meta (key, int_value) SELECT 'seq', seq FROM change_sequences")
        )
    command.stamp(cfg, "0001")
    command.upgrade(cfg, "0002")
    command.stamp(cfg, "head")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE change_sequences SET seq = (SELECT int_value FROM meta WHERE key = 'seq')")
        )
        conn.execute(text("DELETE FROM meta WHERE key = 'seq'"))


def _dump(engine) -> dict[str, list]:
    """Every row of every table as the database holds it (JSON as stored text)."""
    out = {}
    with engine.connect() as conn:
        for table in (
            "changes",
            "visits",
            "questionnaire_responses",
            "checklists",
            "residents",
            "households",
            "questionnaires",
            "concerns",
            "meta",
        ):
            cast = "CAST({} AS text)" if conn.dialect.name == "postgresql" else "{}"
            cols = [c["name"] for c in conn.dialect.get_columns(conn, table)]
            sql = ", ".join(cast.format(c) for c in cols)
            out[table] = sorted(
                map(tuple, conn.execute(text(f"SELECT {sql} FROM {table}"))), key=repr
            )
    return out


def _migrate_logs(caplog) -> list[dict]:
    fmt = JsonFormatter()
    return [json.loads(fmt.format(r)) for r in caplog.records if r.name == "xianglin.migrate"]


def test_sound_rows_are_left_exactly_as_they_were(engine, caplog):
    caplog.set_level(logging.INFO, logger="xianglin.migrate")
    before = _dump(engine)
    _run_0002(engine)
    assert _dump(engine) == before
    assert _migrate_logs(caplog)[-1]["rows_repaired"] == 0


def _first(conn, table, *order):
    return conn.execute(select(table).order_by(*order).limit(1)).one()._asdict()


async def test_damaged_rows_are_repaired_restamped_and_then_pulled_without_a_skip(
    engine, db_kind, login, caplog
):
    sqlite = db_kind == "sqlite"
    with write_tx(engine) as conn:
        visit_ids = [
            r for r in conn.execute(select(visits.c.id).order_by(visits.c.id).limit(2)).scalars()
        ]
        response_id = (
            conn.execute(
                select(questionnaire_responses.c.id).order_by(questionnaire_responses.c.id)
            )
            .scalars()
            .first()
        )
        checklist_id = conn.execute(select(checklists.c.id)).scalars().first()
        resident_id = (
            conn.execute(select(residents.c.id).order_by(residents.c.id)).scalars().first()
        )
        top_before = current_seq(conn, sole_community(conn))

        answers = {
            # PostgreSQL's json type refused NaN and Infinity: there the old push failed instead
            "household_size": NAN if sqlite else 3,
            "temperature": -INF if sqlite else 2,
            "suggestions": "楼道\udc00太暗",
            "difficulties": "看病\x00难",
            "home_safety": ["none", "长" * 2000] + ["x"] * 60,
            "Bad Key": "refused: not a question key",
            "\ud800": "a surrogate key",
            "big": 1e16,
            "nested": {"a": 1},
        }
        expected = {
            "suggestions": "楼道\ufffd太暗",
            "difficulties": "看病难",
            "home_safety": ["none", "长" * 1000] + ["x"] * 48,
        }
        if not sqlite:
            expected = {"household_size": 3, "temperature": 2, **expected}
        many = {f"q{i:03d}": i for i in range(150)}
        for vid, value in ((visit_ids[0], answers), (visit_ids[1], many)):
            write_json_text(conn, "visits", "answers", old_json(value), id=vid)
            key = {"entity": "visit", "entity_id": vid}
            data = json.loads(read_json_text(conn, "changes", "data", **key))
            data["answers"] = value
            data["notes"] = "记录\x00"
            write_json_text(conn, "changes", "data", old_json(data), **key)

        response = {"address": "1-2-1002\x00", "cars": INF if sqlite else 1, "problems": ["a"] * 80}
        write_json_text(
            conn, "questionnaire_responses", "answers", old_json(response), id=response_id
        )
        title = {"zh": "走访\udc00清单", "en": "Visit"}
        write_json_text(conn, "checklists", "title", old_json(title), id=checklist_id)
        if sqlite:  # only SQLite's text columns could hold NUL
            conn.execute(
                text("UPDATE residents SET name = :n WHERE id = :id"),
                {"n": "张\x00三", "id": resident_id},
            )
        changes_before = conn.execute(select(func.count()).select_from(changes)).scalar()

    caplog.set_level(logging.INFO, logger="xianglin.migrate")
    _run_0002(engine)

    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(visits.c.id, visits.c.answers).where(visits.c.id.in_(visit_ids))
            ).all()
        )
        assert stored[visit_ids[0]] == expected
        assert stored[visit_ids[1]] == {f"q{i:03d}": i for i in range(100)}
        pulled = dict(
            conn.execute(
                select(changes.c.entity_id, changes.c.data).where(
                    changes.c.entity_id.in_(visit_ids)
                )
            ).all()
        )
        assert {vid: d["answers"] for vid, d in pulled.items()} == stored
        assert {d["notes"] for d in pulled.values()} == {"记录"}
        seqs = (
            conn.execute(
                select(changes.c.seq)
                .where(changes.c.entity_id.in_(visit_ids))
                .order_by(changes.c.seq)
            )
            .scalars()
            .all()
        )
        assert (
            seqs == [top_before + 1, top_before + 2]
            and current_seq(conn, sole_community(conn)) == top_before + 2
        )
        assert conn.execute(
            select(questionnaire_responses.c.answers).where(
                questionnaire_responses.c.id == response_id
            )
        ).scalar_one() == {
            "address": "1-2-1002",
            **({} if sqlite else {"cars": 1}),
            "problems": ["a"] * 50,
        }
        assert conn.execute(
            select(checklists.c.title).where(checklists.c.id == checklist_id)
        ).scalar_one() == {"zh": "走访\ufffd清单", "en": "Visit"}
        if sqlite:
            assert (
                conn.execute(
                    select(residents.c.name).where(residents.c.id == resident_id)
                ).scalar_one()
                == "张三"
            )
        assert conn.execute(select(func.count()).select_from(changes)).scalar() == changes_before
        # every stored answer now passes the protocol's rules for answers
        rule = TypeAdapter(Answers)
        for table in (visits, questionnaire_responses):
            for answers in conn.execute(select(table.c.answers)).scalars():
                rule.validate_python(answers)

    logs = _migrate_logs(caplog)
    by_column = {(r["table"], r["column"]): r for r in logs if "table" in r}
    assert by_column[("visits", "answers")]["rows"] == 2
    assert by_column[("changes", "data")]["rows"] == 2
    assert by_column[("questionnaire_responses", "answers")]["rows"] == 1
    assert by_column[("checklists", "title")]["lone_surrogate"] == 1
    assert (
        by_column[("visits", "answers")]["answer_removed"] == 4 + 50
    )  # 4 in the first visit, 50 past the 100th
    if sqlite:
        assert by_column[("visits", "answers")]["non_finite"] == 2
        assert by_column[("residents", "name")] == {
            **by_column[("residents", "name")],
            "rows": 1,
            "nul": 1,
        }
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in logs)
    for content in ("楼道", "看病", "1-2-1002", "张", "Bad Key", "走访", "长长"):
        assert content not in lines

    caplog.set_level(logging.WARNING, logger="xianglin.pull")
    staff = await login("staff")
    everything, _ = await staff.pull_all(limit=200)
    assert len(everything) == changes_before
    assert [r for r in caplog.records if r.name == "xianglin.pull"] == []
