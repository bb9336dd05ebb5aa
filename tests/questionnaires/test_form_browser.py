"""The public form in a real browser (headless Chromium, JavaScript OFF, a 360 px wide phone),
against the real server process: it lays out without sideways scrolling, its inline style is
allowed by its own CSP, a resident can fill it in and submit, and lands on the thank-you page.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.async_api import async_playwright

from tests.questionnaires.conftest import response_count
from tests.services.serverproc import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(db_path):
    proc = ServerProcess(db_path).start()
    yield proc
    proc.stop()


async def test_resident_fills_in_the_form_on_a_small_phone_without_javascript(
    server, place, engine
):
    csp_errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"))
        context = await browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False, is_mobile=True
        )
        page = await context.new_page()
        page.on(
            "console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else None
        )
        await page.goto(f"{server.url}/q/resident-info?e={place.estate_id}&h={place.household_id}")
        assert await page.title() == "居民信息登记 · 胡巷社区"
        # laid out for the phone: nothing wider than the screen, the style applied
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        button_bg = await page.evaluate(
            "getComputedStyle(document.querySelector('button')).backgroundColor"
        )
        assert button_bg == "rgb(200, 16, 46)"

        await page.fill("#f-address", "3幢2单元401室")
        await page.fill("#f-name", "王秀英")
        await page.fill("#f-phone", "138 1234 567")  # one digit short
        await page.fill("#f-people_count", "3")
        await page.check("input[name=has_elderly][value=yes]")
        await page.click("button[type=submit]")
        assert "请填写 11 位手机号码" in await page.content()
        assert await page.input_value("#f-name") == "王秀英"  # kept
        assert response_count(engine) == 0

        await page.fill("#f-phone", "138 1234 5678")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/q/resident-info/thanks")
        assert "提交成功" in await page.content()
        await browser.close()
    assert response_count(engine) == 1
    assert csp_errors == []
