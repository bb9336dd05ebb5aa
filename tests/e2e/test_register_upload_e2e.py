"""The register upload in headless Chromium at 1280×800, as staff: settings → 管理 → 导入花名册,
a register with a column the import does not know is refused with that column named and
offered to leave out; a corpus register (title, subtitle and a footer, as LibreOffice saved
it) chosen in the browser's own file chooser shows the dry run's report (header row, counts)
with nothing written, then is confirmed: the residents are on the server and reach the staff's app with the
next sync. Screenshots under test-output/screenshots/register-*.png."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.i18n import Translator
from tests.e2e.phone import open_administration, open_page, phone_store, poll, shot

pytestmark = [pytest.mark.e2e, pytest.mark.flaky(reruns=1)]

T = Translator("zh")
OFFICE = {"width": 1280, "height": 800}
CORPUS = Path(__file__).resolve().parents[1] / "server" / "register" / "corpus"
REGISTER = CORPUS / "title_subtitle_footer.xlsx"
UNKNOWN_COLUMN = CORPUS / "unknown_column.xlsx"
PEOPLE = {"蒋国华", "韩玉兰", "杨志强"}


def _on_server(server) -> set[str]:
    with sqlite3.connect(server.db_path, timeout=30) as c:
        names = {n for (n,) in c.execute("SELECT name FROM residents")}
    return names & PEOPLE


def _in_the_app(app) -> set[str]:
    path = phone_store(app.data_dir)
    with sqlite3.connect(path, timeout=30) as c:
        names = {json.loads(d)["name"] for (d,) in c.execute("SELECT data FROM residents")}
    return names & PEOPLE


def test_staff_upload_a_register_check_it_and_confirm(fresh_stack, browser, shots):
    server, app = fresh_stack
    page = open_page(browser, app.url, viewport=OFFICE)
    try:
        open_administration(page, T)
        page.get_by_role("button", name=T("admin.section.register")).click(timeout=30000)
        choose = page.get_by_role("button", name=T("register.choose"))
        choose.wait_for(timeout=30000)
        shot(page, shots / "register-empty.png")

        # a column the import does not know: named, offered to leave out, nothing to confirm
        with page.expect_file_chooser(timeout=30000) as chooser:
            choose.click()
        chooser.value.set_files(str(UNKNOWN_COLUMN))
        page.get_by_text(T("register.refused", n=1)).wait_for(timeout=60000)
        page.get_by_role("checkbox", name=T("register.ignore_column", column="民族")).wait_for(
            timeout=30000
        )
        shot(page, shots / "register-refused.png")

        with page.expect_file_chooser(timeout=30000) as chooser:
            choose.click()
        chooser.value.set_files(str(REGISTER))
        page.get_by_text(T("register.dry_run_title")).wait_for(timeout=60000)
        page.get_by_text("表头在第 3 行", exact=False).first.wait_for(timeout=30000)
        page.get_by_text("读取 3 行：新建 3 人", exact=False).first.wait_for(timeout=30000)
        shot(page, shots / "register-dry-run.png")
        assert not _on_server(server)  # a dry run writes nothing

        page.get_by_role("button", name=T("register.confirm")).click()
        page.get_by_text(T("register.done_title")).wait_for(timeout=60000)
        shot(page, shots / "register-imported.png")
        assert poll(lambda: _on_server(server) == PEOPLE, 30, "the residents on the server")

        page.get_by_role("button", name=T("nav.back")).click()
        page.get_by_role("tab", name=T("nav.sync")).click(timeout=30000)
        page.get_by_role("button", name=T("sync.now")).click(timeout=30000)
        assert poll(lambda: _in_the_app(app) == PEOPLE, 60, "the residents in the app")
    finally:
        page.context.close()
