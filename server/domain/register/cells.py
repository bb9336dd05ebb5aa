"""One register row -> one resident's values, or the reasons it cannot be stored as meant.

Each cell is read for what it is, not only what it shows: an ID number held as a number is
refused (its last digits are gone), a room a spreadsheet turned into a date is refused (what
was typed is gone), a birth date may be a date cell or text. Text is normalised first (see
``text``), so full-width digits and stray spaces never make a value invalid or different.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from typing import Any

from server.domain.idcard import birth_year_of, gender_of, id_number_problem
from server.domain.register.layout import FIELDS, REQUIRED, Layout
from server.domain.register.problems import Problem, problem
from server.domain.register.read import Cell
from server.domain.register.text import (
    address_part,
    cell_text,
    compact,
    date_shown,
    has_control_chars,
    looks_like_date,
    person_name,
    split_address,
)
from services.protocol import RESIDENT_FLAGS

GENDERS = {
    "男": "male", "男性": "male", "女": "female", "女性": "female",
    "male": "male", "female": "female", "m": "male", "f": "female",
    # GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 not stated
    "1": "male", "2": "female", "0": None, "9": None, "未知": None, "未说明": None,
}  # fmt: skip
FLAGS = {
    "独居": "lives_alone", "需帮扶": "needs_help", "需要帮助": "needs_help", "残疾": "disabled",
    "残疾人": "disabled", "低保": "low_income", "低收入": "low_income", "党员": "party_member",
    "lives_alone": "lives_alone", "needs_help": "needs_help", "disabled": "disabled",
    "low_income": "low_income", "party_member": "party_member",
}  # fmt: skip
VACCINATION = {
    "未知": "unknown", "未接种": "none", "部分": "partial", "部分接种": "partial",
    "全程": "full", "全程接种": "full", "加强": "booster", "加强针": "booster",
    "unknown": "unknown", "none": "none", "partial": "partial", "full": "full",
    "booster": "booster",
}  # fmt: skip
#: ASCII digits only: NFKC folds full-width digits, but other scripts' digits stay as typed
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{9,11}$")
_OLD_ID = re.compile(r"[0-9]{15}")
_PHONE_PUNCTUATION = re.compile(r"[-()（）.]")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$", re.IGNORECASE)
_FLAG_SPLIT = re.compile(r"[、,，;；/|\s]+")
_PHONE_SPLIT = re.compile(r"[/,，、;；]|或")
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?$")
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?$")
_DIGIT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_ID_PROBLEMS = {"shape": "id_shape", "date": "id_date", "range": "id_range", "check": "id_check"}
LIMITS = {
    "estate": 64,
    "district": 64,
    "building": 16,
    "unit": 16,
    "room": 16,
    "name": 64,
    "relation": 32,
    "note": 2000,
}


class _Bad(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclasses.dataclass(slots=True)
class Row:
    """A resident's row: address and name normalised, ``fields`` the filled cells only."""

    sheet: str
    number: int
    estate: str
    district: str
    building: str
    unit: str
    room: str
    name: str
    fields: dict[str, Any]


def _number_cell(value: Cell) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _id_number(value: Cell) -> str | None:
    if _number_cell(value):
        if float(value).is_integer() and len(str(int(value))) == 15:
            raise _Bad("id_old")  # 15 digits fit in a number whole: an old-style ID number
        raise _Bad("id_as_number")
    s = compact(cell_text(value)).upper().lstrip("'`")
    if not s:
        return None
    if "E" in s and _SCIENTIFIC.match(s):
        raise _Bad("id_as_number")
    if len(s) == 15 and _OLD_ID.fullmatch(s):
        raise _Bad("id_old")
    found = id_number_problem(s)
    if found == "check" and s.isdigit() and (s.endswith("000") or int(float(s)) == int(s)):
        raise _Bad("id_check_zeros")
    if found:
        raise _Bad(_ID_PROBLEMS[found])
    return s


def _phone(value: Cell) -> str | None:
    if isinstance(value, float) and not value.is_integer():
        raise _Bad("phone_bad")
    s = compact(cell_text(value))
    if not s:
        return None
    if s.isascii() and s.isdigit():  # digits only, as most phones are typed
        digits = s
    else:
        if len([p for p in _PHONE_SPLIT.split(s) if p]) > 1:
            raise _Bad("phone_many")
        digits = _PHONE_PUNCTUATION.sub("", s)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    if len(digits) == 22 and _MOBILE.match(digits[:11]) and _MOBILE.match(digits[11:]):
        raise _Bad("phone_many")
    if _number_cell(value) and _LANDLINE.match("0" + digits):
        raise _Bad("phone_lost_zero")  # a number cannot start with 0: the area code's is gone
    raise _Bad("phone_bad")


