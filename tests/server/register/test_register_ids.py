"""ID numbers: a number-typed ID cell has lost digits and is refused, never reconstructed;
full-width digits and spaces are normalised."""

from __future__ import annotations

from server.domain.register import import_register
from tests.server.register.files import (
    GOOD,
    HEADER,
    SheetSpec,
    codes,
    id_number,
    resident,
    snapshot,
    write_csv,
    write_workbook,
)

NO_GENDER = [h for h in HEADER if h not in ("性别", "出生年份")]


def _without_gender(row: list) -> list:
    return [v for h, v in zip(HEADER, row, strict=True) if h not in ("性别", "出生年份")]


def test_an_id_column_formatted_as_numbers_is_refused_naming_column_and_rows(engine, tmp_path):
    """The issue's case: 320507194001051059 kept as 3.20507194001051E+17; with no 性别 column
    the old import rebuilt ...1008 and stored the wrong person."""
    real = id_number(1940, 105)
    rows = [_without_gender(r) for r in GOOD]
    rows[0][NO_GENDER.index("身份证号")] = float(real)  # what the spreadsheet holds
    rows[1][NO_GENDER.index("身份证号")] = float(id_number(1960, 22))
    path = write_workbook(
        tmp_path / "numbers.xlsx",
        SheetSpec(rows, header=NO_GENDER, title="胡巷社区居民花名册", formats={"身份证号": "0"}),
    )
    before = snapshot(engine)
    report = import_register(engine, path)
    assert codes(report) == [
        (None, 3, "身份证号", "id_as_number"),
        (None, 4, "身份证号", "id_as_number"),
    ]
    message = report.errors[0].text()
    assert message.startswith("第 3 行「身份证号」：")
    assert "文本" in message and "CSV" in message
    assert not report.written and snapshot(engine) == before
    # and never with digits made up from the float
    assert str(int(float(real))) not in message + report.errors[1].text()


def test_an_id_number_in_scientific_notation_in_a_csv_is_refused(engine, tmp_path):
    rows = [r[:] for r in GOOD]
    rows[0][7] = "3.20507E+17"
    report = import_register(engine, write_csv(tmp_path / "sci.csv", rows, encoding="gbk"))
    assert codes(report) == [(None, 2, "身份证号", "id_as_number")]


def test_an_id_number_whose_last_digits_were_zeroed_is_named_as_such(engine, tmp_path):
    """Exported from a number column with full digits shown: 320507194001051000."""
    rows = [r[:] for r in GOOD]
    rows[0][5] = ""
    rows[0][7] = id_number(1958, 101)[:15] + "000"
    report = import_register(engine, write_csv(tmp_path / "zeros.csv", rows))
    assert codes(report) == [(None, 2, "身份证号", "id_check_zeros")]
    assert "数字" in report.errors[0].text()


def test_full_width_digits_and_spaces_in_ids_and_phones_are_normalised(engine, tmp_path):
    real = id_number(1958, 101)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in real[:9]) + "　" + real[9:]
    rows = [r[:] for r in GOOD]
    rows[0][7] = wide
    rows[0][8] = "１３９ 6210 ０００１"
    report = import_register(engine, write_csv(tmp_path / "wide.csv", rows))
    assert report.errors == [] and report.written
    r = resident(engine, name="顾建华")
    assert (r.id_number, r.phone) == (real, "13962100001")


def test_digits_of_another_script_are_refused_not_stored_and_never_crash(engine, tmp_path):
    """NFKC leaves Arabic-Indic digits (U+0660..) as they are: the ID check cannot weigh
    them (it raised before), and a phone of them would be stored as typed."""
    other = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    rows = [r[:] for r in GOOD]
    rows[0][7] = id_number(1958, 101).translate(other)
    rows[1][8] = "13962100002".translate(other)
    before = snapshot(engine)
    report = import_register(engine, write_csv(tmp_path / "script.csv", rows))
    assert codes(report) == [(None, 2, "身份证号", "id_shape"), (None, 3, "手机号", "phone_bad")]
    assert not report.written and snapshot(engine) == before


def test_old_15_digit_and_mistyped_id_numbers_say_what_is_wrong(engine, tmp_path):
    rows = [r[:] for r in GOOD]
    rows[0][7] = "320507580304101"
    rows[1][7] = id_number(1960, 22)[:10] + "13" + id_number(1960, 22)[12:]
    report = import_register(engine, write_csv(tmp_path / "old.csv", rows))
    assert [e.code for e in report.errors] == ["id_old", "id_date"]
    assert "15 位" in report.errors[0].text()


def test_numbers_that_lost_a_leading_zero_or_hold_an_old_id_are_named(engine, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "姓名", "身份证号", "手机号"]
    rows = [
        ["观澜苑", 40, 1, 101, "顾建华", 320507580304101, 13962100001],
        ["观澜苑", 40, 1, 101, "沈秀英", "", 51265781234],  # 0512-65781234 typed into a number cell
    ]
    path = write_workbook(tmp_path / "n.xlsx", SheetSpec(rows, header=header))
    report = import_register(engine, path)
    assert codes(report) == [
        (None, 2, "身份证号", "id_old"),
        (None, 3, "手机号", "phone_lost_zero"),
    ]
    assert "区号开头的 0" in report.errors[1].text()
