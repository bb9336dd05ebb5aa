"""Chinese resident ID-card numbers (GB 11643-1999): build and check the 18-character form.

Layout: 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit serial (odd last digit for
men, even for women), and a check character (ISO 7064 MOD 11-2; "X" stands for 10).
"""

from __future__ import annotations

import datetime as dt
import operator
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
#: what the digits' character codes add over their values ("0" is code 48)
_CODE_OFFSET = 48 * sum(_WEIGHTS)


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"17 ASCII digits expected ({len(first17)} characters given)")
    # weighted over the ASCII codes, then the codes' offset taken off: a register checks
    # tens of thousands of numbers, and this is twice as fast as int() per digit
    return _CHECK[(sum(map(operator.mul, first17.encode(), _WEIGHTS)) - _CODE_OFFSET) % 11]


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
    if not _SHAPE.match(s):
        return "shape"
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return "date"
    if birth.year < 1890 or birth > dt.date(2100, 1, 1):
        return "range"
    if check_char(s[:17]) != s[17]:
        return "check"
    return None


def birth_year_of(value: str) -> int:
    return int(value.strip()[6:10])


def gender_of(value: str) -> str:
    return "male" if int(value.strip()[16]) % 2 else "female"