def _gender(value: Cell) -> str | None:
    s = compact(cell_text(value)).lower()
    if not s:
        return None
    if s not in GENDERS:
        raise _Bad("gender_bad")
    return GENDERS[s]


def _year(y: int, this_year: int) -> int:
    if not 1890 <= y <= this_year:
        raise _Bad("year_bad", year=this_year)
    return y


def _birth_year(value: Cell, this_year: int) -> int | None:
    if isinstance(value, dt.date):
        return _year(value.year, this_year)
    s = compact(cell_text(value)).removesuffix("年")
    if not s:
        return None
    if not (s.isdecimal() and len(s) == 4):  # what int() reads (isdigit takes ፩ and ⑴ too)
        raise _Bad("year_bad", year=this_year)
    return _year(int(s), this_year)


def _birth_date(value: Cell, this_year: int) -> int | None:
    """The birth year from a 出生日期 / 出生年月 cell: a date, or text or digits."""
    if isinstance(value, dt.date):
        return _year(value.year, this_year)
    if isinstance(value, dt.time | dt.timedelta):
        raise _Bad("date_bad")
    if _number_cell(value):
        if not float(value).is_integer():
            raise _Bad("date_bad")
        s = str(int(value))
        if len(s) not in (4, 6, 8):
            raise _Bad("date_serial")
    else:
        s = compact(_TIME_OF_DAY.sub("", cell_text(value)))
    if not s:
        return None
    m = _DATE.match(s) or _DIGIT_DATE.match(s)
    if not m:
        raise _Bad("date_bad")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise _Bad("date_bad") from None
    return _year(year, this_year)


def _address(value: Cell, kind: str) -> str:
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        raise _Bad("became_date", shown=date_shown(value))
    return _address_text(cell_text(value), kind)


@functools.lru_cache(maxsize=65536)
def _address_text(s: str, kind: str) -> str:
    # a register repeats its buildings, units and rooms: each spelling is worked out once
    if looks_like_date(s):
        raise _Bad("became_date", shown=s)
    return address_part(s, kind) if s else ""


def _flags(value: Cell) -> list[str] | None:
    s = cell_text(value)
    if not s:
        return None
    parts = [compact(p) for p in _FLAG_SPLIT.split(s) if p.strip()]
    unknown = [p for p in parts if p.lower() not in FLAGS]
    if unknown:
        raise _Bad("flags_unknown", flags="、".join(unknown))
    chosen = {FLAGS[p.lower()] for p in parts}
    return [f for f in RESIDENT_FLAGS if f in chosen]


def _vaccination(value: Cell) -> str | None:
    s = compact(cell_text(value)).lower()
    if not s:
        return None
    if s not in VACCINATION:
        raise _Bad("vaccination_bad")
    return VACCINATION[s]


def _free_text(value: Cell) -> str | None:
    return cell_text(value) or None


def _place_name(value: Cell) -> str:
    return " ".join(cell_text(value).split())


def _name(value: Cell) -> str:
    return person_name(cell_text(value))


def _birth_year_now(this_year: int):
    return lambda value: _birth_year(value, this_year)


def _birth_date_now(this_year: int):
    return lambda value: _birth_date(value, this_year)


_PLACE = ("estate", "district", "building", "unit", "room", "name", "address")
#: columns whose few values repeat down the register: each value is read once per sheet
_REPEATING = frozenset(
    {"estate", "district", "building", "unit", "room", "gender", "birth_year", "relation",
     "flags", "vaccination"}
)  # fmt: skip


