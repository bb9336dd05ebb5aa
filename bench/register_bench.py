"""Register import benchmark: one command, prints the figures.

    .venv/bin/python bench/register_bench.py [--rows 20000] [--keep]

Writes a register of ``--rows`` valid residents (CSV, UTF-8 with BOM, and .xlsx with the ID
column as text) for the estates of a small seeded community, then times, each in a fresh
process on a fresh copy of the database:
  - the import of the CSV, and of the .xlsx;
  - a dry run of the .xlsx;
  - re-importing the .xlsx once it is in (nothing to change).
Each line gives the wall and CPU time of ``import_register`` itself (start-up and imports
excluded; CPU time is the steadier figure on a busy machine) and the process's peak resident
memory. Targets: import <= 3 s, dry run <= 2 s, re-import
<= 1 s, peak <= 200 MB. Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = [
    "小区",
    "楼栋",
    "单元",
    "房号",
    "姓名",
    "性别",
    "出生年份",
    "身份证号",
    "手机号",
    "与户主关系",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建华秀英桂兰志明国强玉珍文斌丽娟海燕春梅晓东德明淑芬振华红霞永刚金凤小平素珍宏伟"


def make_rows(estates: list[str], n: int, seed: int = 11) -> list[list[str]]:
    from server.domain.idcard import make_id_number

    rnd = random.Random(seed)
    rows: list[list[str]] = []
    serial = 0
    house = 0
    while len(rows) < n:
        house += 1
        estate = estates[house % len(estates)]
        building, unit, room = str(100 + house // 60), str(1 + house % 3), str(101 + house % 20)
        for member in range(min(rnd.randint(1, 4), n - len(rows))):
            serial += 1
            year = rnd.randint(1930, 2015)
            birth = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
            # serials repeat every 1000: vary the region so every number is distinct
            id_number = make_id_number(f"{320500 + serial // 1000:06d}", birth, serial % 1000)
            gender = "男" if int(id_number[16]) % 2 else "女"
            name = rnd.choice(SURNAMES) + "".join(rnd.sample(GIVEN, 2))
            phone = f"139{serial:08d}"
            rows.append(
                [estate, building, unit, room, name, gender, str(year), id_number, phone,
                 "户主" if member == 0 else "家属"]
            )  # fmt: skip
    return rows


def write_files(folder: Path, rows: list[list[str]]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from tests.server.register.files import shared_strings

    csv_path = folder / "register.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    xlsx_path = folder / "register.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(HEADER)
    for r in rows:
        # numbers where an office's spreadsheet has numbers; the ID column as text
        ws.append(
            [r[0], int(r[1]), int(r[2]), int(r[3]), r[4], r[5], int(r[6]), r[7], int(r[8]), r[9]]
        )
    wb.save(xlsx_path)
    # text in a shared-strings table, as Excel and LibreOffice store it
    return csv_path, shared_strings(xlsx_path)


def child(db: str, path: str, mode: str) -> None:
    """Runs in a fresh process: one import, timed; prints a JSON line."""
    from server.db.engine import open_engine
    from server.domain.register import import_register

    engine = open_engine(db)
    start, cpu = time.perf_counter(), time.process_time()
    report = import_register(engine, path, dry_run=mode == "dry-run")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu": cpu,
                "errors": len(report.errors),
                "created": report.residents_created,
                "unchanged": report.residents_unchanged,
                "written": report.written,
            }
        )
    )


def run_child(db: Path, path: Path, mode: str) -> tuple[dict, float]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(db), str(path), mode],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{mode} {path.name} failed ({proc.returncode})")
    return json.loads(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from sqlalchemy import select

    from server.db.engine import migrate, open_engine
    from server.db.schema import estates
    from server.domain.seed import seed_demo

    folder = Path(tempfile.mkdtemp(prefix="register-bench-"))
    try:
        template = folder / "template.db"
        engine = open_engine(str(template))
        migrate(engine)
        seed_demo(engine, seed=7, scale=0.05, demo_responses=False)
        with engine.connect() as conn:
            names = sorted(conn.execute(select(estates.c.name)).scalars())
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        rows = make_rows(names, args.rows)
        csv_path, xlsx_path = write_files(folder, rows)
        print(
            f"register of {len(rows)} rows: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
            f".xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB"
        )

        def fresh(name: str) -> Path:
            db = folder / f"{name}.db"
            shutil.copyfile(template, db)
            return db

        steps = [
            ("import CSV", fresh("csv"), csv_path, "import"),
            ("import .xlsx", fresh("xlsx"), xlsx_path, "import"),
            ("dry run .xlsx", fresh("dry"), xlsx_path, "dry-run"),
        ]
        reimport_db = folder / "xlsx.db"
        for label, db, path, mode in steps:
            result, peak = run_child(db, path, mode)
            print(
                f"{label:<16} {result['seconds']:6.2f} s (CPU {result['cpu']:5.2f} s)   peak {peak:6.0f} MB   "
                f"created {result['created']}, errors {result['errors']}"
            )
        result, peak = run_child(reimport_db, xlsx_path, "import")
        print(
            f"{'re-import .xlsx':<16} {result['seconds']:6.2f} s (CPU {result['cpu']:5.2f} s)   peak {peak:6.0f} MB   "
            f"unchanged {result['unchanged']}, written {result['written']}"
        )
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
