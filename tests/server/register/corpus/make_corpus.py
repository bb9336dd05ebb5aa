"""Writes the register corpus: one small .xlsx per case, saved by LibreOffice Calc, so the
tests read files as an office's spreadsheet writes them (its shared strings, styles, stated
sizes, merged cells, number and date formats), not only as openpyxl writes them.

    apt-get install libreoffice-calc-nogui   # Debian
    .venv/bin/python tests/server/register/corpus/make_corpus.py

Each case is built with tests/server/register/files.py, opened and saved again as .xlsx by
``soffice --headless --convert-to xlsx``. The files are committed (a few KB each); the
expected outcome of each is in test_register_corpus.py. Run this again only to change a case.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))

from tests.server.register.files import HEADER, SheetSpec, id_number, write_workbook  # noqa: E402

OFFICE = ["序号", "小区", "楼栋", "单元", "房号", "姓名", "性别", "出生日期", "身份证号码", "联系电话", "与户主关系", "备注"]  # fmt: skip
FOOTER = [
    [4],
    ["合计", "", "", "", "", "3人"],
    ["制表人：王芳", "", "", "", "", "", "", "审核人：李敏"],
]


def office_rows(building: int = 70) -> list[list]:
    return [
        [1, "观澜苑", building, 1, 101, "蒋国华", 1, dt.datetime(1948, 5, 6), id_number(1948, 51, month=5), 13962100101, "户主", "无"],
        [2, "观澜苑", building, 1, 101, "韩玉兰", 2, "1950年8月", "", "暂无", "配偶", ""],
        [3, "观澜苑", building, 2, 202, "杨志强", "男", "19770304", "", "0512-65780001", "户主", "租户"],
    ]  # fmt: skip


def simple(building: str, room: str, name: str, **cells) -> list:
    row = dict.fromkeys(HEADER, "")
    row.update({"小区": "观澜苑", "楼栋": building, "单元": "1", "房号": room, "姓名": name})
    row.update(cells)
    return [row[h] for h in HEADER]


def cases() -> dict[str, list[SheetSpec]]:
    dates = {"出生日期": "yyyy-mm-dd"}
    with_id_numbers = office_rows(71)
    with_id_numbers[1][8] = id_number(1950, 62, month=8)
    with_id_numbers = [[*r[:8], float(r[8]) if r[8] else "", *r[9:]] for r in with_id_numbers]
    room_date = office_rows(72)
    room_date[1][4] = dt.datetime(2026, 3, 4)
    wide_id = id_number(1966, 71)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in wide_id)
    return {
        "title_subtitle_footer": [
            SheetSpec(office_rows(), name="观澜苑", header=OFFICE, title="胡巷社区观澜苑居民花名册",
                      subtitle="填报单位：胡巷社区居委会        2026年3月", footer=FOOTER, formats=dates)
        ],
        "two_row_header": [
            SheetSpec(office_rows(73), header=OFFICE, title="居民花名册",
                      group=("住址", ["楼栋", "单元", "房号"]), formats=dates)
        ],
        "id_as_number": [
            SheetSpec(with_id_numbers, header=OFFICE, title="居民花名册",
                      formats={**dates, "身份证号码": "0"})
        ],
        "several_sheets": [
            SheetSpec([simple("74", "101", "甲一"), simple("74", "102", "甲二")], name="一区"),
            SheetSpec([simple("75", "101", "乙一")], name="二区", title="观澜苑二区"),
            SheetSpec([], name="Sheet3", header=[]),
            SheetSpec([["男"], ["女"]], name="下拉选项", header=["性别"], hidden=True),
        ],
        "unknown_column": [
            SheetSpec([[*simple("76", "101", "丙一"), "汉"]], header=[*HEADER, "民族"])
        ],
        "synonyms": [
            SheetSpec(
                [[1, "观澜苑", "77", 1, 101, "丁大", "丁大", "男", id_number(1950, 11), 13962100081, "1950年3月"],
                 [2, "观澜苑", "77", 1, 101, "丁大", "钱二", "女", "", "0512-65781234", "1952-07"]],
                header=["序号", "小区名称", "幢号", "单元", "门牌", "户主姓名", "姓名", "性别", "公民身份号码", "联系方式", "出生年月"],
            )
        ],
        "room_became_date": [SheetSpec(room_date, header=OFFICE, formats=dates)],
        "traditional_estate": [
            SheetSpec([["胡巷新村一區", "3", "1", "301", "吳三", "男", "1961"]],
                      header=["小区", "楼栋", "单元", "房号", "姓名", "性别", "出生年份"])
        ],
        "full_width": [
            SheetSpec([simple("７８", "１０１", "欧阳　明", **{"身份证号": wide, "手机号": "１３９ ６２１０ ０１０１"})])
        ],
        "address_variants": [
            SheetSpec([simple("79栋", "101室", "周一", **{"单元": "一单元", "身份证号": id_number(1961, 31)})])
        ],
    }  # fmt: skip


#: cases also saved as Excel 97-2003 (.xls) and OpenDocument (.ods), which offices still send
OTHER_FORMATS = {"title_subtitle_footer": ("xls", "ods"), "id_as_number": ("xls",)}


def main() -> None:
    soffice = shutil.which("soffice") or sys.exit(
        "needs LibreOffice: apt-get install libreoffice-calc-nogui"
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOME": tmp}  # a throwaway LibreOffice profile
        for name, sheets in cases().items():
            source = write_workbook(Path(tmp) / f"{name}.xlsx", *sheets)
            out = Path(tmp) / "out"
            subprocess.run(
                [soffice, "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                check=True, env=env, capture_output=True, timeout=300,
            )  # fmt: skip
            shutil.copyfile(out / f"{name}.xlsx", HERE / f"{name}.xlsx")
            print(f"{name}.xlsx")
            for kind in OTHER_FORMATS.get(name, ()):
                subprocess.run(
                    [soffice, "--headless", "--norestore", "--convert-to", kind, "--outdir", str(out), str(source)],
                    check=True, env=env, capture_output=True, timeout=300,
                )  # fmt: skip
                shutil.copyfile(out / f"{name}.{kind}", HERE / f"{name}.{kind}")
                print(f"{name}.{kind}")


if __name__ == "__main__":
    main()
