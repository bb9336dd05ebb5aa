"""import-register: formats, row-level errors, all-or-nothing, idempotence, updates, CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, select

from server.db.engine import open_engine
from server.db.schema import changes, estates, households, residents
from server.domain.register import RegisterFileError, import_register
from services.protocol import ENTITY_DATA
from tests.server.register.files import GOOD, HEADER, SheetSpec, snapshot, write_csv, write_workbook
from tests.server.register.files import id_number as _id

ROOT = Path(__file__).resolve().parents[3]


def write_xlsx(path: Path, rows, header=HEADER) -> Path:
    return write_workbook(path, SheetSpec(rows, header=header))


def test_csv_import_creates_households_residents_and_change_log(engine, tmp_path):
    before = snapshot(engine)
    report = import_register(engine, write_csv(tmp_path / "r.csv", GOOD))
    assert report.errors == [] and report.written
    assert (report.households_created, report.residents_created) == (2, 3)
    with engine.connect() as conn:
        est = conn.execute(select(estates).where(estates.c.name == "观澜苑")).one()
        rs = {
            r.name: r
            for r in conn.execute(
                select(residents).where(residents.c.name.in_(["顾建华", "沈秀英", "陆桂英"]))
            )
        }
        assert (
            rs["顾建华"].birth_year == 1958 and rs["顾建华"].gender == "male"
        )  # from the ID number
        assert rs["顾建华"].flags == ["party_member"]
        assert rs["陆桂英"].flags == ["lives_alone", "needs_help"]
        house = conn.execute(
            select(households).where(households.c.id == rs["顾建华"].household_id)
        ).one()
        assert (house.estate_id, house.building, house.unit, house.room) == (
            est.id,
            "40",
            "1",
            "101",
        )
        assert house.people_count == 2 and house.contact_phone == "13962100001"
        log = {c.entity_id: c for c in conn.execute(select(changes))}
    after = snapshot(engine)
    assert len(after["changes"]) == len(before["changes"]) + 5
    for r in rs.values():
        c = log[r.id]
        assert (c.entity, c.estate_id, c.district_id) == ("resident", est.id, est.district_id)
        ENTITY_DATA["resident"].model_validate(c.data)
    assert log[house.id].entity == "household"
    ENTITY_DATA["household"].model_validate(log[house.id].data)


@pytest.mark.parametrize("kind", ["csv-utf8", "csv-gbk", "xlsx"])
def test_reimporting_the_same_file_changes_nothing(engine, tmp_path, kind):
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "r.xlsx", GOOD)
    else:
        path = write_csv(tmp_path / "r.csv", GOOD, encoding="gbk" if kind == "csv-gbk" else "utf-8")
    first = import_register(engine, path)
    assert first.written and first.residents_created == 3
    after_first = snapshot(engine)
    second = import_register(engine, path)
    assert not second.written and second.errors == []
    assert (second.residents_created, second.residents_updated, second.residents_unchanged) == (
        0,
        0,
        3,
    )
    assert snapshot(engine) == after_first


def test_xlsx_numbers_are_read_as_text(engine, tmp_path):
    rows = [["观澜苑", 41, 1, 1502, "钱志明", "男", 1975, "", 18962100006, "户主", ""]]
    report = import_register(engine, write_xlsx(tmp_path / "n.xlsx", rows))
    assert report.errors == []
    with engine.connect() as conn:
        r = conn.execute(select(residents).where(residents.c.phone == "18962100006")).one()
        h = conn.execute(select(households).where(households.c.id == r.household_id)).one()
    assert (h.building, h.unit, h.room, r.birth_year) == ("41", "1", "1502", 1975)


def test_a_changed_row_bumps_version_field_versions_and_change_log(engine, tmp_path):
    import_register(engine, write_csv(tmp_path / "a.csv", GOOD))
    with engine.connect() as conn:
        r = conn.execute(select(residents).where(residents.c.name == "沈秀英")).one()
        seq_before = conn.execute(
            select(changes.c.seq).where(changes.c.entity_id == r.id)
        ).scalar_one()
        others_before = {
            c.entity_id: c.seq
            for c in conn.execute(select(changes).where(changes.c.entity_id != r.id))
        }
    changed = [row[:] for row in GOOD]
    changed[1][8] = "13962109999"
    report = import_register(engine, write_csv(tmp_path / "b.csv", changed))
    assert (report.residents_updated, report.residents_unchanged) == (1, 2)
    with engine.connect() as conn:
        r2 = conn.execute(select(residents).where(residents.c.id == r.id)).one()
        c = conn.execute(select(changes).where(changes.c.entity_id == r.id)).one()
        others_after = {
            c.entity_id: c.seq
            for c in conn.execute(select(changes).where(changes.c.entity_id != r.id))
        }
    assert r2.phone == "13962109999" and r2.version == r.version + 1
    assert r2.field_versions == {"phone": r.version + 1}
    assert c.seq > seq_before and c.version == r2.version and c.data["phone"] == "13962109999"
    assert others_after == others_before


def test_a_resident_is_matched_by_id_number_across_a_name_change(engine, tmp_path):
    import_register(engine, write_csv(tmp_path / "a.csv", GOOD))
    renamed = [row[:] for row in GOOD]
    renamed[0][4] = "顾建铧"
    report = import_register(engine, write_csv(tmp_path / "b.csv", renamed))
    assert (report.residents_created, report.residents_updated) == (0, 1)
    with engine.connect() as conn:
        names = [
            r.name
            for r in conn.execute(select(residents).where(residents.c.id_number == GOOD[0][7]))
        ]
    assert names == ["顾建铧"]


def test_seeded_residents_reimported_unchanged_write_nothing(engine, tmp_path):
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                residents,
                households.c.building,
                households.c.unit,
                households.c.room,
                estates.c.name.label("estate"),
            )
            .join(households, households.c.id == residents.c.household_id)
            .join(estates, estates.c.id == households.c.estate_id)
            .limit(30)
        ).all()
    flag_zh = {
        "lives_alone": "独居",
        "needs_help": "需帮扶",
        "disabled": "残疾",
        "low_income": "低保",
        "party_member": "党员",
    }
    table = [
        [r.estate, r.building, r.unit, r.room, r.name, "男" if r.gender == "male" else "女",
         str(r.birth_year), r.id_number or "", r.phone or "", r.relation, "、".join(flag_zh[f] for f in r.flags)]
        for r in rows
    ]  # fmt: skip
    before = snapshot(engine)
    report = import_register(engine, write_csv(tmp_path / "seeded.csv", table))
    assert report.errors == [] and not report.written
    assert report.residents_unchanged == 30
    assert snapshot(engine) == before


_WRONG_CHECK = _id(1980, 11)[:-1] + ("0" if _id(1980, 11)[-1] != "0" else "1")
BAD_CASES = [
    (["不存在小区", "1", "1", "101", "张三", "", "", "", "", "", ""], "小区", "unknown_estate"),
    (["观澜苑", "1", "1", "101", "张三", "", "", "", "1381234", "", ""], "手机号", "phone_bad"),
    (["观澜苑", "1", "1", "101", "张三", "", "", _WRONG_CHECK, "", "", ""], "身份证号", "id_check"),
    (["观澜苑", "1", "1", "101", "张三", "", "1990", _id(1980, 11), "", "", ""], "出生年份", "birth_year_mismatch"),
    (["观澜苑", "1", "1", "101", "张三", "女", "", _id(1980, 11), "", "", ""], "性别", "gender_mismatch"),
    (["观澜苑", "1", "1", "101", "", "女", "1960", "", "", "", ""], "姓名", "required_empty"),
    (["观澜苑", "1", "1", "101", "张三", "X", "", "", "", "", ""], "性别", "gender_bad"),
    (["观澜苑", "1", "1", "101", "张三", "", "18xx", "", "", "", ""], "出生年份", "year_bad"),
    (["观澜苑", "1", "1", "101", "张三", "", "", "", "", "", "富裕"], "标记", "flags_unknown"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "column", "code"), BAD_CASES)
def test_a_bad_row_is_reported_with_row_column_reason_and_nothing_is_written(
    engine, tmp_path, row, column, code
):
    before = snapshot(engine)
    report = import_register(engine, write_csv(tmp_path / "bad.csv", [*GOOD, row]))
    assert not report.written
    assert [(e.row, e.column, e.code) for e in report.errors] == [(5, column, code)]
    assert report.errors[0].text().startswith(f"第 5 行「{column}」：")
    assert snapshot(engine) == before


def test_duplicate_rows_are_reported(engine, tmp_path):
    rows = [*GOOD, GOOD[0][:], GOOD[2][:]]
    report = import_register(engine, write_csv(tmp_path / "dup.csv", rows))
    assert [(e.row, e.code) for e in report.errors] == [
        (5, "duplicate_id"),
        (6, "duplicate_person"),
    ]
    assert "与第 2 行的身份证号相同" in report.errors[0].text()
    assert "与第 4 行的地址和姓名相同" in report.errors[1].text()


def test_namesakes_of_one_household_with_different_id_numbers_are_two_people(engine, tmp_path):
    father = ["观澜苑", "43", "1", "101", "王建国", "", "", _id(1950, 31), "", "户主", ""]
    son = ["观澜苑", "43", "1", "101", "王建国", "", "", _id(1980, 33), "", "子女", ""]
    report = import_register(engine, write_csv(tmp_path / "two.csv", [father, son]))
    assert report.errors == [] and report.residents_created == 2
    again = import_register(engine, write_csv(tmp_path / "two.csv", [father, son]))
    assert again.residents_unchanged == 2 and not again.written
    no_id = [*son[:7], "", *son[8:]]
    refused = import_register(engine, write_csv(tmp_path / "three.csv", [father, son, no_id]))
    assert [(e.row, e.code) for e in refused.errors] == [(4, "duplicate_person")]


def test_skip_bad_imports_the_good_rows_only(engine, tmp_path):
    rows = [*GOOD, BAD_CASES[1][0]]
    report = import_register(engine, write_csv(tmp_path / "mixed.csv", rows), skip_bad=True)
    assert report.written and report.residents_created == 3 and report.refused_rows == 1
    with engine.connect() as conn:
        assert conn.execute(select(residents).where(residents.c.name == "张三")).first() is None


def test_dry_run_reports_and_writes_nothing(engine, tmp_path):
    before = snapshot(engine)
    report = import_register(engine, write_csv(tmp_path / "r.csv", GOOD), dry_run=True)
    assert report.errors == [] and report.residents_created == 3 and not report.written
    assert snapshot(engine) == before


def test_missing_required_column_and_unreadable_files(engine, tmp_path):
    report = import_register(
        engine, write_csv(tmp_path / "h.csv", [["观澜苑", "1"]], header=["小区", "楼栋"])
    )
    assert report.layout_refused and [e.code for e in report.errors] == ["no_header"]
    assert "缺少：房号、姓名" in report.errors[0].text()
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(RegisterFileError) as bad_type:
        import_register(engine, tmp_path / "x.txt")
    assert bad_type.value.code == "bad_type"
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RegisterFileError) as broken:
        import_register(engine, tmp_path / "broken.xlsx")
    assert broken.value.code == "xlsx_broken" and "损坏" in str(broken.value)


def test_english_headers(engine, tmp_path):
    header = ["estate", "Building", "unit", "room", "name", "phone"]
    rows = [["观澜苑", "42", "1", "101", "李四", "13962100011"]]
    report = import_register(engine, write_csv(tmp_path / "en.csv", rows, header=header))
    assert report.errors == [] and report.written


def test_create_estates_adds_district_and_estate_to_the_change_log(engine, tmp_path):
    header = ["片区", *HEADER]
    rows = [["胡巷四片区", "新建小区", "1", "1", "101", "赵六", "男", "1970", "", "", "户主", ""]]
    path = write_csv(tmp_path / "new.csv", rows, header=header)
    refused = import_register(engine, path)
    assert not refused.written and refused.errors[0].code == "unknown_estate"
    report = import_register(engine, path, create_estates=True)
    assert report.written and (report.districts_created, report.estates_created) == (1, 1)
    with engine.connect() as conn:
        e = conn.execute(select(estates).where(estates.c.name == "新建小区")).one()
        kinds = {
            c.entity: (c.estate_id, c.district_id)
            for c in conn.execute(
                select(changes).where(changes.c.entity.in_(["district", "estate"]))
            )
            if c.entity_id in (e.id, e.district_id)
        }
    assert kinds == {"district": (None, e.district_id), "estate": (e.id, e.district_id)}


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "server", "import-register", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_exit_codes_and_sample_files(engine, tmp_path):
    db = str(engine.url.database)
    bad = write_csv(tmp_path / "bad.csv", [*GOOD, BAD_CASES[1][0]])
    failed = _cli("--db", db, str(bad))
    assert failed.returncode == 2
    assert "错误：第 5 行「手机号」：不是有效的电话号码" in failed.stderr
    assert "未写入任何内容" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert "1381234" not in failed.stderr + failed.stdout  # no personal values echoed
    english = _cli("--db", db, str(bad), "--lang", "en")
    assert "error: row 5, 手机号: not a valid phone number" in english.stderr
    assert "nothing written" in english.stderr
    ok = _cli("--db", db, str(ROOT / "assets" / "register-sample.xlsx"))
    assert ok.returncode == 0, ok.stderr
    assert "已写入" in ok.stdout and "新建 10 人" in ok.stdout
    again = _cli("--db", db, str(ROOT / "assets" / "register-sample.csv"))
    assert again.returncode == 0 and "没有需要改动的内容" in again.stdout
    missing = _cli("--db", db, str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr


def test_the_import_writes_in_batches_not_per_row(engine, tmp_path):
    """500 new residents take a handful of statements, not one (or more) per row."""
    rows = [
        ["观澜苑", str(60 + i // 40), "1", str(101 + i % 40), f"居民{i:03d}", "", "1970", "", "", "", ""]
        for i in range(500)
    ]  # fmt: skip
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    report = import_register(engine, write_csv(tmp_path / "many.csv", rows))
    assert report.written and report.residents_created == 500
    assert len(statements) < 30, len(statements)


@pytest.mark.postgres
def test_import_and_reimport_on_postgres(pg_cluster, pg_template, tmp_path):
    url = pg_cluster.create_database(template=pg_template)
    eng = open_engine(url)
    try:
        path = write_xlsx(tmp_path / "r.xlsx", GOOD)
        first = import_register(eng, path)
        assert first.written and (first.households_created, first.residents_created) == (2, 3)
        after_first = snapshot(eng)
        second = import_register(eng, path)
        assert not second.written and second.residents_unchanged == 3
        assert snapshot(eng) == after_first
        bad = import_register(eng, write_csv(tmp_path / "bad.csv", [*GOOD, BAD_CASES[1][0]]))
        assert not bad.written and snapshot(eng) == after_first
        # the batched update path: a changed phone, and a move with both households' counts
        changed = [row[:] for row in GOOD]
        changed[1][8] = "13962109999"
        changed[0][1] = "41"
        report = import_register(eng, write_csv(tmp_path / "c.csv", changed), apply_moves=True)
        assert report.written and (report.residents_updated, report.residents_moved) == (1, 1)
        with eng.connect() as conn:
            moved = conn.execute(select(residents).where(residents.c.id_number == GOOD[0][7])).one()
            wife = conn.execute(select(residents).where(residents.c.name == "沈秀英")).one()
            counts = dict(
                conn.execute(
                    select(households.c.building, households.c.people_count).where(
                        households.c.id.in_([moved.household_id, wife.household_id])
                    )
                ).all()
            )
        assert wife.phone == "13962109999" and wife.field_versions == {"phone": wife.version}
        assert moved.field_versions == {"household_id": moved.version}
        assert counts == {"41": 1, "40": 1}
    finally:
        eng.dispose()
        pg_cluster.drop_database(url.rsplit("/", 1)[1])


def test_a_new_resident_in_an_existing_household_raises_its_people_count(engine, tmp_path):
    with engine.connect() as conn:
        h = conn.execute(
            select(households, estates.c.name.label("estate"))
            .join(estates, estates.c.id == households.c.estate_id)
            .order_by(households.c.id)
            .limit(1)
        ).one()
        seq_before = conn.execute(
            select(changes.c.seq).where(changes.c.entity_id == h.id)
        ).scalar_one()
    row = [h.estate, h.building, h.unit, h.room, "新来的", "女", "1999", "", "", "租客", ""]
    report = import_register(engine, write_csv(tmp_path / "one.csv", [row]))
    assert report.written and (report.households_created, report.residents_created) == (0, 1)
    with engine.connect() as conn:
        h2 = conn.execute(select(households).where(households.c.id == h.id)).one()
        c = conn.execute(select(changes).where(changes.c.entity_id == h.id)).one()
    assert h2.people_count == h.people_count + 1 and h2.version == h.version + 1
    assert h2.field_versions == {"people_count": h2.version}
    assert c.seq > seq_before and c.data["people_count"] == h2.people_count
