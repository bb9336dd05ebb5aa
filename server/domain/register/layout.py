"""Finding a register's layout in a sheet: where the header is, which column is what, which
rows are residents and which are the title, totals or signature lines offices add.

- The header is the row, among the first ``HEADER_SCAN`` non-blank rows, that names the most
  known columns; a title and subtitle above it are passed over. A two-row header (a group
  label such as 住址 merged over 楼栋 / 单元 / 房号 in the row below) is read as one.
- Column headers are matched on a wide list of what real registers write (``FIELDS``), after
  NFKC, without spaces, asterisks or bracketed remarks (``身份证号码（18位）*``).
- A column the import does not know, or a column without header, that holds anything stops
  the import (``unknown_column``): nothing is dropped without the user saying so with
  ``--ignore-column`` or ``--column HEADER=FIELD``.
- Rows of totals (合计), signatures (制表人), a repeated header, or with no person in them
  (only a 序号, or an address without a name) are skipped and listed.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable

from openpyxl.utils import get_column_letter

from server.domain.register.problems import Problem, problem
from server.domain.register.read import Cell, Sheet
from server.domain.register.text import cell_text

#: field -> header spellings (compared by ``header_key``)
FIELDS: dict[str, tuple[str, ...]] = {
    "district": ("片区", "所属片区", "片区名称", "网格", "district"),
    "estate": ("小区", "小区名称", "所属小区", "小区名", "小区/公寓", "公寓", "estate"),
    "building": ("楼栋", "楼号", "楼栋号", "幢", "幢号", "栋", "栋号", "楼", "building"),
    "unit": ("单元", "单元号", "unit"),
    "room": ("房号", "室", "室号", "房间号", "门牌号", "门牌", "户号", "room"),
    "name": ("姓名", "居民姓名", "人员姓名", "name"),
    "gender": ("性别", "gender", "sex"),
    "birth_year": ("出生年份", "出生年", "birth_year", "birthyear"),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "birth_date", "birthdate", "birthday"),
    "id_number": (
        "身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号",
        "身份证件号码", "id_number", "idnumber",
    ),
    "phone": (
        "手机号", "手机号码", "手机", "联系电话", "联系方式", "电话", "电话号码", "联系号码",
        "phone", "mobile",
    ),
    "relation": ("与户主关系", "与户主的关系", "户主关系", "关系", "relation"),
    "flags": ("标记", "人员标记", "flags"),
    "vaccination": ("疫苗接种", "疫苗", "疫苗接种情况", "vaccination"),
    "note": ("备注", "note", "notes"),
    # building, unit and room in one cell (1栋2单元101室), instead of three columns
    "address": ("住址", "地址", "家庭住址", "现住址", "居住地址", "门牌地址", "address"),
}  # fmt: skip
REQUIRED = ("estate", "building", "room", "name")
ADDRESS_PARTS = ("building", "unit", "room")
#: columns real registers carry that hold nothing to store, and why (a message code)
NOT_STORED: dict[str, tuple[tuple[str, ...], str]] = {
    "sequence": (("序号", "编号", "行号", "no", "no."), "why_sequence"),
    "head_name": (("户主姓名", "户主"), "why_head_name"),
    "age": (("年龄", "age"), "why_age"),
}
#: fields that say something about a person (a row with none of them is no resident)
PERSON_FIELDS = (
    "name", "gender", "birth_year", "birth_date", "id_number", "phone", "relation", "flags",
    "vaccination", "note",
)  # fmt: skip
HEADER_SCAN = 10
_SKIP_WORDS = (
    "合计", "总计", "小计", "共计", "制表", "填表", "审核", "负责人", "统计人", "填报",
    "日期:", "说明", "注:", "备注:",
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_TOTAL = re.compile(r"^共\d+(人|户|条|行)")
_BRACKETS = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_IGNORED = "ignored"  # what ``--ignore-column`` makes of a column


def header_key(s: str) -> str:
    """``身份证号码（18位）*`` and ``身份证号码`` are one header."""
    s = unicodedata.normalize("NFKC", s)
    s = _BRACKETS.sub("", s)
    return re.sub(r"[\s*:]+", "", s).lower()


_LOOKUP = {header_key(alias): field for field, aliases in FIELDS.items() for alias in aliases}
_NOT_STORED = {header_key(a): f"not:{why}" for aliases, why in NOT_STORED.values() for a in aliases}


def field_of(name: str) -> str | None:
    """The field a ``--column HEADER=FIELD`` value names: a field key or any header of it."""
    if name in FIELDS:
        return name
    return _LOOKUP.get(header_key(name))


def column_map(pairs: Iterable[str]) -> dict[str, str] | str:
    """``["联系方式=phone"]`` -> ``{"联系方式": "phone"}`` (``--column`` options), or the first
    pair that is not ``HEADER=FIELD`` with a known field."""
    out = {}
    for pair in pairs:
        header, sep, field = pair.partition("=")
        known = field_of(field.strip()) if sep else None
        if not header.strip() or known is None:
            return pair
        out[header.strip()] = known
    return out


@dataclasses.dataclass(frozen=True)
class ColumnChoices:
    """What the user said about columns: ``--ignore-column`` and ``--column HEADER=FIELD``."""

    ignore: frozenset[str] = frozenset()  # header keys or column letters
    mapping: tuple[tuple[str, str], ...] = ()  # (header key, field)

    @classmethod
    def of(cls, ignore: Iterable[str] = (), mapping: dict[str, str] | None = None):
        return cls(
            frozenset(header_key(x) for x in ignore) | frozenset(x.upper() for x in ignore),
            tuple((header_key(h), f) for h, f in (mapping or {}).items()),
        )


@dataclasses.dataclass
class Layout:
    header_rows: tuple[int, int]
    #: field -> column index, and the header as written there
    index: dict[str, int]
    label: dict[str, str]
    #: (row number, cells) of the residents' rows
    rows: list[tuple[int, list[Cell]]]
    skipped: list[int]


def _field(text: str, choices: ColumnChoices) -> str | None:
    key = header_key(text)
    if not key:
        return None
    mapped = dict(choices.mapping).get(key)
    if mapped:
        return mapped
    if key in choices.ignore:
        return _IGNORED
    return _LOOKUP.get(key) or _NOT_STORED.get(key)


def _text(cell: Cell) -> str:
    return cell.strip() if isinstance(cell, str) else cell_text(cell)


def _texts(cells: list[Cell]) -> list[str]:
    return [_text(c) for c in cells]


def _candidate(
    sheet: Sheet, i: int, choices: ColumnChoices
) -> tuple[list[str], list[str | None], tuple[int, int], int]:
    """Header texts and fields for the header starting at ``sheet.rows[i]`` (two rows when
    the next row carries known headers under a merged or group cell); the rows it spans and
    the index of the first data row."""
    number, cells = sheet.rows[i]
    top = _texts(cells)
    fields = [_field(t, choices) for t in top]
    # a two-row header has known headers in its top row too (merged down over both rows);
    # a title row above a header has none
    top_known = any(f is not None for f in fields)
    if top_known and i + 1 < len(sheet.rows) and sheet.rows[i + 1][0] == number + 1:
        sub = _texts(sheet.rows[i + 1][1])
        sub_fields = [_field(t, choices) for t in sub]
        width = max(len(top), len(sub))
        top += [""] * (width - len(top))
        fields += [None] * (width - len(fields))
        under_group = [j for j, f in enumerate(sub_fields) if f is not None and fields[j] is None]
        if under_group:
            for j, f in enumerate(sub_fields):
                if f is not None:
                    top[j], fields[j] = sub[j], f
                elif not top[j]:
                    top[j] = sub[j]
            return top, fields, (number, number + 1), i + 2
    return top, fields, (number, number), i + 1


def _letter(j: int) -> str:
    return get_column_letter(j + 1)


def find_layout(
    sheet: Sheet, choices: ColumnChoices, required: tuple[str, ...] = REQUIRED
) -> tuple[Layout | None, list[Problem], list[Problem]]:
    """The sheet's layout, the problems that stop the import, and notes."""
    where = sheet.name or None
    best = None
    for i in range(min(HEADER_SCAN, len(sheet.rows))):
        texts, fields, span, start = _candidate(sheet, i, choices)
        missing = [f for f in required if f not in fields]
        if "address" in fields:  # one 住址 column stands for 楼栋 and 房号
            missing = [f for f in missing if f not in ADDRESS_PARTS]
        # complete first, then the most known headers, then the most in the top row itself
        top_known = sum(_field(t, choices) is not None for t in _texts(sheet.rows[i][1]))
        score = (not missing, sum(f is not None for f in fields), top_known)
        if best is None or score > best[0]:
            best = (score, texts, fields, span, start, missing)
    assert best is not None  # a sheet here has rows
    (complete, known, _), texts, fields, span, start, missing = best
    if not complete:
        if not known:
            return None, [problem("no_header_at_all", where, scan=HEADER_SCAN)], []
        names = "、".join(FIELDS[f][0] for f in missing)
        return None, [problem("no_header", where, scan=HEADER_SCAN, row=span[0], missing=names)], []

    notes = [
        problem("header_at", where, row=span[0])
        if span[0] == span[1]
        else problem("header_at_two", where, row=span[0], row2=span[1])
    ]
    column = {f: j for j, f in enumerate(fields) if f in FIELDS}
    rows, skipped = _resident_rows(sheet.rows[start:], texts, fields, column)
    if skipped:
        notes.append(problem("rows_skipped", where, rows=_ranges(skipped)))

    errors: list[Problem] = []
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    width = max([len(texts), *(len(c) for _, c in rows)])
    texts = texts + [""] * (width - len(texts))
    fields = fields + [None] * (width - len(fields))
    for j in range(width):
        header, field = texts[j], fields[j]
        filled = next((n for n, c in rows if j < len(c) and cell_text(c[j])), None)
        if field == _IGNORED or (not header and _letter(j) in choices.ignore):
            notes.append(
                problem(
                    "column_ignored",
                    where,
                    column=header or _letter(j),
                    reason_code="why_ignored_option",
                )
            )
        elif not header:
            if filled is not None:
                errors.append(problem("unnamed_column", where, letter=_letter(j), example=filled))
        elif field is None:
            if filled is None:
                notes.append(
                    problem("column_ignored", where, column=header, reason_code="why_empty")
                )
            else:
                errors.append(
                    problem(
                        "unknown_column", where, span[0], column=header,
                        fields=", ".join(f"{f}({FIELDS[f][0]})" for f in FIELDS),
                    )
                )  # fmt: skip
        elif field.startswith("not:"):
            notes.append(problem("column_ignored", where, column=header, reason_code=field[4:]))
        elif field in index:
            errors.append(
                problem(
                    "column_twice",
                    where,
                    span[0],
                    column=label[field],
                    other=header,
                    field=FIELDS[field][0],
                )
            )
        else:
            index[field] = j
            label[field] = header
    if "address" in index and any(p in index for p in ADDRESS_PARTS):
        parts = "、".join(label[p] for p in ADDRESS_PARTS if p in index)
        errors.append(
            problem("address_twice", where, span[0], column=label["address"], parts=parts)
        )
    if errors:
        return None, errors, notes
    return Layout(span, index, label, rows, skipped), [], notes


