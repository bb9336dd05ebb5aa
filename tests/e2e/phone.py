"""Driving the phone app in Chromium like a person: open it at phone size, tap, type, take
screenshots, and read Flutter's semantics tree (the accessibility DOM) when a locator fails."""

from __future__ import annotations

import json
import time

PHONE = {"width": 412, "height": 915}


def open_page(browser, url, *, viewport: dict | None = None, init_script: str | None = None):
    """A fresh browser context (no stored login) at phone size, with semantics on;
    ``init_script`` runs in every document before the app's own scripts."""
    context = browser.new_context(viewport=viewport or PHONE)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("flutter-view", timeout=30000)
    # turn on Flutter's semantics tree so widgets become ARIA elements
    page.locator("flt-semantics-placeholder").first.dispatch_event("click")
    return page


def focus(page, box):
    """Tap the field like a finger until the focused editing element sits over it (a tap
    during a page transition can land before the field is ready)."""
    # the field's own semantics <input> must be the focused element: a check by position
    # alone once let the previous field keep the focus, and select-all + backspace emptied it
    focused = "e => e === document.activeElement"
    for _ in range(20):
        bb = box.bounding_box()
        if bb is None:  # the semantics tree is replacing the element: its new one comes next
            page.wait_for_timeout(100)
            continue
        x, y = bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2
        height = page.viewport_size["height"]
        if not 60 < y < height - 100:  # off screen or under a bar: scroll like a thumb
            page.mouse.move(206, height / 2)
            page.mouse.wheel(0, y - height / 2)
            page.wait_for_timeout(300)
            continue
        # the element itself, not the locator: a search box's name (its hint) goes once typed
        field = box.element_handle(timeout=5000)
        page.mouse.click(x, y)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if field.evaluate(focused):
                return field
            page.wait_for_timeout(50)
        # a field focused before the semantics tree existed (autofocus) keeps Flutter's own
        # hidden editing element, and a tap on it changes nothing: let that element go and
        # give the field's semantics element the focus as a screen reader would
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        field.evaluate("e => e.focus()")
        page.wait_for_timeout(300)
        if field.evaluate(focused):
            return field
        # or Flutter's editing element took the keys for this very field: it lies over it
        editing = page.evaluate_handle("() => document.activeElement")
        over = editing.evaluate(
            "(e, b) => { if (!e.classList.contains('flt-text-editing')) return false;"
            " const r = e.getBoundingClientRect(); const x = r.x + r.width / 2,"
            " y = r.y + r.height / 2; return r.width > 0 && x > b.x && x < b.x + b.width"
            " && y > b.y && y < b.y + b.height; }",
            bb,
        )
        if over:
            return editing.as_element()
    active = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(f"could not focus the field; focused: {str(active)[:200]}")


def type_into(page, name, text: str) -> None:
    """Focus the field (``name``: its accessible name, or a locator), type, and check the
    text arrived whole (Flutter drops keystrokes that come before its editing element is
    ready); retype if not."""
    box = page.get_by_role("textbox", name=name) if isinstance(name, str) else name
    box.wait_for(timeout=15000)
    for _ in range(5):
        field = focus(page, box)
        page.wait_for_timeout(200)  # the editing element settles over the next frames
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.type(text, delay=30)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                if field.evaluate("(e, t) => e === document.activeElement && e.value === t", text):
                    return
            except Exception:  # the semantics tree replaced the element: type again
                break
            page.wait_for_timeout(50)
    raise AssertionError(f"could not type into {name!r}")


def sign_in(page, t, username: str) -> None:
    """Sign in with the demo password and skip setting a PIN; ``t`` is the app's translator
    for the language shown."""
    page.get_by_role("textbox", name=t("login.username")).wait_for(timeout=30000)
    type_into(page, t("login.username"), username)
    type_into(page, t("login.password"), "demo1234")
    page.get_by_role("button", name=t("login.submit")).click()
    page.get_by_role("button", name=t("pin.skip")).click(timeout=30000)


def sign_in_to_home(page, t, app, username: str = "head01"):
    """Sign in (the PIN skipped), wait for home, and give the path of the signed-in user's
    phone store."""
    sign_in(page, t, username)
    page.get_by_text(t("home.my_estates")).wait_for(timeout=60000)
    return phone_store(app.data_dir)


def open_administration(page, t, username: str = "staff") -> None:
    """Sign in (the PIN skipped) and open settings → 管理, the staff's administration."""
    sign_in(page, t, username)
    page.get_by_role("tab", name=t("nav.settings")).click(timeout=60000)
    page.get_by_text(t("admin.open")).click(timeout=30000)


def shot(page, path) -> None:
    page.wait_for_timeout(500)  # let the next frame paint before capturing
    page.screenshot(path=str(path))


def dump_semantics(page, path) -> None:
    """The accessibility tree as the test sees it (role, name, text), to see why a locator
    found nothing."""
    nodes = page.eval_on_selector_all(
        "flt-semantics",
        "els => els.map(e => [e.getAttribute('role'), e.getAttribute('aria-label'),"
        " e.innerText.slice(0, 80)])",
    )
    path.write_text(json.dumps(nodes, ensure_ascii=False, indent=0), encoding="utf-8")


def listen_for_announcements(page) -> None:
    """Record what the app announces to screen readers: Flutter's web engine puts each
    announcement in an aria-live element (``flt-announcement-*``) for a moment only."""
    page.evaluate(
        """() => {
            window.__announced = [];
            new MutationObserver((changes) => {
                for (const change of changes) {
                    const host = change.target.closest && change.target.closest(
                        "flt-announcement-polite, flt-announcement-assertive");
                    if (!host) continue;
                    for (const node of change.addedNodes) {
                        if (node.textContent) window.__announced.push(node.textContent);
                    }
                    if (change.type === "characterData" || change.type === "childList") {
                        if (host.textContent) window.__announced.push(host.textContent);
                    }
                }
            }).observe(document, {subtree: true, childList: true, characterData: true});
        }"""
    )


def announcements(page) -> list[str]:
    return page.evaluate("() => window.__announced || []")


def poll(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def phone_store(data_dir):
    files = list(data_dir.glob("store-*.sqlite"))
    assert len(files) == 1, files
    return files[0]
