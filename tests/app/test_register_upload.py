"""The office console's register upload against the real server: a chosen file is checked
first (the dry run's report: header row, sheets, counts, notes, refused rows with the
server's Chinese messages a page at a time), an unknown column can be left out with a tick,
and confirming imports with the options shown. Only a checked file without refusals (or with
'import the others' ticked) can be confirmed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import flet as ft
import pytest

from app.office.register_upload import PROBLEM_PAGE
from tests.app.conftest import find, one, texts
from tests.server.register.files import GOOD, write_csv
from tests.services.serverproc import ServerProcess, seed_small

CORPUS = Path(__file__).resolve().parents[1] / "server" / "register" / "corpus"


async def _register(state) -> ft.View:
    state.nav.push("admin", section="register")
    view = state.page.views[-1]
    await view.data["load"]()
    view.data["show"]()
    return view


def _show(view) -> None:
    view.data["show"]()


def _count(view, name: str) -> str:
    return texts(one(view, f"register-count-{name}"))[0]


async def test_a_dry_run_shows_where_the_header_is_the_counts_and_writes_nothing(
    session, staff_state, app_server
):
    view = await _register(staff_state)
    upload = view.data["model"].register
    assert not find(view, key="register-confirm")  # nothing chosen, nothing to confirm
    name = "title_subtitle_footer.xlsx"
    assert await upload.choose(name, (CORPUS / name).read_bytes())
    _show(view)
    assert one(view, "register-file").value == staff_state.t("register.file", name=name)
    assert texts(view).count(staff_state.t("register.dry_run_title")) == 1
    assert one(view, "register-summary").value.startswith("读取 3 行：新建 3 人")
    assert (_count(view, "rows"), _count(view, "created"), _count(view, "refused")) == (
        "3", "3", "0",
    )  # fmt: skip
    general = texts(one(view, "register-general"))
    assert any(line.startswith("表头在第 3 行") for line in general), general
    assert any("跳过" in line for line in general), general
    assert not find(view, key="register-refused")
    confirm = one(view, "register-confirm")
    assert confirm.visible and not confirm.disabled
    with sqlite3.connect(app_server.db_path) as c:
        assert not c.execute("SELECT 1 FROM residents WHERE name = '蒋国华'").fetchall()


async def test_an_unknown_column_is_named_and_left_out_or_imported_as_a_field(session, staff_state):
    view = await _register(staff_state)
    upload = view.data["model"].register
    assert await upload.choose("r.xlsx", (CORPUS / "unknown_column.xlsx").read_bytes())
    _show(view)
    (error,) = upload.report["errors"]
    column = error["column"]
    assert error["code"] == "unknown_column" and column in error["message"]
    assert error["message"] in texts(one(view, "register-errors"))
    assert one(view, "register-confirm").disabled
    assert one(view, "register-why-not").value == staff_state.t("register.layout_refused")
    tick = one(view, f"register-ignore-{column}")
    assert texts(tick) == [staff_state.t("register.ignore_column", column=column)]

    upload.set_option(f"ignore:{column}", True)  # what ticking it does, then checks again
    assert await upload.check()
    _show(view)
    assert not upload.report["errors"] and not find(view, key="register-refused")
    assert one(view, f"register-ignore-{column}").value is True  # still offered, ticked
    assert not one(view, "register-confirm").disabled

    upload.map_column(column, "note")  # or imported as a field the import knows
    assert column not in upload.ignored
    assert await upload.check()
    _show(view)
    assert not upload.report["errors"] and upload.report["residents_created"] == 1
    import_as = one(view, f"register-map-{column}")
    assert import_as.value == "note"
    assert staff_state.t("register.field.note") in [o.text for o in import_as.options]
    assert one(view, f"register-ignore-{column}").value is False


async def test_a_long_refused_list_is_built_a_page_at_a_time(session, staff_state, tmp_path):
    rows = []
    for i in range(130):
        row = list(GOOD[0])
        row[4], row[7] = f"顾{i:03d}", "3.20507E+17"  # an ID number the spreadsheet rounded
        rows.append(row)
    path = write_csv(tmp_path / "bad.csv", rows)
    view = await _register(staff_state)
    upload = view.data["model"].register
    assert await upload.choose("花名册.csv", path.read_bytes())
    _show(view)
    assert upload.report["refused_rows"] == 130 and len(upload.report["errors"]) == 130
    assert one(view, "register-refused").value == staff_state.t("register.refused", n=130)
    shown = one(view, "register-errors").controls
    assert len(shown) == PROBLEM_PAGE
    first = texts(shown[0])[0]
    assert first.startswith("第 2 行「身份证号」：") and "文本" in first, first
    more = one(view, "register-errors-more")
    assert more.visible
    more.on_click(None)
    assert len(one(view, "register-errors").controls) == 2 * PROBLEM_PAGE
    assert one(view, "register-confirm").disabled
    assert one(view, "register-why-not").value == staff_state.t("register.cannot_confirm")


async def test_a_file_that_is_no_register_is_refused_before_sending(session, staff_state):
    view = await _register(staff_state)
    upload = view.data["model"].register
    assert not await upload.choose("照片.jpg", b"\xff\xd8")
    assert not await upload.choose("空.csv", b"")
    _show(view)
    assert one(view, "register-notice").value == staff_state.t("register.empty_file", name="空.csv")
    assert upload.report is None and not find(view, key="register-confirm")


@pytest.fixture
def own_server(tmp_path):
    """A server of its own: confirming writes residents, which the shared one must not get."""
    db = tmp_path / "own.db"
    seed_small(db)
    proc = ServerProcess(db).start()
    yield proc
    proc.stop()


async def test_confirming_imports_with_the_options_of_the_dry_run(session, staff_state, own_server):
    from services.auth import login

    staff_state.server_url = own_server.url
    staff_state.token, _ = await login(own_server.url, "staff", "demo1234", "dev-register-test")
    view = await _register(staff_state)
    upload = view.data["model"].register
    name = "title_subtitle_footer.xlsx"
    assert await upload.choose(name, (CORPUS / name).read_bytes())
    assert await upload.confirm()
    _show(view)
    report = upload.report
    assert (report["dry_run"], report["written"], report["residents_created"]) == (False, True, 3)
    assert texts(view).count(staff_state.t("register.done_title")) == 1
    assert one(view, "register-notice").value == staff_state.t(
        "register.imported", summary=report["summary"]
    )
    assert not find(view, key="register-confirm") or not one(view, "register-confirm").visible
    with sqlite3.connect(own_server.db_path) as c:
        names = {n for (n,) in c.execute("SELECT name FROM residents")}
    assert {"蒋国华", "韩玉兰", "杨志强"} <= names

    assert await upload.check()  # the same file again: nothing left to import
    _show(view)
    assert upload.report["residents_unchanged"] == 3
    assert one(view, "register-confirm").disabled
    assert one(view, "register-why-not").value == staff_state.t("register.nothing_to_do")