class RowReader:
    """Reads the rows of one sheet's layout; the per-column work is decided once."""

    def __init__(self, sheet: str, layout: Layout, this_year: int) -> None:
        self.sheet = sheet
        self.where = sheet or None
        self.layout = layout
        parsers = {
            "estate": _place_name, "district": _place_name, "name": _name,
            "building": lambda v: _address(v, "building"), "unit": lambda v: _address(v, "unit"),
            "room": lambda v: _address(v, "room"), "gender": _gender,
            "birth_year": _birth_year_now(this_year), "birth_date": _birth_date_now(this_year),
            "id_number": _id_number, "phone": _phone, "relation": _free_text, "flags": _flags,
            "vaccination": _vaccination, "note": _free_text, "address": _free_text,
        }  # fmt: skip
        #: (field, column index, parser, the outcomes of the values read so far if the
        #: column's few values repeat down the sheet, header as written, length limit)
        self.columns = [
            (
                key, i, parsers[key], {} if key in _REPEATING else None, layout.label[key],
                LIMITS.get(key, 0),
            )
            for key, i in layout.index.items()
        ]  # fmt: skip
        self.width = max(layout.index.values(), default=-1) + 1
        self.labels = {key: layout.label.get(key, FIELDS[key][0]) for key in FIELDS}

    def __call__(self, number: int, cells: list[Cell]) -> tuple[Row | None, list[Problem]]:
        """The row's resident, or the problems that refuse it (every bad cell, not the first)."""
        errors: list[Problem] = []
        values: dict[str, Any] = {}
        if len(cells) < self.width:
            cells = [*cells, *[None] * (self.width - len(cells))]
        # control characters are rare: look once per row, cell by cell only when there are some
        controls = has_control_chars("".join([c for c in cells if type(c) is str]))
        # the hottest loop of an import (columns x rows): each test is ordered to be cheap
        for key, i, parse, seen, label, limit in self.columns:
            value = cells[i]
            if not value and (value is None or value == ""):
                continue
            if controls and type(value) is str and has_control_chars(value):
                errors.append(problem("control_char", self.where, number, label))
                continue
            if seen is None:
                try:
                    result = parse(value)
                except _Bad as exc:
                    errors.append(problem(exc.code, self.where, number, label, **exc.params))
                    continue
            else:
                # text is its own key; any other value keys with its type: 1, 1.0 and
                # True are equal in a dict but not the same cell
                cache_key = value if type(value) is str else (type(value), value)
                found = seen.get(cache_key)
                if found is None:
                    try:
                        found = (parse(value), None)
                    except _Bad as exc:
                        found = (None, exc)
                    seen[cache_key] = found
                result, bad = found
                if bad is not None:
                    errors.append(problem(bad.code, self.where, number, label, **bad.params))
                    continue
                if type(result) is list:  # the flags: each resident's own list
                    result = list(result)
            if limit and type(result) is str and len(result) > limit:
                errors.append(problem("too_long", self.where, number, label, limit=limit))
                continue
            if result is not None and result != "":
                values[key] = result
        if "address" in values:
            self._split_address(number, values, errors)
        missing = [key for key in REQUIRED if key not in values]
        if missing:
            refused = {e.column for e in errors}
            for key in missing:
                if self.labels[key] not in refused:
                    errors.append(problem("required_empty", self.where, number, self.labels[key]))
        fields = {k: v for k, v in values.items() if k not in _PLACE}
        self._check_birth(number, fields, errors)
        if errors:
            return None, errors
        return (
            Row(
                sheet=self.sheet,
                number=number,
                estate=values["estate"],
                district=values.get("district", ""),
                building=values["building"],
                unit=values.get("unit", "1"),
                room=values["room"],
                name=values["name"],
                fields=fields,
            ),
            [],
        )

    def _split_address(self, number: int, values: dict[str, Any], errors: list[Problem]) -> None:
        """A 住址 cell gives building, unit and room, or the row is refused."""
        parts = split_address(values.pop("address"), values.get("estate", ""))
        if parts is None:
            errors.append(problem("address_unclear", self.where, number, self.labels["address"]))
            # the parts are not empty: the address column said what is wrong with them
            values.update(dict.fromkeys(("building", "room"), "?"))
            return
        values["building"], values["unit"], values["room"] = parts

    def _check_birth(self, number: int, fields: dict[str, Any], errors: list[Problem]) -> None:
        """出生日期 gives the birth year; both must agree with each other and the ID number."""
        labels = self.labels
        year_column = "birth_year"
        from_date = fields.pop("birth_date", None)
        if from_date is not None:
            if "birth_year" in fields and fields["birth_year"] != from_date:
                errors.append(
                    problem(
                        "birth_conflict", self.where, number, labels["birth_date"],
                        other=labels["birth_year"],
                    )
                )  # fmt: skip
            fields.setdefault("birth_year", from_date)
            if "birth_year" not in self.layout.index:
                year_column = "birth_date"
        if id_number := fields.get("id_number"):
            year, sex = birth_year_of(id_number), gender_of(id_number)
            if fields.get("birth_year", year) != year:
                errors.append(
                    problem("birth_year_mismatch", self.where, number, labels[year_column])
                )
            if fields.get("gender", sex) != sex:
                errors.append(problem("gender_mismatch", self.where, number, labels["gender"]))
            fields.setdefault("birth_year", year)
            fields.setdefault("gender", sex)
