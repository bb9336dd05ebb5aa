"""Importing the community's resident register (docs/register-format.md): the whole run.

read the file (``read``) -> find each sheet's layout (``layout``) -> read each row
(``cells``) -> refuse duplicates -> match against the database and decide every write
(``plan``) -> write it in one transaction (``write``), unless something was refused and
``skip_bad`` is off, or it is a dry run.

Rule: every cell ends up stored as meant, or named in the report. A layout problem (no
header, an unknown column with content) stops the import whatever ``skip_bad`` says; a bad
row stops it unless ``skip_bad``, and then only the good rows are written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, Engine, or_, select

from server.db.engine import read_tx, write_tx
from server.db.schema import communities
from server.domain.communities import CommunityError, sole_community
from server.domain.register.cells import Row, RowReader
from server.domain.register.layout import ColumnChoices, find_layout
from server.domain.register.messages import DEFAULT_LANG, text
from server.domain.register.plan import Plan, Planner, row_ref
from server.domain.register.problems import Problem, RegisterFileError, problem
from server.domain.register.read import read_register
from server.domain.register.text import name_key
from server.domain.register.write import write_plan


@dataclasses.dataclass
class ImportReport:
    #: residents' rows read (after the header, without the rows skipped)
    rows: int = 0
    #: rows left out on purpose: totals, signatures, repeated headers, no person
    skipped: int = 0
    good_rows: int = 0
    errors: list[Problem] = dataclasses.field(default_factory=list)
    notes: list[Problem] = dataclasses.field(default_factory=list)
    #: the layout was refused (no header, unknown columns): no row was looked at
    layout_refused: bool = False
    written: bool = False
    districts_created: int = 0
    estates_created: int = 0
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residents_unchanged: int = 0
    residents_moved: int = 0

    @property
    def refused_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors if e.row})

    def summary(self, lang: str = DEFAULT_LANG) -> str:
        estates = (
            text("summary_estates", lang, n=self.estates_created) if self.estates_created else ""
        )
        return text(
            "summary", lang, rows=self.rows, created=self.residents_created,
            updated=self.residents_updated, unchanged=self.residents_unchanged,
            moved=self.residents_moved, skipped=self.skipped, refused=self.refused_rows,
            households=self.households_created, estates=estates,
        )  # fmt: skip


def _duplicates(rows: list[Row]) -> list[Problem]:
    """A person may appear once: the same ID number twice, or the same name at the same
    address twice, is refused. Two namesakes of one household whose ID numbers differ are
    two people, and both stay."""
    errors = []
    seen_id: dict[str, Row] = {}
    seen_person: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        id_number = row.fields.get("id_number")
        person = (name_key(row.estate), row.building, row.unit, row.room, row.name)
        where = (row.sheet or None, row.number)
        same_name = seen_person.setdefault(person, [])
        if id_number and id_number in seen_id:
            other = row_ref(seen_id[id_number], row)
            errors.append(problem("duplicate_id", *where, "", other=other))
            continue
        ambiguous = next(
            (r for r in same_name if not (id_number and r.fields.get("id_number"))), None
        )
        if ambiguous is not None:
            other = row_ref(ambiguous, row)
            errors.append(problem("duplicate_person", *where, "", other=other))
            continue
        if id_number:
            seen_id[id_number] = row
        same_name.append(row)
    return errors


@contextlib.contextmanager
def _without_gc_pauses():
    """A register is tens of thousands of small dicts and lists that all live to the end of
    the import: the cyclic collector would walk them again and again (a sixth of the time)
    and find nothing to free. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _order(p: Problem) -> tuple:
    return (p.sheet or "", p.row or 0, p.column)


