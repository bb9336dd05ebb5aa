"""Writing many rows: ``insert_many`` on SQLite writes exactly what SQLAlchemy Core's
executemany writes; ``insert_together`` writes several tables' rows, all or none."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from server.db.bulk import insert_many, insert_together
from server.db.engine import open_engine

_meta = MetaData()
_things = Table(
    "things",
    _meta,
    Column("id", String, primary_key=True),
    Column("n", Integer),
    Column("data", JSON),
    Column("tags", JSON, nullable=False, default=list),
)

ROWS = [
    {"id": "a", "n": 1, "data": {"名": "张三", "x": [1, 2.5, None]}, "tags": ["一"]},
    {"id": "b", "n": None, "data": None, "tags": []},
]


def _raw(engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id").all()


def test_rows_are_stored_as_core_stores_them(tmp_path):
    engine = open_engine(str(tmp_path / "bulk.db"))
    core = _things.to_metadata(MetaData(), name="core_things")
    _meta.create_all(engine)
    core.create(engine)
    with engine.begin() as conn:
        insert_many(conn, _things, ROWS)
        conn.execute(insert(core), ROWS)
    # the same text in every column (a JSON None is JSON null, as Core writes it)
    assert _raw(engine, "things") == _raw(engine, "core_things")
    with engine.connect() as conn:
        assert [dict(r._mapping) for r in conn.execute(select(_things).order_by(_things.c.id))] == [
            {**ROWS[0]},
            {**ROWS[1], "data": None},
        ]


def test_a_column_left_out_still_gets_its_python_default(tmp_path):
    engine = open_engine(str(tmp_path / "bulk.db"))
    _meta.create_all(engine)
    with engine.begin() as conn:
        insert_many(conn, _things, [{"id": "c", "n": 3, "data": {}}])
    with engine.connect() as conn:
        assert conn.execute(select(_things.c.tags)).scalar_one() == []


_more = Table("more_things", _meta, Column("id", String, primary_key=True), Column("data", JSON))


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar() for t in (_things, _more)
        )


def test_rows_of_several_tables_are_written_together_or_not_at_all(engine):
    _meta.create_all(engine)
    with engine.begin() as conn:
        insert_together(
            conn, [(_things, ROWS), (_more, [{"id": "m", "data": {"名": 1}}]), (_more, [])]
        )
    assert _counts(engine) == (2, 1)
    with engine.connect() as conn:
        assert (
            conn.execute(select(_things.c.data).where(_things.c.id == "a")).scalar()
            == ROWS[0]["data"]
        )
    # a row the first table refuses: neither table's rows are written
    with pytest.raises(IntegrityError), engine.begin() as conn:
        insert_together(
            conn, [(_things, [{**ROWS[0], "id": "b"}]), (_more, [{"id": "n", "data": None}])]
        )
    assert _counts(engine) == (2, 1)
