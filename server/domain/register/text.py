"""Normalising what people type into registers, so that how a thing is written never decides
who a resident is or where they live.

- NFKC folds full-width digits, letters and spaces (``１３９``, ``Ａ``, U+3000) into ASCII;
- ``1栋`` / ``1幢`` / ``1号楼`` / ``一栋`` / ``1`` are one building, ``2单元`` is unit ``2``,
  ``101室`` is room ``101``;
- ``李　华`` and ``李华`` are one name (spaces between Chinese characters carry nothing);
- estate names compare across simplified and traditional characters (``一區`` / ``一区``),
  spacing and full-width forms;
- 无 / 暂无 / 空 / - / / in a cell mean the cell is empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

import zhconv

#: cell contents that mean "nothing here" in office registers
EMPTY_MARKERS = frozenset(
    {"无", "暂无", "空", "没有", "-", "--", "/", "—", "——", "－", "n/a", "na", "null", "#n/a"}
)

_SPACE = re.compile(r"\s+")
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_DOTS = re.compile(r"[•‧・･∙⋅]")
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")
_SUFFIXES = {
    "building": ("号楼", "栋", "幢", "楼", "座", "号"),
    "unit": ("单元", "单"),
    "room": ("室", "号", "房"),
}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATE_TEXT = re.compile(
    rf"^(\d{{1,2}}月\d{{1,2}}日|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(\s+0{{1,2}}:00(:00)?)?"
    rf"|\d{{1,2}}-({_MONTHS})[a-z]*(-\d{{2,4}})?|({_MONTHS})[a-z]*-\d{{1,4}})$",
    re.IGNORECASE,
)


def cell_text(value: object) -> str:
    """A cell as the text it shows: numbers without a trailing ".0", empty markers as ""."""
    if type(value) is str:  # most cells: the fast path
        s = value.strip()
        return "" if len(s) <= 6 and is_empty_marker(s) else s
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        s = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        s = value.isoformat()
    elif isinstance(value, dt.timedelta):
        s = str(value)
    else:
        s = str(value).strip()
    # the markers are short: most cells skip the check
    return "" if len(s) <= 6 and is_empty_marker(s) else s


def is_empty_marker(s: str) -> bool:
    if s.isascii() or s.isalnum():  # nothing for NFKC to fold: the common case, kept fast
        return s.lower() in EMPTY_MARKERS
    return _SPACE.sub("", unicodedata.normalize("NFKC", s)).lower() in EMPTY_MARKERS


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_chars(s: str) -> bool:
    """NUL and the like (never typed, PostgreSQL cannot store NUL) or lone surrogates."""
    return _CONTROL.search(s) is not None


def compact(s: str) -> str:
    """NFKC and no whitespace at all: for ID numbers, phones and codes."""
    if s.isascii() and s.isalnum():  # plain digits and letters, as most cells are
        return s
    return _SPACE.sub("", unicodedata.normalize("NFKC", s))


def person_name(s: str) -> str:
    """A name as stored: NFKC, no space next to a Chinese character, one middle-dot form."""
    s = unicodedata.normalize("NFKC", s).strip()
    if s.isalnum():  # no space or dot to handle: most names
        return s
    s = _SPACE_NEXT_TO_CJK.sub("", s)
    s = _SPACE.sub(" ", s)
    return _DOTS.sub("·", s)


def chinese_number(s: str) -> int | None:
    """一 .. 九十九 (and 两, 〇) as an int; None if ``s`` is not such a numeral."""
    if not s or not _CN_NUMBER.fullmatch(s):
        return None
    if "十" not in s:
        if len(s) == 1:
            return _NUMERALS[s]
        return int("".join(str(_NUMERALS[c]) for c in s))
    tens, _, ones = s.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)


@functools.lru_cache(maxsize=65536)
def address_part(s: str, kind: str) -> str:
    """Building, unit or room as stored and matched: ``1号楼`` -> ``1``, ``二单元`` -> ``2``."""
    s = compact(s).upper()
    if s.startswith("第") and len(s) > 1:
        s = s[1:]
    for suffix in _SUFFIXES[kind]:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    n = chinese_number(s)
    return str(n) if n is not None else s


def looks_like_date(s: str) -> bool:
    """Text a spreadsheet makes of ``3/4`` or ``3-4`` typed into a general-format cell."""
    return bool(_DATE_TEXT.match(s.strip()))


def date_shown(value: dt.date | dt.datetime | dt.time | dt.timedelta) -> str:
    """How to name a date a spreadsheet made of a cell: ``3月4日``, without echoing more."""
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds()) // 60
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return f"{value.month}月{value.day}日"


def _numerals_to_digits(s: str) -> str:
    def digits(m: re.Match[str]) -> str:
        n = chinese_number(m.group())
        return m.group() if n is None else str(n)

    return _CN_NUMBER.sub(digits, s)


@functools.lru_cache(maxsize=4096)
def name_key(s: str) -> str:
    """What makes two estate or district names the same: script, width, spacing, case."""
    s = unicodedata.normalize("NFKC", s)
    s = _SPACE.sub("", _DOTS.sub("", s)).replace("·", "")
    return zhconv.convert(s, "zh-hans").casefold()


def loose_name_key(s: str) -> str:
    """Closer still: also numerals written either way and a trailing 小区/社区, for refusing
    to create an estate that is nearly an existing one."""
    key = _numerals_to_digits(name_key(s))
    for suffix in ("小区", "社区"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


_ADDRESS = re.compile(
    r"(?P<b>[0-9A-Z]+|[零〇一二两三四五六七八九十]+)(?:号楼|栋|幢|座|-|#)"
    r"(?:(?P<u>[0-9]+|[零〇一二两三四五六七八九十]+)(?:单元|-))?"
    r"(?P<r>[0-9A-Z]+)(?:室|号|房)?$"
)


def split_address(s: str, estate: str) -> tuple[str, str, str] | None:
    """``1栋2单元101室`` / ``1-2-101`` / ``观澜苑1幢101`` -> (building, unit, room), normalised;
    None when the text says anything else (a street, a landmark) that would be lost."""
    s = compact(s).upper()
    m = _ADDRESS.search(s)
    if m is None:
        return None
    prefix = s[: m.start()]
    if (
        prefix
        and name_key(prefix) != name_key(estate)
        and loose_name_key(prefix) != loose_name_key(estate)
    ):
        return None
    return (
        address_part(m.group("b"), "building"),
        address_part(m.group("u") or "1", "unit"),
        address_part(m.group("r"), "room"),
    )
