"""Nothing dropped without a word: every sheet with data is read, a sheet left out is said,
a column the import does not know stops it unless the user says what to do with it, the
synonyms real registers use are understood, and rows past a stale stated sheet size are read."""

from __future__ import annotations

from sqlalchemy import func, select

from server.db.schema import residents
from server.domain.register import import_register
from tests.server.register.files import (
    GOOD,
    HEADER,
    SheetSpec,
    codes,
    id_number,
    resident,
    snapshot,
    stale_dimension,
    write_csv,
    write_workbook,
)


def _row(building: str, room: str, name: str, **cells) -> list[str]:
    row = dict.fromkeys(HEADER, "")
    row.update({"小区": "观澜苑", "楼栋": building, "单元": "1", "房号": room, "姓名": name})
    row.update(cells)
    return [row[h] for h in HEADER]


def _count(engine, *names: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(residents).where(residents.c.name.in_(names))
        ).scalar_one()


def test_every_sheet_with_data_is_read_and_the_others_are_said(engine, tmp_path):
    path = write_workbook(
        tmp_path / "sheets.xlsx",
        SheetSpec([_row("50", "101", "甲一"), _row("50", "102", "甲二")], name="一区"),
        SheetSpec([_row("51", "101", "乙一")], name="二区", title="观澜苑二区花名册"),
        SheetSpec([], name="Sheet3", header=[]),
        SheetSpec([["男"], ["女"]], name="下拉选项", header=["性别"], hidden=True),
    )
    report = import_register(engine, path)
    assert report.errors == [] and report.written
    assert report.residents_created == 3 and _count(engine, "甲一", "甲二", "乙一") == 3
    notes = [n.text() for n in report.notes]
    assert "工作表「Sheet3」是空的，已跳过" in notes
    assert any("「下拉选项」是隐藏的" in n for n in notes)
    assert "工作表「二区」：表头在第 2 行" in notes


def test_sheet_option_imports_one_sheet_and_says_which_were_left(engine, tmp_path):
    path = write_workbook(
        tmp_path / "two.xlsx",
        SheetSpec([_row("50", "101", "甲一")], name="一区"),
        SheetSpec([_row("51", "101", "乙一")], name="二区"),
    )
    report = import_register(engine, path, sheet="二区")
    assert report.residents_created == 1 and _count(engine, "乙一") == 1
    assert [n.code for n in report.notes if n.code == "sheet_not_chosen"] == ["sheet_not_chosen"]


def test_a_sheet_with_content_but_no_header_stops_the_import(engine, tmp_path):
    path = write_workbook(
        tmp_path / "notes.xlsx",
        SheetSpec([_row("50", "101", "甲一")], name="花名册"),
        SheetSpec(
            [["1. 身份证号请设为文本格式"], ["2. 每人一行"]], name="填表说明", header=["填表说明"]
        ),
    )
    before = snapshot(engine)
    report = import_register(engine, path)
    assert report.layout_refused and not report.written and snapshot(engine) == before
    assert [e.code for e in report.errors] == ["no_header_at_all"]
    assert "--sheet" in report.errors[0].text()
    assert import_register(engine, path, sheet="花名册").written


def test_an_unknown_column_with_content_stops_the_import_until_ignored(engine, tmp_path):
    header = [*HEADER, "民族"]
    rows = [[*r, "汉"] for r in GOOD]
    path = write_csv(tmp_path / "ethnic.csv", rows, header=header, encoding="gbk")
    before = snapshot(engine)
    refused = import_register(engine, path, skip_bad=True)
    assert refused.layout_refused and codes(refused) == [(None, 1, "民族", "unknown_column")]
    assert "--ignore-column 民族" in refused.errors[0].text()
    assert snapshot(engine) == before
    report = import_register(engine, path, ignore_columns=["民族"])
    assert report.written and report.residents_created == 3
    assert any(n.code == "column_ignored" and n.column == "民族" for n in report.notes)


def test_a_column_mapped_by_the_user_is_stored(engine, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "姓名", "紧急联系人手机"]
    path = write_csv(
        tmp_path / "m.csv", [["观澜苑", "52", "1", "101", "丙一", "13962100077"]], header=header
    )
    assert import_register(engine, path).layout_refused
    report = import_register(engine, path, columns={"紧急联系人手机": "phone"})
    assert report.written
    assert resident(engine, name="丙一").phone == "13962100077"


def test_an_unnamed_column_with_content_stops_the_import(engine, tmp_path):
    rows = [[*r, "备用"] for r in GOOD]
    report = import_register(engine, write_csv(tmp_path / "u.csv", rows, header=[*HEADER, ""]))
    assert report.layout_refused and [e.code for e in report.errors] == ["unnamed_column"]
    assert "第 L 列没有表头" in report.errors[0].text()
    assert import_register(engine, tmp_path / "u.csv", ignore_columns=["L"]).written


def test_headers_real_registers_use_are_understood(engine, tmp_path):
    header = ["序号", "小区名称", "幢号", "单元", "门牌", "户主姓名", "姓名", "性别", "公民身份号码", "联系方式", "出生年月", "与户主关系"]  # fmt: skip
    rows = [
        ["1", "观澜苑", "53", "1", "101", "丁大", "丁大", "男", id_number(1950, 11), "13962100081", "1950年3月", "户主"],
        ["2", "观澜苑", "53", "1", "101", "丁大", "钱二", "女", "", "0512-65781234", "1952-07", "配偶"],
    ]  # fmt: skip
    report = import_register(engine, write_csv(tmp_path / "syn.csv", rows, header=header))
    assert report.errors == [] and report.written
    first, second = resident(engine, name="丁大"), resident(engine, name="钱二")
    assert (first.id_number, first.phone, first.birth_year) == (
        id_number(1950, 11),
        "13962100081",
        1950,
    )
    assert (second.phone, second.birth_year, second.gender) == ("051265781234", 1952, "female")
    ignored = {n.column for n in report.notes if n.code == "column_ignored"}
    assert ignored == {"序号", "户主姓名"}


def test_rows_beyond_the_stated_sheet_size_are_read(engine, tmp_path):
    rows = [_row("54", str(101 + i), f"戊{i}") for i in range(12)]
    path = stale_dimension(write_workbook(tmp_path / "stale.xlsx", SheetSpec(rows)), "A1:C3")
    report = import_register(engine, path)
    assert report.errors == [] and report.residents_created == 12
    assert resident(engine, name="戊11").room == "112"


def test_the_fields_a_column_can_be_mapped_to_are_the_ones_the_office_console_offers():
    from server.domain.register import FIELDS
    from services.protocol import REGISTER_FIELDS

    assert tuple(FIELDS) == REGISTER_FIELDS
