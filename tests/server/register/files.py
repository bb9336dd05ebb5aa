"""Registers shaped like the ones community offices send, built in the tests.

What real registers have, and these builders can produce: a title row merged across the top
and a subtitle (填报单位 / 日期) above the header; a two-row header with a group label (住址)
merged over its columns; number-formatted cells (rooms, phones, and the ID column itself when
someone formatted it as a number); several sheets, empty and hidden ones among them; totals
and signature lines at the bottom; GBK CSV with CRLF line ends as Excel on a Chinese Windows
saves it; an .xlsx whose stated sheet size (``<dimension>``) is stale.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine, select

from server.db.schema import changes, estates, households, residents
from server.domain.idcard import make_id_number

HEADER = ["小区", "楼栋", "单元", "房号", "姓名", "性别", "出生年份", "身份证号", "手机号", "与户主关系", "标记"]  # fmt: skip


def id_number(year: int, serial: int, region: str = "320507", month: int = 3) -> str:
    return make_id_number(region, dt.date(year, month, 4), serial)


GOOD = [
    ["观澜苑", "40", "1", "101", "顾建华", "男", "", id_number(1958, 101), "13962100001", "户主", "党员"],
    ["观澜苑", "40", "1", "101", "沈秀英", "女", "1960", "", "13962100002", "配偶", ""],
    ["观澜苑", "40", "2", "302", "陆桂英", "女", "1938", "", "", "户主", "独居、需帮扶"],
]  # fmt: skip


@dataclasses.dataclass
class SheetSpec:
    rows: list[list[Any]]
    name: str = "花名册"
    header: list[str] = dataclasses.field(default_factory=lambda: list(HEADER))
    #: merged across the header's width in row 1
    title: str | None = None
    subtitle: str | None = None
    #: a two-row header: group label -> the columns under it (merged over them in the top row)
    group: tuple[str, list[str]] | None = None
    #: rows after the data: totals, signatures
    footer: list[list[Any]] = dataclasses.field(default_factory=list)
    #: number format per header (e.g. {"身份证号": "0"}: the ID column formatted as numbers)
    formats: dict[str, str] = dataclasses.field(default_factory=dict)
    hidden: bool = False


def write_workbook(path: Path, *sheets: SheetSpec) -> Path:
    """An .xlsx as an office makes it (openpyxl writes what Excel and LibreOffice read)."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        if spec.hidden:
            ws.sheet_state = "hidden"
        width = len(spec.header)
        r = 1
        for line in (spec.title, spec.subtitle):
            if line is not None:
                ws.cell(r, 1, line)
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
                r += 1
        if spec.group:
            label, under = spec.group
            cols = [spec.header.index(h) + 1 for h in under]
            for j, h in enumerate(spec.header, start=1):
                if j in cols:
                    ws.cell(r + 1, j, h)
                else:  # merged down over both header rows, as offices do
                    ws.cell(r, j, h)
                    ws.merge_cells(start_row=r, start_column=j, end_row=r + 1, end_column=j)
            ws.cell(r, cols[0], label)
            ws.merge_cells(start_row=r, start_column=cols[0], end_row=r, end_column=cols[-1])
            r += 2
        else:
            for j, h in enumerate(spec.header, start=1):
                ws.cell(r, j, h)
            r += 1
        for row in [*spec.rows, *spec.footer]:
            for j, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(r, j, value)
                if j <= width and spec.header[j - 1] in spec.formats:
                    cell.number_format = spec.formats[spec.header[j - 1]]
            r += 1
        for j in range(1, width + 1):
            ws.column_dimensions[get_column_letter(j)].width = 14
    wb.save(path)
    return shared_strings(path)


def stale_dimension(path: Path, ref: str) -> Path:
    """Rewrite each sheet's stated size to ``ref`` (e.g. "A1:K3"), as some writers leave it."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            dst.writestr(info, data)
    shutil.move(tmp, path)
    return path


_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_INLINE = re.compile(
    rb'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', re.S
)


def shared_strings(path: Path) -> Path:
    """Store the workbook's text the way Excel and LibreOffice do, in one shared-strings
    table the cells point into (openpyxl writes each string inline in its cell)."""
    table: dict[bytes, int] = {}

    def to_shared(m: re.Match[bytes]) -> bytes:
        index = table.setdefault(m.group(4), len(table))
        return b'<c r="%s"%s t="s"%s><v>%d</v></c>' % (m.group(1), m.group(2), m.group(3), index)

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE.sub(to_shared, data)
            elif info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Id="rIdSst" Type="{_SST_REL}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            dst.writestr(info, data)
        items = b"".join(b"<si><t>%s</t></si>" % t for t in table)
        dst.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">%s</sst>' % (len(table), len(table), items),
        )
    shutil.move(tmp, path)
    return path


def write_csv(
    path: Path,
    rows: list[list[Any]],
    header: list[str] = HEADER,
    *,
    encoding: str = "utf-8-sig",
    above: list[list[str]] = (),
    footer: list[list[str]] = (),
) -> Path:
    """A CSV as Excel saves one (CRLF; GBK on a Chinese Windows when ``encoding="gbk"``)."""
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerows(above)
        w.writerow(header)
        w.writerows(rows)
        w.writerows(footer)
    return path


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(r) for r in conn.execute(select(t)))
            for t in (households, residents, changes, estates)
        }


def resident(engine: Engine, **where: Any):
    """The one resident matching ``where`` (column=value), with its household's address."""
    with engine.connect() as conn:
        q = select(
            residents,
            households.c.building,
            households.c.unit,
            households.c.room,
            households.c.people_count,
            estates.c.name.label("estate"),
        ).join(households, households.c.id == residents.c.household_id)
        q = q.join(estates, estates.c.id == households.c.estate_id)
        for column, value in where.items():
            q = q.where(residents.c[column] == value)
        return conn.execute(q).one()


def codes(report) -> list[tuple[str | None, int | None, str, str]]:
    """(sheet, row, column, code) of each refusal, for compact assertions."""
    return [(e.sheet, e.row, e.column, e.code) for e in report.errors]
