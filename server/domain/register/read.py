"""Reading a register file (.xlsx, .xls, .ods or .csv) into sheets of cell values, within limits.

``read_register(path, sheet=None)`` returns the sheets to import and notes on the sheets it
left out. Each sheet keeps its non-blank rows numbered as the spreadsheet shows them, and each
cell as the file typed it (text, int, float, date), because what a cell *is* matters: an ID
number stored as a number has already lost digits, a room that became a date has lost what
was typed.

Every worksheet with content is read (not only the first), except hidden ones; ``sheet``
picks one by name. The sheet's size stated inside an .xlsx is not trusted (writers leave it
stale; openpyxl's streaming reader stopped there): every cell in the file is read.

Limits, checked before anything large is built in memory: the file's size; for an .xlsx or
.ods (zip files) the unpacked size and compression ratio of each part (a few MB of repeated shared strings can
unpack to gigabytes); the length of a cell; the number of rows and columns.

CSV files may be UTF-8 (with or without the BOM Excel writes) or GBK/GB18030 (what Excel on a
Chinese Windows saves by default), separated by commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

from server.domain.register.problems import Problem, RegisterFileError, problem

#: characters in one cell (Excel itself stops at 32,767)
CELL_LIMIT = 131_072
MAX_FILE_BYTES = 64 * 1024 * 1024
#: one unpacked part of an .xlsx, and all of them together. A sheet is parsed whole in
#: memory: 64 MB of the densest XML is 2.4 million cells and peaks under 250 MB in all, while
#: 100,000 residents of 15 columns take about 65 MB
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
#: shared strings are held in memory whole: keep them small
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
#: an Excel 97-2003 file, which is not zipped
MAX_XLS_BYTES = 32 * 1024 * 1024
#: a register's XML compresses about 5-20 times; far beyond that is a crafted file
MAX_RATIO = 100
MAX_ROWS = 100_000
MAX_COLUMNS = 200
#: non-empty cells in all (100,000 residents of 15 columns)
MAX_CELLS = 1_500_000

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


@dataclasses.dataclass
class Sheet:
    #: the worksheet's name; "" for a CSV file
    name: str
    #: non-blank rows as (row number as the spreadsheet shows it, cells without trailing blanks)
    rows: list[tuple[int, list[Cell]]]


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Rows:
    """Collects the non-blank rows of all sheets, enforcing the row, column and cell limits."""

    def __init__(self) -> None:
        self.total = 0
        self.cells = 0

    def add(self, sheet: Sheet, number: int, cells: list[Cell] | tuple[Cell, ...]) -> None:
        end = len(cells)
        while end and _blank(cells[end - 1]):
            end -= 1
        if not end:
            return
        if end > MAX_COLUMNS:
            raise RegisterFileError(
                "too_many_columns", sheet.name or None, number, limit=MAX_COLUMNS
            )
        row = list(cells[:end])
        for value in row:
            if isinstance(value, str) and len(value) > CELL_LIMIT:
                raise RegisterFileError(
                    "cell_too_long", sheet.name or None, number, limit=CELL_LIMIT
                )
        self.total += 1
        self.cells += end
        if self.total > MAX_ROWS:
            raise RegisterFileError("too_many_rows", limit=MAX_ROWS)
        if self.cells > MAX_CELLS:
            raise RegisterFileError("too_many_cells", limit=MAX_CELLS)
        sheet.rows.append((number, row))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterFileError("csv_encoding")


def _read_csv(path: Path, rows: _Rows) -> list[Sheet]:
    data = path.read_bytes()
    content = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # the module's limit is process-wide; ours is the same everywhere the import runs
    csv.field_size_limit(CELL_LIMIT)
    sheet = Sheet("", [])
    reader = csv.reader(io.StringIO(content), dialect)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            rows.add(sheet, number, cells)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise RegisterFileError("cell_too_long", None, number + 1, limit=CELL_LIMIT) from None
        raise RegisterFileError("csv_broken", row=reader.line_num) from None
    return [sheet]


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose parts unpack too large before openpyxl unpacks any of them."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise RegisterFileError("xlsx_broken", kind=type(exc).__name__) from None
    total = 0
    for info in infos:
        total += info.file_size
        limit = (
            MAX_SHARED_STRINGS_BYTES
            if info.filename.lower().endswith("sharedstrings.xml")
            else MAX_PART_BYTES
        )
        if info.file_size > limit:
            raise RegisterFileError(
                "xlsx_too_big", part=info.filename, size=_mb(info.file_size), limit=_mb(limit)
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise RegisterFileError(
                "xlsx_ratio", part=info.filename, ratio=info.file_size // max(info.compress_size, 1)
            )
    if total > MAX_UNPACKED_BYTES:
        raise RegisterFileError(
            "xlsx_too_big", part="*", size=_mb(total), limit=_mb(MAX_UNPACKED_BYTES)
        )


def _read_workbook(
    path: Path, rows: _Rows, chosen: str | None, notes: list[Problem]
) -> list[Sheet]:
    # calamine (Rust) parses a 20,000-row sheet about ten times faster than openpyxl, reads
    # the cells that are there (not the size the file states), and types them as we need:
    # str, float, bool, date, datetime, time
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    if path.suffix.lower() == ".xls":
        # Excel 97-2003 is not a zip: its size alone bounds it (at most 65,536 rows)
        if path.stat().st_size > MAX_XLS_BYTES:
            raise RegisterFileError(
                "file_too_large", size=_mb(path.stat().st_size), limit=_mb(MAX_XLS_BYTES)
            )
    else:
        _check_zip(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise RegisterFileError("xlsx_broken", kind=type(exc).__name__) from None
    try:
        names = wb.sheet_names
        if chosen is not None and chosen not in names:
            raise RegisterFileError("no_such_sheet", name=chosen, names="、".join(names))
        sheets = []
        for meta in wb.sheets_metadata:
            if chosen is not None and meta.name != chosen:
                notes.append(problem("sheet_not_chosen", sheet=meta.name, chosen=chosen))
                continue
            if chosen is None and meta.visible != SheetVisibleEnum.Visible:
                notes.append(problem("sheet_hidden", sheet=meta.name))
                continue
            sheet = Sheet(meta.name, [])
            try:
                ws = wb.get_sheet_by_name(meta.name)
                # rows come from the sheet's first row, cells from its first used column
                pad = [None] * (ws.start[1] if ws.start else 0)
                for number, cells in enumerate(ws.iter_rows(), start=1):
                    rows.add(sheet, number, pad + cells if pad else cells)
            except CalamineError as exc:
                raise RegisterFileError("xlsx_broken", kind=type(exc).__name__) from None
            if sheet.rows:
                sheets.append(sheet)
            else:
                notes.append(problem("sheet_empty", sheet=meta.name))
        if len(names) == 1:
            for sheet in sheets:  # the only sheet: its name says nothing in a message
                sheet.name = ""
        return sheets
    finally:
        wb.close()


def read_register(path: str | Path, sheet: str | None = None) -> tuple[list[Sheet], list[Problem]]:
    """The sheets with content to import, and notes on the sheets left out.

    Raises RegisterFileError when the file cannot be read as a register at all."""
    path = Path(path)
    if not path.is_file():
        raise RegisterFileError("no_file", path=str(path))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RegisterFileError("file_too_large", size=_mb(size), limit=_mb(MAX_FILE_BYTES))
    suffix = path.suffix.lower()
    rows = _Rows()
    notes: list[Problem] = []
    if suffix == ".csv":
        sheets = _read_csv(path, rows)
    elif suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        sheets = _read_workbook(path, rows, sheet, notes)
    else:
        raise RegisterFileError("bad_type")
    if not sheets:
        raise RegisterFileError("empty_file")
    return sheets, notes
