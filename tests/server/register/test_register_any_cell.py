"""Any cell a file can hold gets a verdict: the row's resident, or problems naming the cell.
Never an exception (an ID number in Arabic-Indic digits once ended an import in a traceback)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.idcard import make_id_number
from server.domain.register.cells import RowReader
from server.domain.register.layout import FIELDS, Layout

#: every field but the one-cell address, each in its own column, as a register writes them
COLUMNS = [f for f in FIELDS if f != "address"]
LAYOUT = Layout(
    header_rows=(1, 1),
    index={f: i for i, f in enumerate(COLUMNS)},
    label={f: FIELDS[f][0] for f in COLUMNS},
    rows=[],
    skipped=[],
)
# digits of several scripts, full-width forms, digits int() cannot read (², ①, ፩), markers of
# empty cells, Chinese
TEXT = st.text(
    alphabet="0123456789Xx٠١٢٣٤５６²①፩ 　-/.+E无栋单元室号楼男女1年月日\x00\ud800", max_size=24
)
#: the digits of 0..9 in other forms: full-width (NFKC folds them) and Arabic-Indic (it does not)
OTHER_DIGITS = [
    {str(d): chr(0xFF10 + d) for d in range(10)},
    {str(d): chr(0x660 + d) for d in range(10)},
]


@st.composite
def id_numbers_in_mixed_digits(draw) -> str:
    """A valid ID number (or phone) with some of its digits written another way."""
    number = draw(
        st.builds(
            make_id_number,
            st.sampled_from(["320500", "110105"]),
            st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
            st.integers(0, 999),
        )
        | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
    )
    if draw(st.booleans()):  # one form for every digit, or each digit its own
        forms = [draw(st.sampled_from(OTHER_DIGITS))] * len(number)
    else:
        forms = draw(
            st.lists(
                st.sampled_from([None, *OTHER_DIGITS]), min_size=len(number), max_size=len(number)
            )
        )
    return "".join(
        c if f is None or c not in f else f[c] for c, f in zip(number, forms, strict=True)
    )


CELLS = st.one_of(
    st.none(),
    TEXT,
    id_numbers_in_mixed_digits(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, min_size=0, max_size=len(COLUMNS) + 2))
def test_any_row_is_read_or_refused_with_problems(cells: list) -> None:
    row, problems = RowReader("", LAYOUT, 2026)(2, cells)
    assert (row is None) == bool(problems)
    for p in problems:
        assert p.row == 2 and p.text()  # every problem names its row and says something


GOOD_ROW = {
    "estate": "观澜苑", "building": "40", "unit": "1", "room": "101", "name": "顾建华",
    "id_number": make_id_number("320507", dt.date(1958, 1, 1), 101), "phone": "13962100001",
}  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(id_numbers_in_mixed_digits(), st.sampled_from(["id_number", "phone"]))
def test_numbers_in_any_digits_are_read_or_refused(number: str, field: str) -> None:
    cells = [{**GOOD_ROW, field: number}.get(f) for f in COLUMNS]
    row, problems = RowReader("", LAYOUT, 2026)(2, cells)
    if row is not None:  # what is stored is ASCII digits, whatever was typed
        assert row.fields[field].isascii()
    else:
        assert [p.column for p in problems] == [FIELDS[field][0]]


def test_a_year_in_digits_no_number_reads_is_refused_in_its_column() -> None:
    cells = [{**GOOD_ROW, "birth_year": "፩፱፭፩"}.get(f) for f in COLUMNS]
    row, problems = RowReader("", LAYOUT, 2026)(2, cells)
    assert row is None and [(p.column, p.code) for p in problems] == [("出生年份", "year_bad")]
