"""Offline resident search: name, pinyin (full or initials), phone tail, building-unit-room.

Keys are precomputed when rows are stored (``pinyin_keys``, ``phone_tail``, ``address``), so a
query never runs pypinyin over the register. ``ResidentIndex`` holds each searchable field of
all residents as one joined string (values separated by NUL), so matching is ``str.find`` in C
and the Python work grows with the hits, not with the register. Ranking: exact match, then
prefix, then substring (a better field match wins); within a rank, the register's natural
order (estate, building-unit-room, name).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's most common one.
_SURNAMES = {
    "单": "shan",
    "曾": "zeng",
    "仇": "qiu",
    "解": "xie",
    "查": "zha",
    "区": "ou",
    "朴": "piao",
    "翟": "zhai",
    "盖": "ge",
    "乐": "yue",
    "尉": "yu",
    "覃": "qin",
    "缪": "miao",
    "万俟": "moqi",
    "长": "chang",
    "沈": "shen",
    "柏": "bai",
    "秘": "bi",
    "句": "gou",
    "员": "yun",
    "宿": "su",
    "召": "shao",
    "种": "chong",
    "繁": "po",
}

_char_cache: dict[str, str] = {}


def _char_pinyin(ch: str) -> str:
    py = _char_cache.get(ch)
    if py is None:
        py = lazy_pinyin(ch)[0].lower() if not ch.isascii() else ch.lower()
        _char_cache[ch] = py
    return py


@functools.lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """``"张伟"`` -> ``("zhangwei", "zw")``: full pinyin and initials, lower-case, no spaces.

    Per-character readings are cached (names share few characters), and a surname with a
    special reading (单 shan, 曾 zeng, ...) is read as a surname."""
    name = "".join(name.split())
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in (name[:2], name[:1]):
        if surname in _SURNAMES:
            syllables.append(_SURNAMES[surname])
            rest = name[len(surname) :]
            break
    syllables.extend(_char_pinyin(ch) for ch in rest)
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def phone_tail(phone_masked: str | None) -> str:
    """The last four digits of a (masked) phone number, or ``""``."""
    if not phone_masked:
        return ""
    digits = "".join(ch for ch in phone_masked if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def address(building: str | None, unit: str | None, room: str | None) -> str:
    """``("3", "2", "401")`` -> ``"3-2-401"`` (empty parts left out)."""
    return "-".join(
        str(p).strip() for p in (building, unit, room) if p not in (None, "") and str(p).strip()
    )


_SEPARATORS = re.compile(r"[\s\-_/.,，。#号幢栋座单元室楼]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ADDRESS_HINT = re.compile(r"[\-_/.,，#号幢栋座单元室楼]")


def normalize_address(text: str) -> str:
    """``"3号楼2单元401"`` / ``"3 2 401"`` / ``"3-2-401"`` -> ``"3-2-401"``."""
    return _SEPARATORS.sub("-", text.strip()).strip("-")


def _natural(s: str) -> tuple:
    """``3-2-401`` sorts before ``10-1-101``: text and numbers alternate, the numbers (the
    split's odd parts, decimal digits of any script) compared as numbers. Only those: a
    superscript ``²`` is a digit to ``str.isdigit`` but no number to ``int``."""
    parts: list = re.split(r"(\d+)", s)
    parts[1::2] = [int(p) for p in parts[1::2]]
    return tuple(parts)


@dataclass
class _Field:
    """All residents' values of one field, joined with NUL so one ``str.find`` scans them:
    ``"\0张伟\0张伟明\0"``. Exact match = find ``\0q\0``, prefix = ``\0q``, substring = ``q``."""

    text: str
    starts: list[int]

    @classmethod
    def build(cls, values: Sequence[str]) -> _Field:
        # built in C (join, accumulate): a staff phone rebuilds 5 fields of 11,000 values
        values = [v.replace("\x00", "") if "\x00" in v else v for v in values]
        starts = [1 + p for p in itertools.accumulate((len(v) + 1 for v in values), initial=0)]
        starts.pop()
        return cls("\x00" + "\x00".join(values) + "\x00", starts)

    def _at_starts(self, needle: str) -> Iterable[int]:
        find, starts = self.text.find, self.starts
        pos = find(needle)
        while pos != -1:
            yield bisect.bisect_left(starts, pos + 1)
            pos = find(needle, pos + 1)

    def exact(self, q: str) -> Iterable[int]:
        return self._at_starts("\x00" + q + "\x00")

    def prefix(self, q: str) -> Iterable[int]:
        return self._at_starts("\x00" + q)

    def contains(self, q: str) -> Iterable[int]:
        find, starts = self.text.find, self.starts
        n = len(starts)
        pos = find(q)
        while pos != -1:
            row = bisect.bisect_right(starts, pos) - 1
            yield row
            # skip the rest of this value: one hit per row is enough
            nxt = starts[row + 1] if row + 1 < n else len(self.text)
            pos = find(q, nxt)


@dataclass
class Resident:
    id: str
    name: str
    household_id: str
    address: str
    estate_id: str | None
    estate_name: str
    birth_year: int | None
    phone_masked: str | None
    flags: list[str]
    lives_alone: bool
    flagged: bool
    name_py: str
    name_ini: str
    phone_tail: str


class ResidentIndex:
    """An in-memory search index over the store's residents (built in one pass)."""

    def __init__(self, residents: list[Resident]) -> None:
        residents.sort(key=lambda r: (r.estate_name, _natural(r.address), r.name))
        self.rows = residents
        self.name = _Field.build([r.name for r in residents])
        self.py = _Field.build([r.name_py for r in residents])
        self.ini = _Field.build([r.name_ini for r in residents])
        self.tail = _Field.build([r.phone_tail for r in residents])
        self.addr = _Field.build([r.address for r in residents])
        self._by_estate: dict[str | None, ResidentIndex] = {}

    def for_estate(self, estate_id: str | None) -> ResidentIndex:
        """The index of one estate's residents (built once, on first use): an estate filter
        then costs what the estate's size costs, not the community's."""
        sub = self._by_estate.get(estate_id)
        if sub is None:
            sub = ResidentIndex([r for r in self.rows if r.estate_id == estate_id])
            self._by_estate[estate_id] = sub
        return sub

    def _fields_for(self, q: str) -> list[tuple[_Field, str, float]]:
        """Which fields a query can match, with the normalised query and a field weight."""
        compact = "".join(q.split()).lower()
        out: list[tuple[_Field, str, float]] = []
        if _CJK.search(q) and not _ADDRESS_HINT.search(q):
            out.append((self.name, compact, 0.3))
        elif compact.isascii() and compact.isalpha():
            out.append((self.ini, compact, 0.2))
            out.append((self.py, compact, 0.1))
        elif compact.isdigit():
            if len(compact) <= 4:
                out.append((self.tail, compact, 0.3))
            out.append((self.addr, compact, 0.2))
        else:
            out.append((self.addr, normalize_address(q), 0.2))
            out.append((self.name, compact, 0.1))
        return [(f, v, w) for f, v, w in out if v]

    def search(
        self,
        query: str,
        *,
        keep: Callable[[Resident], bool] | None = None,
        offset: int = 0,
        limit: int = 30,
    ) -> list[tuple[Resident, float]]:
        """Ranked, paged matches as ``(resident, score)``; score 3.x exact, 2.x prefix, 1.x
        substring. An empty query lists every resident that ``keep`` accepts."""
        want = offset + limit
        if not query.strip():
            if keep is None:
                return [(r, 0.0) for r in self.rows[offset:want]]
            hits = []
            for r in self.rows:
                if keep(r):
                    hits.append((r, 0.0))
                    if len(hits) >= want:
                        break
            return hits[offset:want]
        fields = sorted(self._fields_for(query), key=lambda f: -f[2])
        seen: set[int] = set()
        ranked: list[tuple[Resident, float]] = []
        # Groups in falling score order: (exact, prefix, substring) x fields by weight. Each
        # group yields rows in natural order, so appending group after group IS the ranking,
        # and we can stop as soon as the page is full.
        for tier in (3.0, 2.0, 1.0):
            for fld, q, weight in fields:
                if tier == 3.0:
                    rows: Iterable[int] = fld.exact(q)
                elif tier == 2.0:
                    rows = fld.prefix(q)
                else:
                    rows = fld.contains(q)
                score = tier + weight
                for i in rows:
                    if i in seen:
                        continue
                    seen.add(i)
                    r = self.rows[i]
                    if keep is None or keep(r):
                        ranked.append((r, score))
                        if len(ranked) >= want:
                            return ranked[offset:want]
        return ranked[offset:want]
