"""Ordinary office layouts import: title and subtitle rows, two-row merged headers, totals
and signature lines, 无 for nothing, 性别 as 1/2, 出生日期 as a date or text, and cells a
spreadsheet turned into dates are named, with the row numbers the spreadsheet shows."""

from __future__ import annotations

import datetime as dt

from server.domain.register import import_register
from tests.server.register.files import (
    SheetSpec,
    codes,
    id_number,
    resident,
    write_csv,
    write_workbook,
)

OFFICE_HEADER = ["序号", "小区", "楼栋", "单元", "房号", "姓名", "性别", "出生日期", "身份证号码", "联系电话", "与户主关系", "备注"]  # fmt: skip


def _office_rows() -> list[list]:
    return [
        [1, "观澜苑", 70, 1, 101, "蒋国华", 1, dt.datetime(1948, 5, 6), id_number(1948, 51, month=5), 13962100101, "户主", "无"],
        [2, "观澜苑", 70, 1, 101, "韩玉兰", 2, "1950年8月", "", "暂无", "配偶", ""],
        [3, "观澜苑", 70, 2, 202, "杨志强", "男", "19770304", "", "0512-65780001", "户主", "租户"],
    ]  # fmt: skip


FOOTER = [
    [4],
    [5],
    ["合计", "", "", "", "", "3人"],
    ["制表人：王芳", "", "", "", "", "", "", "审核人：李敏"],
    ["填报日期：2026年3月1日"],
]


def test_a_register_with_title_subtitle_and_footer_imports_and_says_where(engine, tmp_path):
    path = write_workbook(
        tmp_path / "office.xlsx",
        SheetSpec(
            _office_rows(),
            name="观澜苑",
            header=OFFICE_HEADER,
            title="胡巷社区观澜苑居民花名册",
            subtitle="填报单位：胡巷社区居委会        2026年3月",
            footer=FOOTER,
            formats={"出生日期": "yyyy-mm-dd"},
        ),
    )
    report = import_register(engine, path)
    assert report.errors == [] and report.written, [e.text() for e in report.errors]
    assert (report.rows, report.residents_created, report.skipped) == (3, 3, 5)
    notes = [n.text() for n in report.notes]
    assert "表头在第 3 行" in notes
    assert "第 7–11 行是合计、签名、重复的表头，或没有人员信息（只有序号或地址），已跳过" in notes
    a, b, c = (resident(engine, name=n) for n in ("蒋国华", "韩玉兰", "杨志强"))
    assert (a.gender, a.birth_year, a.phone, a.note) == ("male", 1948, "13962100101", "")
    assert (b.gender, b.birth_year, b.phone) == ("female", 1950, None)
    assert (c.birth_year, c.phone, c.note, c.room) == (1977, "051265780001", "租户", "202")


def test_row_numbers_in_messages_are_the_spreadsheets(engine, tmp_path):
    rows = _office_rows()
    rows[2][9] = "1234"
    path = write_workbook(
        tmp_path / "bad.xlsx",
        SheetSpec(rows, header=OFFICE_HEADER, title="居民花名册", subtitle="2026年3月"),
    )
    report = import_register(engine, path)
    assert codes(report) == [(None, 6, "联系电话", "phone_bad")]


def test_a_two_row_merged_header(engine, tmp_path):
    path = write_workbook(
        tmp_path / "two.xlsx",
        SheetSpec(
            _office_rows(),
            header=OFFICE_HEADER,
            title="居民花名册",
            group=("住址", ["楼栋", "单元", "房号"]),
        ),
    )
    report = import_register(engine, path)
    assert report.errors == [] and report.residents_created == 3
    assert "表头在第 2–3 行（两行合并表头）" in [n.text() for n in report.notes]
    r = resident(engine, name="杨志强")
    assert (r.building, r.unit, r.room) == ("70", "2", "202")


def test_a_gbk_csv_with_title_rows_and_totals(engine, tmp_path):
    rows = [
        [str(c) if not isinstance(c, dt.datetime) else "1948/5/6" for c in r]
        for r in _office_rows()
    ]
    path = write_csv(
        tmp_path / "office.csv",
        rows,
        header=OFFICE_HEADER,
        encoding="gbk",
        above=[["胡巷社区居民花名册", "", ""], ["", "", ""], ["填报单位：胡巷社区"]],
        footer=[["合计", "", "", "", "", "3人"], ["制表人：王芳"]],
    )
    report = import_register(engine, path)
    assert report.errors == [] and report.residents_created == 3
    assert "表头在第 4 行" in [n.text() for n in report.notes]
    assert resident(engine, name="蒋国华").birth_year == 1948


