"""The ID-number check character, as GB 11643-1999 defines it, for every 17 digits; a verdict
for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.idcard import check_char, id_number_problem

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's weights, from their rule


def by_the_standard(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_is_the_standards(first17: str) -> None:
    assert check_char(first17) == by_the_standard(first17)


def test_a_published_example_checks() -> None:
    # the worked example of the standard's appendix
    assert check_char("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X") is None


@pytest.mark.parametrize(
    "first17", ["1101051949123100", "1101051949123100A", "１１０１０５１９４９１２３１００２"]
)
def test_anything_but_17_ascii_digits_is_refused(first17: str) -> None:
    with pytest.raises(ValueError):
        check_char(first17)


@given(st.text(max_size=20) | st.text(alphabet="0123456789Xx٠١٢٣٤٥٦٧٨٩１２", max_size=19))
def test_any_text_gets_a_verdict_never_an_exception(value: str) -> None:
    assert id_number_problem(value) in (None, "shape", "date", "range", "check")


def test_a_valid_number_in_another_scripts_digits_is_refused_by_its_shape() -> None:
    arabic_indic = "11010519491231002X".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert id_number_problem(arabic_indic) == "shape"
