"""What the office console gets back from a register upload (``POST /register/import``):
the same report the ``import-register`` command prints, as data.

Each problem keeps its message code (stable, for a client that wants its own wording) and
the message in the language asked for; ``row`` is the row as the spreadsheet shows it and
``column`` the header as written. Messages never carry a phone or ID-card number.
"""

from __future__ import annotations

from pydantic import BaseModel

#: the fields a register column can be imported as (``column=HEADER=FIELD``); the server's
#: header spellings for each are in server/domain/register/layout.py
REGISTER_FIELDS = (
    "district", "estate", "building", "unit", "room", "name", "gender", "birth_year",
    "birth_date", "id_number", "phone", "relation", "flags", "vaccination", "note", "address",
)  # fmt: skip


class RegisterProblem(BaseModel):
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str = ""
    message: str


class RegisterImportReport(BaseModel):
    #: whether anything was committed (never for a dry run)
    written: bool
    dry_run: bool
    #: no header, or a column the import does not know: no row was looked at
    layout_refused: bool
    #: residents' rows read, rows skipped on purpose (totals, signatures, ...), rows refused
    rows: int
    skipped: int
    refused_rows: int
    residents_created: int
    residents_updated: int
    residents_unchanged: int
    residents_moved: int
    households_created: int
    estates_created: int
    districts_created: int
    #: refusals: with any, nothing is written unless skip_bad
    errors: list[RegisterProblem]
    #: what was left out on purpose, where the header was, estate names matched, moves
    notes: list[RegisterProblem]
    #: the one-line summary, as the command prints it
    summary: str
