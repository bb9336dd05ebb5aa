"""The register import on SQLite and PostgreSQL alike: the stored residents' JSON columns
(flags, field versions) are compared and rewritten the same way on both, whatever form the
driver hands them over in."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import residents
from server.domain.register import import_register
from tests.server.register.files import GOOD, resident, snapshot, write_csv


def _ids(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(residents.c.id)).scalars())


def test_a_reimport_changes_only_what_differs_and_keeps_the_json_columns(engine, tmp_path):
    seeded = _ids(engine)
    first = import_register(engine, write_csv(tmp_path / "a.csv", GOOD))
    assert (first.written, first.residents_created) == (True, 3)
    before = snapshot(engine)
    # the demo has namesakes: each imported resident by the ID the import gave them
    ours = {resident(engine, id=i).name: i for i in _ids(engine) - seeded}

    again = import_register(engine, write_csv(tmp_path / "b.csv", GOOD))
    assert (again.written, again.residents_unchanged) == (False, 3)
    assert snapshot(engine) == before

    rows = [r[:] for r in GOOD]
    rows[2][10] = "独居"  # 陆桂英 needs no more help
    rows[0][3] = "102"  # 顾建华 (found by ID number) moves next door
    changed = import_register(engine, write_csv(tmp_path / "c.csv", rows), apply_moves=True)
    assert (changed.written, changed.residents_updated, changed.residents_moved) == (True, 1, 1)
    lu = resident(engine, id=ours["陆桂英"])
    assert lu.flags == ["lives_alone"]
    assert lu.version == 2 and lu.field_versions == {"flags": 2}
    gu = resident(engine, id=ours["顾建华"])
    assert gu.room == "102" and gu.field_versions == {"household_id": 2}
    assert gu.flags == ["party_member"]
    shen = resident(engine, id=ours["沈秀英"])
    assert shen.version == 1 and shen.field_versions == {}
