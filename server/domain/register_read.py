"""Reading a resident register file (.xlsx or .csv) into plain rows of text.

``read_register(path)`` returns the header cells and the data rows, each as
``(row_number, [cell text, ...])`` with the row number the spreadsheet shows (the header is
row 1). Cells come back stripped, numbers without a trailing ".0" (Excel stores room 401 and
phone numbers as numbers), empty cells as "". Fully blank rows are dropped.

CSV files may be UTF-8 (with or without the BOM Excel writes) or GBK/GB18030 (what Excel on a
Chinese Windows saves by default); the encoding is detected by trying them in that order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path


class RegisterFileError(ValueError):
    """The file cannot be read as a register at all (wrong type, encoding, empty)."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterFileError("the CSV file is neither UTF-8 nor GBK encoded")


def _read_csv(path: Path) -> list[list[str]]:
    text = _decode(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise RegisterFileError(f"cannot open the workbook: {exc.__class__.__name__}") from exc
    try:
        ws = wb.worksheets[0]
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_register(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header cells, [(row number, cells)]) of the register's first sheet."""
    path = Path(path)
    if not path.is_file():
        raise RegisterFileError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    else:
        raise RegisterFileError("the register must be a .xlsx or .csv file")
    numbered = [(i + 1, row) for i, row in enumerate(table)]
    # the header is the first row with any content
    while numbered and not any(numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise RegisterFileError("the file is empty")
    _, header = numbered[0]
    rows = [(n, cells) for n, cells in numbered[1:] if any(c for c in cells)]
    return header, rows