def test_cells_a_spreadsheet_turned_into_dates_are_named(engine, tmp_path):
    rows = _office_rows()
    rows[0][4] = dt.datetime(2026, 3, 4)  # "3/4" typed into 房号
    xlsx = write_workbook(tmp_path / "date.xlsx", SheetSpec(rows, header=OFFICE_HEADER))
    report = import_register(engine, xlsx)
    assert codes(report) == [(None, 2, "房号", "became_date")]
    assert "3月4日" in report.errors[0].text() and "文本" in report.errors[0].text()
    csv_rows = [[str(c) for c in r] for r in _office_rows()]
    csv_rows[1][3] = "4-Mar"  # what Excel exports for the same cell
    csv_rows[0][7] = "1948-05-06 00:00:00"  # a date exported with its time
    report = import_register(
        engine, write_csv(tmp_path / "date.csv", csv_rows, header=OFFICE_HEADER)
    )
    assert codes(report) == [(None, 3, "单元", "became_date")]


def test_gender_codes_and_empty_markers(engine, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "姓名", "性别", "手机号", "身份证号"]
    rows = [
        ["观澜苑", "71", "1", "101", "秦一", "1", "无", "/"],
        ["观澜苑", "71", "1", "101", "秦二", "2", "-", "空"],
        ["观澜苑", "71", "1", "101", "秦三", "9", "暂无", ""],
        ["观澜苑", "71", "1", "101", "秦四", "3", "", ""],
    ]
    report = import_register(engine, write_csv(tmp_path / "g.csv", rows, header=header))
    assert codes(report) == [(None, 5, "性别", "gender_bad")]
    report = import_register(engine, write_csv(tmp_path / "g.csv", rows[:3], header=header))
    assert report.written
    genders = [resident(engine, name=n).gender for n in ("秦一", "秦二", "秦三")]
    assert genders == ["male", "female", "unknown"]
    assert resident(engine, name="秦一").phone is None


def test_birth_dates_in_the_forms_offices_write(engine, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "姓名", "出生日期"]
    forms = ["1958-03-04", "1958/3/4", "1958.03", "1958年3月4日", "1958年3月", "19580304", "1958"]
    rows = [["观澜苑", "72", "1", str(101 + i), f"卫{i}", f] for i, f in enumerate(forms)]
    rows.append(["观澜苑", "72", "1", "120", "卫x", "三月"])
    report = import_register(
        engine, write_csv(tmp_path / "b.csv", rows, header=header), skip_bad=True
    )
    assert codes(report) == [(None, 9, "出生日期", "date_bad")]
    assert {resident(engine, name=f"卫{i}").birth_year for i in range(len(forms))} == {1958}


def test_a_birth_date_that_disagrees_with_the_id_number_is_refused(engine, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "姓名", "出生日期", "身份证号"]
    rows = [["观澜苑", "73", "1", "101", "尤一", "1960-01-01", id_number(1958, 13)]]
    report = import_register(engine, write_csv(tmp_path / "m.csv", rows, header=header))
    assert codes(report) == [(None, 2, "出生日期", "birth_year_mismatch")]


def test_one_address_column_gives_building_unit_and_room(engine, tmp_path):
    header = ["小区", "住址", "姓名", "性别"]
    rows = [
        ["观澜苑", "74栋2单元101室", "许一", "男"],
        ["观澜苑", "观澜苑74-2-101", "许二", "女"],
        ["观澜苑", "七十四幢二单元102", "许三", "男"],
        ["观澜苑", "胡巷路12号", "许四", "女"],
    ]
    path = write_csv(tmp_path / "addr.csv", rows, header=header)
    report = import_register(engine, path)
    assert codes(report) == [(None, 5, "住址", "address_unclear")]
    assert import_register(engine, path, skip_bad=True).residents_created == 3
    a, b, c = (resident(engine, name=n) for n in ("许一", "许二", "许三"))
    assert (a.building, a.unit, a.room) == ("74", "2", "101")
    assert a.household_id == b.household_id
    assert (c.building, c.unit, c.room) == ("74", "2", "102")


def test_an_address_column_beside_building_and_room_columns_stops_the_import(engine, tmp_path):
    header = ["小区", "楼栋", "房号", "住址", "姓名"]
    path = write_csv(
        tmp_path / "both.csv", [["观澜苑", "74", "101", "74栋101室", "许五"]], header=header
    )
    report = import_register(engine, path)
    assert report.layout_refused and [e.code for e in report.errors] == ["address_twice"]
    assert import_register(engine, path, ignore_columns=["住址"]).written
