"""One ledger sheet in an .xlsx (openpyxl, write-only so 11,000 rows stream): a bold frozen
header with filters, set column widths, dates and times as real spreadsheet dates, and text a
spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``) kept as text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

#: what makes a spreadsheet read a typed-in text as a formula
FORMULA_STARTS = ("=", "+", "-", "@")

_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
_BOLD = Font(bold=True)


@dataclasses.dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    #: text | number | date | datetime
    kind: str = "text"


def _cell(ws, value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind in _FORMATS:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = _FORMATS[kind]
        return cell
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # stored as text: shown as typed, never calculated
        return cell
    return value


_NOT_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


def add_sheet(wb: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    """Write one sheet; returns the number of data rows."""
    title = title.translate(_NOT_IN_TITLES).strip()[:31] or "Sheet"
    taken = set(wb.sheetnames)
    base, n = title, 2
    while title in taken:  # sheet names are unique
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = _BOLD
        header.append(cell)
    # the filter's range is set before the rows are streamed, so it is widened afterwards
    ws.append(header)
    kinds = [c.kind for c in columns]
    special = {i for i, k in enumerate(kinds) if k != "number"}
    n = 0
    for row in rows:
        ws.append([_cell(ws, v, kinds[i]) if i in special else v for i, v in enumerate(row)])
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return n


def local_time(ts: str | None, zone) -> dt.datetime | None:
    """A stored UTC timestamp as the community's wall-clock time (spreadsheets have no zones)."""
    if not ts:
        return None
    return dt.datetime.fromisoformat(ts).astimezone(zone).replace(tzinfo=None)


def local_day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
