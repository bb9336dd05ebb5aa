"""Chinese resident ID-card numbers (GB 11643-1999): build and check the 18-character form.

Layout: 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit serial (odd last digit for
men, even for women), and a check character (ISO 7064 MOD 11-2; "X" stands for 10).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: ASCII digits only: ``\d`` would take any script's digits, which the check cannot weigh
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
#: what the digits' character codes add over their values ("0" is code 48)
_CODE_OFFSET = 48 * sum(_WEIGHTS)


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"17 ASCII digits expected ({len(first17)} characters given)")
    return _check_of(first17)


def _check_of(digits: str) -> str:
    # weighted over the ASCII codes (zip stops at the 17 weights), then the codes' offset
    # taken off: a register checks tens of thousands of numbers, and this is twice as fast
    # as int() per digit
    return _CHECK[(sum(map(operator.mul, digits.encode(), _WEIGHTS)) - _CODE_OFFSET) % 11]


def make_id_number(region: str, birth: dt.date, serial: int) -> str:
    """An 18-character number for ``region`` (6 digits), ``birth`` and ``serial`` (0-999)."""
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + check_char(first17)


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-character ID number, or None if it is: "shape" (not 17
    digits and a digit or X), "date" (the birth date part is not a date), "range" (the birth
    date is out of range) or "check" (the check character does not match).

    A lower-case "x" is accepted (callers normalise with ``.upper()``)."""
    s = value.strip().upper()
    if not _SHAPE.fullmatch(s):
        return "shape"
    found = _birth_problem(s[6:14])
    if found:
        return found
    if _check_of(s) != s[17]:
        return "check"
    return None


_LATEST_BIRTH = dt.date(2100, 1, 1)


@functools.lru_cache(maxsize=65536)
def _birth_problem(yyyymmdd: str) -> str | None:
    # birth dates repeat across a register's people: each is checked once
    try:
        birth = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return "date"
    if birth.year < 1890 or birth > _LATEST_BIRTH:
        return "range"
    return None


def birth_year_of(value: str) -> int:
    return int(value.strip()[6:10])


def gender_of(value: str) -> str:
    return "male" if int(value.strip()[16]) % 2 else "female"
