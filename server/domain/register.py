"""Importing the community's resident register (docs/register-format.md).

``import_register(engine, path, skip_bad=False, dry_run=False)`` reads the file, checks every
row, and returns an ``ImportReport``. If any row is bad and ``skip_bad`` is False, nothing is
written. Otherwise the good rows are applied in ONE transaction:

- a household is found by (estate, building, unit, room), else created;
- a resident is found by ID-card number, else by (household, name), else created;
- a found resident changes only in the fields whose cells are filled and differ; a change
  bumps ``version`` and ``field_versions`` (so the phones' field merge sees it) and stamps the
  change log; an unchanged resident is not touched at all, so re-importing the same file
  writes nothing.

The import adds and updates; it never deletes, and an empty cell never clears a stored value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from server.db.changelog import record_changes
from server.db.engine import write_tx
from server.db.schema import districts, estates, households, residents
from server.domain import entities as ent
from server.domain.idcard import birth_year_of, gender_of, id_number_problem
from server.domain.register_read import RegisterFileError, read_register
from services.protocol import RESIDENT_FLAGS

__all__ = ["ImportReport", "RowError", "RegisterFileError", "COLUMNS", "import_register"]

#: canonical column -> accepted header spellings (compared case-insensitively, spaces ignored)
COLUMNS: dict[str, tuple[str, ...]] = {
    "district": ("片区", "district"),
    "estate": ("小区", "小区名称", "estate"),
    "building": ("楼栋", "楼号", "幢", "building"),
    "unit": ("单元", "unit"),
    "room": ("房号", "室", "门牌号", "room"),
    "name": ("姓名", "name"),
    "gender": ("性别", "gender"),
    "birth_year": ("出生年份", "birth_year", "birthyear"),
    "id_number": ("身份证号", "身份证号码", "id_number", "idnumber"),
    "phone": ("手机号", "手机号码", "联系电话", "phone"),
    "relation": ("与户主关系", "relation"),
    "flags": ("标记", "flags"),
    "vaccination": ("疫苗接种", "疫苗", "vaccination"),
    "note": ("备注", "note"),
}
REQUIRED = ("estate", "building", "room", "name")

GENDERS = {
    "男": "male",
    "女": "female",
    "male": "male",
    "female": "female",
    "m": "male",
    "f": "female",
}
FLAGS = {
    "独居": "lives_alone",
    "需帮扶": "needs_help",
    "需要帮助": "needs_help",
    "残疾": "disabled",
    "低保": "low_income",
    "低收入": "low_income",
    "党员": "party_member",
    "lives_alone": "lives_alone",
    "needs_help": "needs_help",
    "disabled": "disabled",
    "low_income": "low_income",
    "party_member": "party_member",
}
VACCINATION = {
    "未知": "unknown",
    "未接种": "none",
    "部分": "partial",
    "部分接种": "partial",
    "全程": "full",
    "全程接种": "full",
    "加强": "booster",
    "加强针": "booster",
    "unknown": "unknown",
    "none": "none",
    "partial": "partial",
    "full": "full",
    "booster": "booster",
}
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_FLAG_SPLIT = re.compile(r"[、,，;；/|\s]+")
#: resident fields an import may set, in the order they are compared
RESIDENT_FIELDS = (
    "gender",
    "birth_year",
    "id_number",
    "phone",
    "relation",
    "flags",
    "vaccination",
    "note",
)


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return (
            f"row {self.row}, {self.column}: {self.reason}"
            if self.column
            else f"row {self.row}: {self.reason}"
        )


@dataclasses.dataclass
class ImportReport:
    rows: int = 0
    good_rows: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    #: not errors: e.g. columns the import does not know (their cells are ignored)
    warnings: list[RowError] = dataclasses.field(default_factory=list)
    written: bool = False
    districts_created: int = 0
    estates_created: int = 0
    households_created: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors if e.row > 1})


@dataclasses.dataclass
class _Row:
    number: int
    estate: str
    district: str
    building: str
    unit: str
    room: str
    name: str
    fields: dict[str, Any]  # only the filled cells, normalised


def _norm_header(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _map_header(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[RowError]]:
    lookup = {_norm_header(alias): key for key, aliases in COLUMNS.items() for alias in aliases}
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    errors: list[RowError] = []
    for i, cell in enumerate(header):
        if not cell:
            continue
        key = lookup.get(_norm_header(cell))
        if key is None:
            errors.append(RowError(1, cell, "unknown column (ignored)"))
        elif key in index:
            errors.append(RowError(1, cell, f"column given twice ({label[key]})"))
        else:
            index[key] = i
            label[key] = cell
    for key in REQUIRED:
        if key not in index:
            errors.append(RowError(1, COLUMNS[key][0], "required column missing"))
    return index, label, errors


def _normalise_phone(raw: str) -> str | None:
    digits = re.sub(r"[\s\-()（）]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None


def _parse_row(
    number: int, cells: list[str], index: dict[str, int], label: dict[str, str], this_year: int
) -> tuple[_Row | None, list[RowError]]:
    def cell(key: str) -> str:
        i = index.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    errors: list[RowError] = []

    def bad(key: str, reason: str) -> None:
        errors.append(RowError(number, label.get(key, COLUMNS[key][0]), reason))

    for key in REQUIRED:
        if not cell(key):
            bad(key, "empty")
    for key in ("building", "unit", "room"):
        if len(cell(key)) > 16:
            bad(key, "longer than 16 characters")
    if len(cell("name")) > 64:
        bad("name", "longer than 64 characters")

    fields: dict[str, Any] = {}
    if raw := cell("gender"):
        if raw.lower() in GENDERS:
            fields["gender"] = GENDERS[raw.lower()]
        else:
            bad("gender", "must be 男 or 女")
    if raw := cell("birth_year"):
        if raw.isdigit() and 1890 <= int(raw) <= this_year:
            fields["birth_year"] = int(raw)
        else:
            bad("birth_year", f"must be a year between 1890 and {this_year}")
    if raw := cell("id_number"):
        raw = raw.upper()
        problem = id_number_problem(raw)
        if problem:
            bad("id_number", f"invalid ID-card number: {problem}")
        else:
            fields["id_number"] = raw
            year, sex = birth_year_of(raw), gender_of(raw)
            if fields.get("birth_year", year) != year:
                bad("birth_year", "does not match the ID-card number")
            if fields.get("gender", sex) != sex:
                bad("gender", "does not match the ID-card number")
            fields.setdefault("birth_year", year)
            fields.setdefault("gender", sex)
    if raw := cell("phone"):
        phone = _normalise_phone(raw)
        if phone is None:
            bad(
                "phone",
                "invalid phone number: need an 11-digit mobile (1xxxxxxxxxx) or a landline with area code",
            )
        else:
            fields["phone"] = phone
    if raw := cell("relation"):
        if len(raw) > 32:
            bad("relation", "longer than 32 characters")
        fields["relation"] = raw
    if raw := cell("flags"):
        parts = [p for p in _FLAG_SPLIT.split(raw) if p]
        unknown = [p for p in parts if p.lower() not in FLAGS]
        if unknown:
            bad("flags", f"unknown flag(s) {', '.join(unknown)}; known: 独居 需帮扶 残疾 低保 党员")
        chosen = {FLAGS[p.lower()] for p in parts if p.lower() in FLAGS}
        fields["flags"] = [f for f in RESIDENT_FLAGS if f in chosen]
    if raw := cell("vaccination"):
        if raw.lower() in VACCINATION:
            fields["vaccination"] = VACCINATION[raw.lower()]
        else:
            bad("vaccination", "must be one of 未知 未接种 部分 全程 加强")
    if raw := cell("note"):
        if len(raw) > 2000:
            bad("note", "longer than 2000 characters")
        fields["note"] = raw
    if errors:
        return None, errors
    return (
        _Row(
            number=number,
            estate=cell("estate"),
            district=cell("district"),
            building=cell("building"),
            unit=cell("unit") or "1",
            room=cell("room"),
            name=cell("name"),
            fields=fields,
        ),
        [],
    )


class _Rollback(Exception):
    """Leaves the import transaction without committing."""


def _new_id() -> str:
    return str(uuid.uuid4())


class _Apply:
    """Matches and writes the good rows inside one transaction."""

    def __init__(
        self, conn: Connection, report: ImportReport, create_estates: bool, estate_label: str
    ) -> None:
        self.conn = conn
        self.estate_label = estate_label
        self.report = report
        self.create_estates = create_estates
        self.log: list[dict[str, Any]] = []
        self.districts = {
            r.name: r.id for r in conn.execute(select(districts.c.id, districts.c.name))
        }
        self.estates: dict[str, dict[str, Any]] = {}
        for r in conn.execute(select(estates)):
            m = dict(r._mapping)
            self.estates[m["id"]] = m
            self.estates.setdefault(m["name"], m)

    def estate(self, row: _Row, *, check_only: bool) -> dict[str, Any] | RowError:
        found = self.estates.get(row.estate)
        if found:
            return found
        if not self.create_estates or not row.district:
            hint = (
                ""
                if self.create_estates
                else " (use --create-estates with a 片区 column to add it)"
            )
            return RowError(row.number, self.estate_label, f"unknown estate {row.estate!r}{hint}")
        if check_only:
            return {"id": None, "district_id": None, "name": row.estate}
        d_id = self.districts.get(row.district)
        if d_id is None:
            d_id = _new_id()
            self.conn.execute(districts.insert().values(id=d_id, name=row.district, version=1))
            self.districts[row.district] = d_id
            self.report.districts_created += 1
            data = ent.district_data({"id": d_id, "name": row.district})
            self.log.append(
                ent.change_row("district", data, version=1, estate_id=None, district_id=d_id)
            )
        e = {
            "id": _new_id(),
            "district_id": d_id,
            "name": row.estate,
            "kind": "estate",
            "version": 1,
        }
        self.conn.execute(estates.insert().values(**e))
        self.estates[e["id"]] = self.estates[e["name"]] = e
        self.report.estates_created += 1
        self.log.append(
            ent.change_row(
                "estate", ent.estate_data(e), version=1, estate_id=e["id"], district_id=d_id
            )
        )
        return e

    def run(self, rows: list[_Row]) -> None:
        conn = self.conn
        by_address: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for r in conn.execute(select(households)):
            m = dict(r._mapping)
            by_address[(m["estate_id"], m["building"], m["unit"], m["room"])] = m
        by_id_number: dict[str, dict[str, Any]] = {}
        by_name: dict[tuple[str, str], dict[str, Any]] = {}
        for r in conn.execute(select(residents)):
            m = dict(r._mapping)
            if m["id_number"]:
                by_id_number[m["id_number"]] = m
            by_name.setdefault((m["household_id"], m["name"]), m)

        new_households: dict[str, dict[str, Any]] = {}
        self.house_by_id = {h["id"]: h for h in by_address.values()}
        grown: set[str] = set()  # existing households that gained residents
        for row in rows:
            e = self.estate(row, check_only=False)
            assert isinstance(e, dict)
            key = (e["id"], row.building, row.unit, row.room)
            house = by_address.get(key)
            if house is None:
                house = {
                    "id": _new_id(), "estate_id": e["id"], "building": row.building,
                    "unit": row.unit, "room": row.room, "people_count": 0, "note": "",
                    "contact_phone": None, "version": 1, "field_versions": {},
                }  # fmt: skip
                by_address[key] = new_households[house["id"]] = house
                self.house_by_id[house["id"]] = house
                # inserted now (residents refer to it); count and contact filled in at the end
                conn.execute(households.insert().values(**house))
            resident = None
            if row.fields.get("id_number"):
                resident = by_id_number.get(row.fields["id_number"])
            if resident is None:
                candidate = by_name.get((house["id"], row.name))
                if candidate and not (
                    candidate["id_number"]
                    and row.fields.get("id_number")
                    and candidate["id_number"] != row.fields["id_number"]
                ):
                    resident = candidate
            scope = (e["id"], e["district_id"])
            if resident is None:
                resident = {
                    "id": _new_id(), "household_id": house["id"], "name": row.name,
                    "gender": "unknown", "birth_year": None, "phone": None, "id_number": None,
                    "relation": "", "flags": [], "vaccination": "unknown", "note": "",
                    "version": 1, "field_versions": {},
                }  # fmt: skip
                resident.update(row.fields)
                conn.execute(residents.insert().values(**resident))
                self.report.residents_created += 1
                if house["id"] in new_households:
                    house["people_count"] += 1
                    house["contact_phone"] = house["contact_phone"] or resident["phone"]
                else:
                    grown.add(house["id"])
                self.log.append(self._logged("resident", ent.resident_data(resident), 1, scope))
            else:
                changed = self._update(resident, row, house["id"])
                if changed:
                    self.report.residents_updated += 1
                    place = self._place(resident["household_id"])
                    self.log.append(
                        self._logged(
                            "resident", ent.resident_data(resident), resident["version"], place
                        )
                    )
                else:
                    self.report.residents_unchanged += 1
            if resident.get("id_number"):
                by_id_number[resident["id_number"]] = resident
            by_name[(resident["household_id"], resident["name"])] = resident

        for house in new_households.values():
            conn.execute(
                update(households)
                .where(households.c.id == house["id"])
                .values(people_count=house["people_count"], contact_phone=house["contact_phone"])
            )
            self.report.households_created += 1
            e = self.estates[house["estate_id"]]
            self.log.append(
                self._logged("household", ent.household_data(house), 1, (e["id"], e["district_id"]))
            )
        for house_id in sorted(grown):
            self._grow(self.house_by_id[house_id])
        # households first in the change log: a phone applying a page sees the household
        # before its residents
        self.log.sort(
            key=lambda c: ["district", "estate", "household", "resident"].index(c["entity"])
        )
        record_changes(conn, self.log)

    @staticmethod
    def _logged(entity: str, data: dict[str, Any], version: int, place) -> dict[str, Any]:
        return ent.change_row(
            entity, data, version=version, estate_id=place[0], district_id=place[1]
        )

    def _place(self, household_id: str) -> tuple[str, str]:
        e = self.estates[self.house_by_id[household_id]["estate_id"]]
        return e["id"], e["district_id"]

    def _grow(self, house: dict[str, Any]) -> None:
        """An existing household gained residents: raise its people count to match."""
        count = self.conn.execute(
            select(func.count())
            .select_from(residents)
            .where(residents.c.household_id == house["id"])
        ).scalar_one()
        if count <= (house["people_count"] or 0):
            return
        version = house["version"] + 1
        field_versions = {**(house.get("field_versions") or {}), "people_count": version}
        values = {"people_count": count, "version": version, "field_versions": field_versions}
        self.conn.execute(update(households).where(households.c.id == house["id"]).values(**values))
        house.update(values)
        self.log.append(
            self._logged("household", ent.household_data(house), version, self._place(house["id"]))
        )

    def _update(self, resident: dict[str, Any], row: _Row, household_id: str) -> bool:
        """Apply the row's filled, differing fields; True if anything changed."""
        diff = {f: v for f, v in row.fields.items() if not _same(f, resident.get(f), v)}
        if resident["name"] != row.name:
            diff["name"] = row.name
        if resident["household_id"] != household_id:
            diff["household_id"] = household_id
        if not diff:
            return False
        version = resident["version"] + 1
        field_versions = dict(resident.get("field_versions") or {})
        for f in diff:
            field_versions[f] = version
        values = {**diff, "version": version, "field_versions": field_versions}
        self.conn.execute(
            update(residents).where(residents.c.id == resident["id"]).values(**values)
        )
        resident.update(values)
        return True


