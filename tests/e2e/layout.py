"""Layout read from Flutter's semantics tree (the accessibility DOM, once semantics are on):
every control a finger can tap is at least 48x48 px, and every one can be brought fully onto
the screen by scrolling (none lies outside the page's scroll extent, none off its sides).

A node that a scrolling view cuts at its edge reports only its visible part, so the screen is
scrolled from top to bottom and each node keeps the largest size it showed."""

from __future__ import annotations

from dataclasses import dataclass

MIN_TARGET = 48
#: Roles a finger taps (Flutter web marks each tappable node ``flt-tappable`` as well).
TAPPABLE_ROLES = ("button", "checkbox", "radio", "link", "tab", "switch", "combobox", "menuitem")

_NODES = """
(roles) => {
  const out = [];
  for (const e of document.querySelectorAll('flt-semantics')) {
    const input = e.querySelector(':scope > input, :scope > textarea');
    const role = input ? 'textbox' : e.getAttribute('role');
    if (!input && !roles.includes(role) && !e.hasAttribute('flt-tappable')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const name = (input && input.getAttribute('aria-label')) || e.getAttribute('aria-label')
      || e.innerText || '';
    out.push({id: e.id, role: role || 'tappable', name: name.trim().slice(0, 40),
              x: r.x, y: r.y, w: r.width, h: r.height});
  }
  return out;
}
"""


@dataclass
class Seen:
    role: str
    name: str
    width: float = 0.0
    height: float = 0.0
    fully_shown: bool = False


def _step(page, seen: dict[str, Seen]) -> tuple:
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    nodes = page.evaluate(_NODES, list(TAPPABLE_ROLES))
    for n in nodes:
        s = seen.setdefault(n["id"], Seen(n["role"], n["name"]))
        s.name = s.name or n["name"]
        s.width, s.height = max(s.width, n["w"]), max(s.height, n["h"])
        inside = n["x"] >= -0.5 and n["y"] >= -0.5
        inside = inside and n["x"] + n["w"] <= vw + 0.5 and n["y"] + n["h"] <= vh + 0.5
        s.fully_shown = s.fully_shown or inside
    return tuple((n["id"], round(n["y"])) for n in nodes)


def layout_problems(page, *, max_steps: int = 12, step_px: int = 500) -> list[str]:
    """Scroll the screen top to bottom (at most ``max_steps`` wheel turns) and list every
    tappable control smaller than 48x48 px or never fully on screen; then scroll back."""
    seen: dict[str, Seen] = {}
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    page.mouse.move(vw / 2, vh / 2)
    before = _step(page, seen)
    reached_end = False
    for _ in range(max_steps):
        page.mouse.wheel(0, step_px)
        page.wait_for_timeout(250)
        after = _step(page, seen)
        if after == before:
            reached_end = True
            break
        before = after
    page.mouse.wheel(0, -step_px * (max_steps + 2))
    page.wait_for_timeout(300)
    problems = []
    for s in seen.values():
        label = f"{s.role} {s.name!r}"
        if s.width < MIN_TARGET - 0.5 or s.height < MIN_TARGET - 0.5:
            problems.append(f"{label} is {s.width:.0f}x{s.height:.0f} px")
        if reached_end and not s.fully_shown:
            problems.append(f"{label} never comes fully onto the screen")
    return problems
