"""The pager: pages from Python, and a failing store shows the error state, not a crash."""

import flet as ft

from app.paging import Pager


def _texts(control) -> list[str]:
    out = []

    def walk(c):
        if isinstance(c, ft.Text) and isinstance(c.value, str):
            out.append(c.value)
        for name in ("controls", "content"):
            child = getattr(c, name, None)
            for x in child if isinstance(child, list) else [child] if child else []:
                walk(x)

    walk(control)
    return out


def _pager(fetch, count) -> Pager:
    return Pager(
        fetch=fetch,
        count=count,
        render=lambda row: ft.Text(row["name"]),
        empty=lambda: ft.Text("nothing"),
        more_label="more",
        error_label="could not load",
        page_size=2,
    )


def test_reload_builds_one_page_and_offers_more():
    rows = [{"id": i, "name": f"r{i}"} for i in range(5)]
    pager = _pager(lambda off, lim: rows[off : off + lim], lambda: len(rows))
    pager.reload()
    assert [c.value for c in pager.items.controls] == ["r0", "r1"]
    assert pager.total == 5 and pager.more.visible


def test_a_failing_store_shows_the_error_state_and_no_rows():
    rows = [{"id": 1, "name": "r1"}]
    fail = {"now": False}

    def count():
        if fail["now"]:
            raise RuntimeError("database is locked")
        return len(rows)

    pager = _pager(lambda off, lim: rows[off : off + lim], count)
    pager.reload()
    fail["now"] = True
    pager.reload()
    assert pager.total == 0 and pager.loaded == 0 and not pager.more.visible
    assert "could not load" in _texts(pager.items)
    assert "r1" not in _texts(pager.items)