def _same(field: str, stored: Any, new: Any) -> bool:
    if field == "flags":
        return set(stored or []) == set(new)
    return stored == new


def _duplicates(rows: list[_Row]) -> list[RowError]:
    errors = []
    seen_id: dict[str, int] = {}
    seen_person: dict[tuple[str, str, str, str, str], int] = {}
    for row in rows:
        id_number = row.fields.get("id_number")
        person = (row.estate, row.building, row.unit, row.room, row.name)
        if id_number and id_number in seen_id:
            errors.append(
                RowError(row.number, "身份证号", f"duplicate of row {seen_id[id_number]}")
            )
        elif person in seen_person:
            errors.append(
                RowError(
                    row.number,
                    "姓名",
                    f"duplicate of row {seen_person[person]} (same address and name)",
                )
            )
        else:
            if id_number:
                seen_id[id_number] = row.number
            seen_person[person] = row.number
    return errors


def import_register(
    engine: Engine,
    path: str | Path,
    *,
    skip_bad: bool = False,
    dry_run: bool = False,
    create_estates: bool = False,
    this_year: int | None = None,
) -> ImportReport:
    """Check and import a register file; see the module docstring for what is written when.

    Raises RegisterFileError if the file cannot be read at all. ``report.written`` says whether
    anything was committed (False for a dry run, for a file with bad rows without
    ``skip_bad``, and for a file that changes nothing).
    """
    report = ImportReport()
    header, raw_rows = read_register(path)
    report.rows = len(raw_rows)
    index, label, header_errors = _map_header(header)
    report.warnings = [e for e in header_errors if e.reason.startswith("unknown column")]
    fatal = [e for e in header_errors if not e.reason.startswith("unknown column")]
    if fatal:
        report.errors = fatal
        return report
    year = this_year or dt.date.today().year
    parsed: list[_Row] = []
    for number, cells in raw_rows:
        row, errors = _parse_row(number, cells, index, label, year)
        report.errors.extend(errors)
        if row is not None:
            parsed.append(row)
    dup_errors = _duplicates(parsed)
    report.errors.extend(dup_errors)
    dup_rows = {e.row for e in dup_errors}
    parsed = [r for r in parsed if r.number not in dup_rows]

    try:
        with write_tx(engine) as conn:
            applier = _Apply(conn, report, create_estates, label.get("estate", "小区"))
            good: list[_Row] = []
            for row in parsed:
                found = applier.estate(row, check_only=True)
                if isinstance(found, RowError):
                    report.errors.append(found)
                else:
                    good.append(row)
            report.errors.sort(key=lambda e: (e.row, e.column))
            report.good_rows = len(good)
            if (report.errors and not skip_bad) or not good:
                raise _Rollback
            applier.run(good)
            if dry_run or not applier.log:
                raise _Rollback  # a dry run reports what it would do, then forgets it
            report.written = True
    except _Rollback:
        pass
    return report