def _resident_rows(
    rows: list[tuple[int, list[Cell]]],
    header: list[str],
    fields: list[str | None],
    column: dict[str, int],
) -> tuple[list[tuple[int, list[Cell]]], list[int]]:
    """Split the rows under the header into residents' rows and rows to skip."""
    person_cols = [column[f] for f in PERSON_FIELDS if f in column]
    name_col = column.get("name")
    name_header = header[name_col] if name_col is not None else None
    kept: list[tuple[int, list[Cell]]] = []
    skipped: list[int] = []
    for number, cells in rows:
        # most rows are a person's: their name and first cell decide, the rest is not read
        name = _text(cells[name_col]) if name_col is not None and name_col < len(cells) else ""
        first = next((t for t in map(_text, cells) if t), "")
        if name and not _is_signature(name) and not _is_signature(first):
            # a person's row, unless the header repeated (printed registers repeat it)
            if name != name_header:
                kept.append((number, cells))
            else:
                skipped.append(number)
            continue
        texts = _texts(cells)
        signature = any(_is_signature(t) for t in texts if t)
        no_person = not any(j < len(texts) and texts[j] for j in person_cols)
        if signature or no_person:
            skipped.append(number)
        else:
            kept.append((number, cells))
    return kept, skipped


@functools.lru_cache(maxsize=4096)
def _is_signature(text: str) -> bool:
    """合计 / 制表人：张三 / 共 12 户 and the like."""
    t = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return t.startswith(_SKIP_WORDS) or _TOTAL.match(t) is not None


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "3–5、9"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "、".join(parts)
