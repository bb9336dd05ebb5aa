"""The corpus: one register per case as LibreOffice Calc saves it (corpus/make_corpus.py),
each with its expected outcome, imported into a fresh copy of the demo community."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.domain.register import import_register
from tests.server.register.files import id_number, resident, snapshot, write_csv

CORPUS = Path(__file__).resolve().parent / "corpus"

#: file -> (written, residents created, rows refused with these codes, notes with these codes)
EXPECTED = {
    "title_subtitle_footer": (True, 3, [], {"header_at", "rows_skipped", "column_ignored"}),
    "two_row_header": (True, 3, [], {"header_at_two"}),
    "id_as_number": (False, 1, ["id_as_number", "id_as_number"], {"header_at"}),
    "several_sheets": (True, 3, [], {"sheet_empty", "sheet_hidden", "header_at"}),
    "unknown_column": (False, 0, ["unknown_column"], {"header_at"}),
    "synonyms": (True, 2, [], {"column_ignored"}),
    "room_became_date": (False, 2, ["became_date"], {"header_at"}),
    "traditional_estate": (True, 1, [], {"estate_variant"}),
    "full_width": (True, 1, [], {"header_at"}),
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_corpus_register_has_its_expected_outcome(engine, case):
    written, created, refused, notes = EXPECTED[case]
    before = snapshot(engine)
    report = import_register(engine, CORPUS / f"{case}.xlsx")
    assert report.written == written, [e.text() for e in report.errors]
    assert report.residents_created == created
    assert sorted(e.code for e in report.errors) == sorted(refused)
    assert notes <= {n.code for n in report.notes}
    if not written:
        assert snapshot(engine) == before


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_excel_97_and_opendocument_registers_import_the_same(engine, suffix):
    report = import_register(engine, CORPUS / f"title_subtitle_footer.{suffix}")
    assert report.written and (report.residents_created, report.skipped) == (3, 3)
    assert resident(engine, name="蒋国华").id_number == id_number(1948, 51, month=5)


def test_an_id_column_of_numbers_in_an_xls_is_refused(engine):
    report = import_register(engine, CORPUS / "id_as_number.xls")
    assert [e.code for e in report.errors] == ["id_as_number", "id_as_number"]
    assert not report.written


def test_corpus_values_are_stored_as_meant(engine):
    for case in ("title_subtitle_footer", "synonyms", "full_width", "traditional_estate"):
        assert import_register(engine, CORPUS / f"{case}.xlsx").written
    a = resident(engine, name="蒋国华")
    assert (a.gender, a.birth_year, a.phone, a.note, a.room) == (
        "male",
        1948,
        "13962100101",
        "",
        "101",
    )
    b = resident(engine, name="韩玉兰")
    assert (b.gender, b.birth_year, b.phone) == ("female", 1950, None)
    assert resident(engine, name="丁大").id_number == id_number(1950, 11)
    assert resident(engine, name="钱二").birth_year == 1952
    w = resident(engine, name="欧阳明")
    assert (w.building, w.room, w.id_number, w.phone) == (
        "78",
        "101",
        id_number(1966, 71),
        "13962100101",
    )
    assert resident(engine, name="吳三").estate == "胡巷新村一区"


def test_the_same_household_written_another_way_is_not_a_move(engine, tmp_path):
    """79/1/101 imported from a CSV, then 79栋/一单元/101室 from LibreOffice: unchanged."""
    header = ["小区", "楼栋", "单元", "房号", "姓名", "身份证号"]
    row = ["观澜苑", "79", "1", "101", "周一", id_number(1961, 31)]
    assert import_register(engine, write_csv(tmp_path / "a.csv", [row], header=header)).written
    before = snapshot(engine)
    report = import_register(engine, CORPUS / "address_variants.xlsx")
    assert report.errors == [] and not report.written
    assert (report.residents_unchanged, report.residents_moved) == (1, 0)
    assert snapshot(engine) == before
