"""Log in as head01 in headless Chromium, find a household, record a visit, see it pending,
let it sync, and find it on the server; then a concern's history, a move the server refuses
(shown on the sync screen), an estate's questionnaire QR, a resident's answer arriving in the
review list, and settings in English. Screenshots of each at 412x915 under
test-output/screenshots/."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from tests.e2e.phone import dump_semantics, open_page, phone_store, poll, shot, type_into

# One rerun: typing into Flutter's web text fields from outside now and then loses a
# keystroke under load (seen about once in ten runs). A real fault fails both runs.
pytestmark = [pytest.mark.e2e, pytest.mark.flaky(reruns=1)]


def test_head_records_a_visit_that_reaches_the_server(fresh_stack, browser, shots):
    server, app = fresh_stack
    page = open_page(browser, app.url)
    try:
        page.get_by_role("textbox", name="用户名").wait_for(timeout=30000)
        shot(page, shots / "01-login.png")
        type_into(page, "用户名", "head01")
        type_into(page, "密码", "demo1234")
        assert page.get_by_role("textbox", name="用户名").input_value() == "head01"
        page.get_by_role("button", name="登录").click()

        # first login offers a PIN; set one later
        page.get_by_role("button", name="以后再说").wait_for(timeout=30000)
        shot(page, shots / "02-set-pin.png")
        page.get_by_role("button", name="以后再说").click()
        page.get_by_text("我的小区").wait_for(timeout=60000)  # home, after the first pull
        shot(page, shots / "03-home.png")

        # pick a household from the phone's own copy, and find it by its address
        store_file = phone_store(app.data_dir)

        def first_household():
            with sqlite3.connect(store_file) as c:
                return c.execute(
                    "SELECT h.id, json_extract(h.data, '$.building'), json_extract(h.data, '$.unit'),"
                    " json_extract(h.data, '$.room'), json_extract(e.data, '$.name')"
                    " FROM households h JOIN estates e"
                    " ON e.id = json_extract(h.data, '$.estate_id') ORDER BY 2, 3, 4 LIMIT 1 OFFSET 3"
                ).fetchone()

        hid, building, unit, room, estate_name = poll(first_household, 60, "the first pull")
        address = f"{building}-{unit}-{room}"
        page.get_by_role("tab", name="住户").click()
        page.get_by_role("textbox", name="姓名、拼音首字母、手机尾号或 3-2-401").wait_for(
            timeout=15000
        )
        shot(page, shots / "04-households.png")
        type_into(page, "姓名、拼音首字母、手机尾号或 3-2-401", address)
        page.get_by_text("共 2 户").or_(page.get_by_text("共 1 户")).first.wait_for(timeout=15000)
        tile = page.get_by_role("button", name=f"{address} {estate_name}").first
        tile.wait_for(timeout=15000)
        shot(page, shots / "05-search.png")
        tile.click()

        # the household page, then record a visit
        page.get_by_role("button", name="记录走访").first.wait_for(timeout=15000)
        shot(page, shots / "06-household.png")
        page.get_by_role("button", name="记录走访").first.click()
        page.get_by_role("button", name="保存走访").wait_for(timeout=15000)
        shot(page, shots / "07-visit-form.png")
        marker = f"端到端测试 {uuid.uuid4().hex[:8]}"
        type_into(page, "你家有几口人？", "3")  # the checklist's required question
        type_into(page, "备注", marker)
        # the signal drops (a stairwell): the server goes away before the save
        server.stop()
        page.get_by_role("button", name="保存走访").click()

        # back on the household, the visit is there, pending: saved on the phone, not uploaded
        page.get_by_role("button", name="记录走访").first.wait_for(timeout=15000)
        page.get_by_text("待上传").first.wait_for(timeout=15000)
        shot(page, shots / "08-household-visit-pending.png")
        with sqlite3.connect(store_file) as c:
            assert (
                c.execute("SELECT count(*) FROM outbox WHERE type = 'visit.record'").fetchone()[0]
                == 1
            )

        # signal back: the engine's connectivity probe notices and uploads in the background
        server.start()

        def on_server():
            with sqlite3.connect(server.db_path, timeout=30) as c:
                return c.execute(
                    "SELECT id, household_id FROM visits WHERE notes = ?", (marker,)
                ).fetchone()

        row = poll(on_server, 60, "the visit on the server")
        assert row[1] == hid

        def acknowledged():
            with sqlite3.connect(store_file) as c:
                return c.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0

        poll(acknowledged, 30, "the phone's outbox to empty")
        # and the household page shows it settled, no longer pending
        page.get_by_text("待上传").first.wait_for(state="detached", timeout=15000)
        shot(page, shots / "09-household-visit-synced.png")

        # the other main screens, from the list the household was opened from
        page.get_by_role("button", name="返回").first.click()
        page.get_by_role("tab", name="诉求").click()
        page.get_by_role("tab", name="诉求").wait_for(timeout=10000)
        shot(page, shots / "10-concerns.png")
        page.get_by_role("tab", name="同步").click()
        page.get_by_role("button", name="立即同步").wait_for(timeout=10000)
        shot(page, shots / "11-sync.png")
        page.get_by_role("tab", name="设置").click()
        page.get_by_role("button", name="退出登录").wait_for(timeout=10000)
        shot(page, shots / "12-settings.png")
        _refused_reopen(page, server, store_file, shots)
        _estate_qr_and_an_answer_to_review(page, server, store_file, shots)

        # English, chosen in settings
        page.get_by_role("tab", name="设置").click()
        page.get_by_role("button", name="English").click()
        page.get_by_role("button", name="Sign out").wait_for(timeout=10000)
        shot(page, shots / "19-settings-en.png")
    except Exception:
        shot(page, shots / "failure.png")
        dump_semantics(page, shots / "failure-semantics.json")
        raise


def _staff_reopens_at_the_desk(db_path, concern_id: str) -> None:
    """Staff reopen a concern through the server's own push code while the server process is
    down (so the phone cannot get in first): the order of the two edits is then certain."""
    import datetime as dt

    from sqlalchemy import text

    from server.db.engine import open_engine
    from server.domain.push import apply_push
    from server.domain.tokens import load_principal
    from services.protocol import Mutation

    engine = open_engine(str(db_path))
    try:
        with engine.connect() as conn:
            staff_id = conn.execute(text("SELECT id FROM users WHERE username = 'staff'")).scalar()
            principal = load_principal(conn, staff_id)
        mutation = Mutation(
            id=uuid.uuid4(),
            type="concern.transition",
            entity_id=uuid.uuid4(),
            payload={"concern_id": concern_id, "to_status": "open", "note": "重新跟进"},
            created_at=dt.datetime.now(dt.UTC),
        )
        (result,) = apply_push(engine, principal, "e2e-staff-desk", [mutation])
        assert result["status"] == "applied", result
    finally:
        engine.dispose()


def _refused_reopen(page, server, store_file, shots) -> None:
    """A concern's detail with its history; the head reopens a resolved concern offline while
    staff already reopened it: the server refuses the head's move, and the sync screen says
    so."""
    with sqlite3.connect(store_file) as c:
        concern_id, status, description = c.execute(
            "SELECT id, status, json_extract(data, '$.description') FROM concerns"
            " WHERE status IN ('resolved', 'referred', 'closed') ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
    labels = {"resolved": "已解决", "referred": "已转办", "closed": "已关闭"}
    page.get_by_role("tab", name="诉求").click()
    page.get_by_role("button", name=labels[status]).first.click()
    tile = page.get_by_role("button", name=description).first  # this concern, not another
    tile.wait_for(timeout=10000)
    shot(page, shots / "13-concerns-finished.png")
    tile.click()
    page.get_by_text("处理经过").wait_for(timeout=10000)
    shot(page, shots / "14-concern-detail.png")

    server.stop()
    _staff_reopens_at_the_desk(server.db_path, concern_id)
    page.get_by_role("button", name="改为：待处理").click()
    page.get_by_text("待上传").first.wait_for(timeout=10000)
    server.start()
    page.get_by_role("button", name="返回").first.click()
    page.get_by_role("tab", name="同步").click()
    page.get_by_role("button", name="立即同步").click()

    def refused():
        with sqlite3.connect(store_file) as c:
            return c.execute(
                "SELECT count(*) FROM outbox WHERE type = 'concern.transition'"
                " AND state = 'rejected'"
            ).fetchone()[0]

    poll(refused, 30, "the server to refuse the reopen")
    page.get_by_text("修改后重发").first.wait_for(timeout=15000)
    shot(page, shots / "15-sync-rejected.png")


def _on_server_resident(server) -> bool:
    with sqlite3.connect(server.db_path, timeout=30) as c:
        return bool(c.execute("SELECT count(*) FROM residents WHERE name = '钱秀英'").fetchone()[0])


#: A resident's answer to the elderly-care questionnaire (the household's address added).
ELDERLY_CARE_ANSWER = {
    "name": "钱秀英",
    "age": "78",
    "lives_alone": "yes",
    "health": "fair",
    "needs": "meals",
    "phone": "13912345678",
}


def _submit_form(url: str, answers: dict[str, str]) -> None:
    """A resident fills the public form the QR leads to (plain HTML form, no JavaScript)."""
    import re

    import httpx

    with httpx.Client(timeout=10, follow_redirects=False) as http:
        form = http.get(url)
        assert form.status_code == 200, form.status_code
        token = re.search(r'name="_token" value="([^"]+)"', form.text).group(1)
        sent = http.post(url, data={"_token": token, **answers})
        assert sent.status_code == 303, sent.text[:500]


def _estate_qr_and_an_answer_to_review(page, server, store_file, shots) -> None:
    """From the home screen's estate card to the estate page and its questionnaire QR; a
    resident answers that form; after a sync the answer waits in the review list."""
    from services.qr import questionnaire_url

    with sqlite3.connect(store_file) as c:
        estate_id, estate_name = c.execute(
            "SELECT id, json_extract(data, '$.name') FROM estates ORDER BY 2 LIMIT 1"
        ).fetchone()
        address = c.execute(
            "SELECT address FROM households WHERE estate_id = ? ORDER BY address LIMIT 1",
            (estate_id,),
        ).fetchone()[0]
    page.get_by_role("tab", name="首页").click()
    page.get_by_role("button", name=estate_name).first.click()
    page.get_by_role("button", name="出示问卷二维码").wait_for(timeout=10000)
    shot(page, shots / "16-estate.png")
    page.get_by_role("button", name="出示问卷二维码").click()
    page.get_by_role("button", name="老年人关爱需求").first.click()
    page.get_by_text("关闭").first.wait_for(timeout=10000)
    shot(page, shots / "17-qr.png")
    page.get_by_role("button", name="关闭").click()
    page.get_by_role("button", name="返回").first.click()

    _submit_form(
        questionnaire_url(server.url, "elderly-care", estate_id),
        {"address": address, **ELDERLY_CARE_ANSWER},
    )
    page.get_by_role("tab", name="同步").click()
    page.get_by_role("button", name="立即同步").click()

    def arrived():
        with sqlite3.connect(store_file) as c:
            return c.execute("SELECT count(*) FROM questionnaire_responses").fetchone()[0]

    poll(arrived, 30, "the answer to reach the phone")
    page.get_by_role("tab", name="首页").click()
    page.get_by_role("button", name="份扫码问卷答复待处理").first.click()
    page.get_by_role("button", name="登记为居民").first.wait_for(timeout=10000)
    shot(page, shots / "18-review.png")

    # one tap: the answer becomes a resident of that household, and leaves the list
    page.get_by_role("button", name="登记为居民").first.click()
    page.get_by_role("button", name="保存").wait_for(timeout=10000)
    shot(page, shots / "18b-review-resident.png")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("没有待处理的问卷答复。").wait_for(timeout=10000)

    poll(lambda: _on_server_resident(server), 30, "the new resident on the server")
    page.get_by_role("button", name="返回").first.click()
