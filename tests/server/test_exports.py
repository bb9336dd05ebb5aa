"""Ledgers as Excel: shape (Chinese headers, frozen header with filters, widths, dates as
dates), numbers masked unless staff say why (audited), formula-like text kept as text, the
residents ledger a register that imports back unchanged, places and periods, the command."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from server.db.schema import ledger_exports, residents
from server.db.sequence import current_seq
from server.domain.communities import sole_community
from server.domain.register import import_register
from tests.server.helpers import concern, ok, visit

ROOT = Path(__file__).resolve().parents[2]


async def _get(api, kind: str, **params):
    return await api.client.get(f"/api/v1/exports/{kind}.xlsx", params=params, headers=api.headers)


def _book(r):
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert r.headers["content-disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(r.content))


async def test_every_ledger_has_a_frozen_filtered_header_and_set_widths(login):
    staff = await login("staff")
    for kind in ("visits", "concerns", "residents", "responses"):
        book = _book(await _get(staff, kind))
        for ws in book.worksheets:
            assert ws.freeze_panes == "A2", (kind, ws.title)
            assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
            assert ws["A1"].font.b
            assert all("\u4e00" <= ch <= "\u9fff" for ch in ws["A1"].value[:1]), ws["A1"].value
            assert ws.column_dimensions["A"].width > 8
    visits = _book(await _get(staff, "visits")).active
    assert visits["A1"].value == "走访时间"
    assert isinstance(visits["A2"].value, dt.datetime) and visits["A2"].number_format.startswith(
        "yyyy"
    )


async def test_numbers_are_masked_unless_staff_ask_with_a_reason(login, engine, demo):
    staff, dh, head = await login("staff"), await login("district1"), await login("head01")
    masked = _book(await _get(staff, "residents")).active
    header = [c.value for c in masked[1]]
    phone_col, id_col = header.index("手机号"), header.index("身份证号")
    phones = [row[phone_col].value for row in masked.iter_rows(min_row=2) if row[phone_col].value]
    assert phones and all("****" in p for p in phones)
    ids = [row[id_col].value for row in masked.iter_rows(min_row=2) if row[id_col].value]
    assert ids and all("*" in i for i in ids)

    r = await _get(staff, "residents", full="true")
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    assert (await _get(dh, "residents", full="true", reason="核对")).status_code == 403
    assert (await _get(head, "residents")).status_code == 403
    whole = _book(await _get(staff, "residents", full="true", reason="疫苗接种电话回访")).active
    phones = [row[phone_col].value for row in whole.iter_rows(min_row=2) if row[phone_col].value]
    assert phones and not any("*" in p for p in phones)

    with engine.connect() as conn:
        audit = conn.execute(select(ledger_exports).order_by(ledger_exports.c.exported_at)).all()
    assert [(a.kind, a.full_values, a.operator) for a in audit] == [
        ("residents", False, "staff"),
        ("residents", True, "staff"),
    ]
    assert audit[1].reason == "疫苗接种电话回访" and audit[1].user_id == staff.user["id"]
    assert audit[1].rows == whole.max_row - 1


async def test_text_a_spreadsheet_would_calculate_stays_text(login, demo):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    payloads = ['=HYPERLINK("http://x","点我")', "+86 138", "-1", "@SUM(A1)"]
    made = [concern(hh, description=p) for p in payloads]
    assert ok(await head.push(*made)) == ["applied"] * 4
    r = await _get(staff, "concerns")
    sheet_xml = zipfile.ZipFile(io.BytesIO(r.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere
    ws = _book(r).active
    col = [c.value for c in ws[1]].index("内容")
    texts = {row[col].value: row[col].data_type for row in ws.iter_rows(min_row=2)}
    for p in payloads:
        assert texts[p] in ("s", "inlineStr"), p


async def test_a_ledger_keeps_to_its_place_and_period(login, demo):
    staff, dh, head = await login("staff"), await login("district1"), await login("head01")
    mine = demo.users["district1"]["district_id"]
    ws = _book(await _get(dh, "concerns")).active
    district_col = [c.value for c in ws[1]].index("片区")
    names = {row[district_col].value for row in ws.iter_rows(min_row=2)}
    assert len(names) == 1  # their district only
    other = next(d for d in demo.district_ids if d != mine)
    assert (await _get(dh, "visits", district_id=other)).status_code == 403

    hh = demo.household_of("head01")
    day = dt.datetime(2025, 3, 10, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert ok(await head.push(visit(hh, visited_at=day.isoformat(), notes="三月十日"))) == [
        "applied"
    ]
    ws = _book(await _get(staff, "visits", **{"from": "2025-03-10", "to": "2025-03-10"})).active
    assert ws.max_row == 2
    assert ws["A2"].value == dt.datetime(2025, 3, 10, 23, 30)  # local wall-clock time
    assert (await _get(staff, "visits", **{"from": "2025-03-10"})).status_code == 422
    r = await _get(staff, "visits", **{"from": "2025-03-11", "to": "2025-03-10"})
    assert r.status_code == 422
    assert (await _get(staff, "ledgers")).status_code == 422


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
async def test_the_residents_ledger_imports_back_changing_nothing(login, engine, tmp_path):
    """Every resident imports back unchanged, and nothing is written; namesakes of one
    household are told apart by their ID numbers (docs/register-format.md)."""
    staff = await login("staff")
    r = await _get(staff, "residents", full="true", reason="花名册年度核对")
    path = tmp_path / "register.xlsx"
    path.write_bytes(r.content)
    with engine.connect() as conn:
        before_seq = current_seq(conn, sole_community(conn))
        n = conn.execute(select(func.count()).select_from(residents)).scalar_one()
        groups = (
            select(func.count().label("n"))
            .select_from(residents)
            .group_by(residents.c.household_id, residents.c.name)
            .subquery()
        )
        namesakes = conn.execute(select(func.sum(groups.c.n - 1))).scalar_one()
    assert namesakes > 0  # the demo community has some: the case is exercised
    report = import_register(engine, path)
    assert not report.layout_refused and report.errors == []
    assert report.rows == n and report.residents_unchanged == n
    assert (report.residents_created, report.residents_updated, report.residents_moved) == (0, 0, 0)
    assert report.households_created == 0 and not report.written
    with engine.connect() as conn:
        assert current_seq(conn, sole_community(conn)) == before_seq


def test_the_command_writes_the_same_ledger(tmp_path, sqlite_template):
    db = tmp_path / "server.db"
    db.write_bytes(Path(sqlite_template).read_bytes())
    out = tmp_path / "concerns.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "server", "export", "--db", str(db), "--kind", "concerns",
         "--from", "2026-01-01", "--to", "2026-12-31", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    ws = load_workbook(out).active
    assert ws["A1"].value == "登记时间" and run.stdout.startswith(f"{ws.max_row - 1} rows")
    bad = subprocess.run(
        [sys.executable, "-m", "server", "export", "--db", str(db), "--kind", "residents",
         "--full", "--out", str(tmp_path / "r.xlsx")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and "reason" in bad.stderr
    assert not (tmp_path / "r.xlsx").exists()
