"""Hostile or broken files get a clear Chinese error and change nothing: a CSV cell past the
cell limit, an .xlsx whose parts unpack to far more than a register (refused before openpyxl
unpacks them), control characters, the wrong encoding."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from server.domain.register import RegisterFileError, import_register
from server.domain.register.read import CELL_LIMIT
from tests.server.register.files import GOOD, SheetSpec, codes, snapshot, write_csv, write_workbook

ROOT = Path(__file__).resolve().parents[3]


def test_a_csv_cell_past_the_limit_is_a_clear_error(engine, tmp_path):
    rows = [r[:] for r in GOOD]
    rows[1][-1] = "党" * (CELL_LIMIT + 10)
    path = write_csv(tmp_path / "long.csv", rows)
    before = snapshot(engine)
    with pytest.raises(RegisterFileError) as caught:
        import_register(engine, path)
    assert caught.value.code == "cell_too_long"
    assert (
        str(caught.value)
        == f"第 3 行：有单元格超过 {CELL_LIMIT} 个字符：这不像花名册内容，请检查这一行"
    )
    assert snapshot(engine) == before


def test_a_long_cell_within_the_limit_is_a_row_error_not_a_crash(engine, tmp_path):
    rows = [r[:] for r in GOOD]
    rows[0][4] = "顾" * 100
    report = import_register(engine, write_csv(tmp_path / "name.csv", rows))
    assert codes(report) == [(None, 2, "姓名", "too_long")]


def _bomb(tmp_path: Path, megabytes: int) -> Path:
    """A small valid workbook whose shared-strings part (which readers hold in memory whole)
    unpacks to ``megabytes`` MB."""
    path = write_workbook(tmp_path / "base.xlsx", SheetSpec(GOOD))
    bomb = tmp_path / "bomb.xlsx"
    block = ("<si><t>胡巷新村一区胡巷新村一区</t></si>" * 1000).encode()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info, src.read(info))
        with dst.open("xl/sharedStrings.xml", "w") as out:
            out.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(megabytes * 1024 * 1024 // len(block)):
                out.write(block)
            out.write(b"</sst>")
    return bomb


def test_an_xlsx_that_unpacks_to_gigabytes_is_refused_before_loading(engine, tmp_path):
    bomb = _bomb(tmp_path, 40)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    script = (
        "import sys\n"
        "from server.db.engine import open_engine\n"
        "from server.domain.register import RegisterFileError, import_register\n"
        "try:\n"
        f"    import_register(open_engine({str(engine.url.database)!r}), {str(bomb)!r})\n"
        "except RegisterFileError as exc:\n"
        "    print(exc.code)\n"
        # VmHWM is this program's own peak; ru_maxrss would carry over the forking test
        # process's size across exec (624 MB seen late in a full run)
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(int(hwm.split()[1]) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    code, peak_mb = done.stdout.split()
    assert code in ("xlsx_ratio", "xlsx_too_big"), done.stderr
    assert int(peak_mb) < 300


def test_control_characters_in_a_cell_are_refused(engine, tmp_path):
    rows = [r[:] for r in GOOD]
    rows[2][4] = "陆\x00桂英"
    report = import_register(engine, write_csv(tmp_path / "nul.csv", rows))
    assert codes(report) == [(None, 4, "姓名", "control_char")]


def test_wrong_encoding_and_types_are_clear_errors(engine, tmp_path):
    (tmp_path / "latin.csv").write_bytes("小区,楼栋\n".encode("utf-16"))
    with pytest.raises(RegisterFileError) as enc:
        import_register(engine, tmp_path / "latin.csv")
    assert enc.value.code == "csv_encoding" and "UTF-8" in str(enc.value)
    (tmp_path / "broken.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RegisterFileError) as xls:
        import_register(engine, tmp_path / "broken.xls")
    assert xls.value.code == "xlsx_broken"
    (tmp_path / "register.numbers").write_bytes(b"PK")
    with pytest.raises(RegisterFileError) as other:
        import_register(engine, tmp_path / "register.numbers")
    assert other.value.code == "bad_type" and ".xlsx" in str(other.value)