def import_register(
    engine: Engine,
    path: str | Path,
    *,
    skip_bad: bool = False,
    dry_run: bool = False,
    create_estates: bool = False,
    apply_moves: bool = False,
    sheet: str | None = None,
    ignore_columns: Iterable[str] = (),
    columns: dict[str, str] | None = None,
    this_year: int | None = None,
    community: str | None = None,
) -> ImportReport:
    """Check and import a register file; see the module docstring for what is written when.

    ``community``: whose register it is, by id or name (the importing staff's; default: the
    database's only community). Only that community's places and people are matched and
    written. Raises RegisterFileError ``which_community`` / ``unknown_community`` when none
    fits.

    ``columns`` maps a header as written to a field (``{"联系方式": "phone"}``);
    ``ignore_columns`` names headers (or column letters) to leave out. Raises
    RegisterFileError if the file cannot be read at all. ``report.written`` says whether
    anything was committed.
    """
    with _without_gc_pauses():
        return _import(
            engine, path, skip_bad=skip_bad, dry_run=dry_run, create_estates=create_estates,
            apply_moves=apply_moves, sheet=sheet, ignore_columns=ignore_columns,
            columns=columns, this_year=this_year, community=community,
        )  # fmt: skip


def _import(
    engine: Engine,
    path: str | Path,
    *,
    skip_bad: bool,
    dry_run: bool,
    create_estates: bool,
    apply_moves: bool,
    sheet: str | None,
    ignore_columns: Iterable[str],
    columns: dict[str, str] | None,
    this_year: int | None,
    community: str | None,
) -> ImportReport:
    report = ImportReport()
    sheets, notes = read_register(path, sheet)
    report.notes.extend(notes)
    choices = ColumnChoices.of(ignore_columns, columns)
    year = this_year or dt.date.today().year
    parsed: list[Row] = []
    estate_label = "小区"
    for sh in sheets:
        layout, layout_errors, layout_notes = find_layout(sh, choices)
        report.notes.extend(layout_notes)
        if layout is None:
            report.errors.extend(layout_errors)
            report.layout_refused = True
            continue
        estate_label = layout.label.get("estate", estate_label)
        report.rows += len(layout.rows)
        report.skipped += len(layout.skipped)
        read_row = RowReader(sh.name, layout, year)
        for number, cells in layout.rows:
            row, errors = read_row(number, cells)
            report.errors.extend(errors)
            if row is not None:
                parsed.append(row)
    if report.layout_refused:
        return report
    report.errors.extend(_duplicates(parsed))
    refused = {(e.sheet or "", e.row) for e in report.errors}
    parsed = [r for r in parsed if (r.sheet, r.number) not in refused]

    tx = read_tx if dry_run else write_tx
    with tx(engine) as conn:
        owner = _community(conn, community)
        planner = Planner(
            conn,
            owner,
            create_estates=create_estates,
            apply_moves=apply_moves,
            estate_label=estate_label,
        )
        plan = planner.plan(parsed, dry_run=dry_run)
        report.errors.extend(plan.errors)
        report.errors.sort(key=_order)
        report.notes.extend(plan.notes)
        _count(report, plan)
        if dry_run or (report.errors and not skip_bad) or not plan.log:
            return report
        write_plan(conn, plan, owner)
        report.written = True
    return report


def _community(conn: Connection, ref: str | None) -> str:
    if ref is None:
        try:
            return sole_community(conn)
        except CommunityError:
            raise RegisterFileError("which_community") from None
    found = conn.execute(
        select(communities.c.id).where(or_(communities.c.id == ref, communities.c.name == ref))
    ).all()
    if len(found) != 1:
        raise RegisterFileError(
            "unknown_community" if not found else "which_community", community=ref
        )
    return found[0].id


def _count(report: ImportReport, plan: Plan) -> None:
    report.good_rows = plan.good_rows
    report.districts_created = len(plan.new_districts)
    report.estates_created = len(plan.new_estates)
    report.households_created = len(plan.new_households)
    report.households_updated = len(plan.changed_households)
    report.residents_created = plan.created
    report.residents_updated = plan.updated
    report.residents_unchanged = plan.unchanged
    report.residents_moved = plan.moved
