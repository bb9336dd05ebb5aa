"""Layout read from Flutter's semantics tree (the accessibility DOM, once semantics are on):
every control a finger can tap is at least 48x48 px, has a name a screen reader can say, and
can be brought fully onto the screen by scrolling (none lies outside the page's scroll
extent, none off its sides); scrolled to the end, no control lies under another (a floating
button over the last row).

A node that a scrolling view cuts at its edge reports only its visible part, so the screen is
scrolled from top to bottom and each node keeps the largest size it showed."""

from __future__ import annotations

from dataclasses import dataclass

MIN_TARGET = 48
#: Height of the app bar: content scrolled under it is hidden by design, not covered.
TOP_BAR = 56
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

#: Pairs of tappable nodes (neither inside the other) whose boxes overlap by more than a few
#: pixels each way: one hides part of the other from the finger and the eye.
_OVERLAPS = """
([ids, bar]) => {
  // the top bar's controls stay put while the content scrolls under them
  const els = ids.map(id => document.getElementById(id))
    .filter(e => e && e.getBoundingClientRect().bottom > bar);
  const out = [];
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      const a = els[i], b = els[j];
      if (a.contains(b) || b.contains(a)) continue;
      // a field's own buttons (show the password) sit inside it
      if (a.querySelector(':scope > input') || b.querySelector(':scope > input')) continue;
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 4 && h > 4) out.push([a.id, b.id]);
    }
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
    ids = [node_id for node_id, _ in before]
    overlaps = page.evaluate(_OVERLAPS, [ids, TOP_BAR]) if reached_end else []
    page.mouse.wheel(0, -step_px * (max_steps + 2))
    page.wait_for_timeout(300)
    problems = []
    for s in seen.values():
        label = f"{s.role} {s.name!r}"
        if s.width < MIN_TARGET - 0.5 or s.height < MIN_TARGET - 0.5:
            problems.append(f"{label} is {s.width:.0f}x{s.height:.0f} px")
        if not s.name:
            problems.append(f"{s.role} at {s.width:.0f}x{s.height:.0f} px has no name to say")
        if reached_end and not s.fully_shown:
            problems.append(f"{label} never comes fully onto the screen")
    for a, b in overlaps:
        sa, sb = seen[a], seen[b]
        problems.append(f"{sa.role} {sa.name!r} and {sb.role} {sb.name!r} overlap at the end")
    return problems


#: The page's root font size, which Flutter web follows as the phone's text scale.
_ROOT_FONT = "(size) => { document.documentElement.style.fontSize = size; }"
#: Narrower than this, a button is an icon (48 px) that rightly keeps its size.
_ICON_WIDTH = 64
#: The bottom navigation bar and a floating button's margin: a node lower than this may be
#: cut by the scrolling view's edge, and then reports only the part it shows.
BOTTOM_CHROME = 100


def _settled_nodes(page, *, deadline_ms: int = 5000) -> dict[str, dict]:
    """The tappable nodes once two reads 200 ms apart agree (the relayout after a change of
    text size has finished)."""
    previous = None
    waited = 0
    while True:
        nodes = {n["id"]: n for n in page.evaluate(_NODES, list(TAPPABLE_ROLES))}
        shape = {k: (round(n["y"]), round(n["h"])) for k, n in nodes.items()}
        if shape == previous or waited >= deadline_ms:
            return nodes
        previous = shape
        page.wait_for_timeout(200)
        waited += 200


def labels_cut_by_fixed_height(page, *, large: str = "130%") -> list[str]:
    """Buttons with a text label that do not grow when the phone's text grows: a button held
    to a fixed height cuts its label at a large text size. The screen is read at the
    standard size and at ``large`` (the root font size left at ``large`` afterwards). Only
    buttons wholly inside the scrolling area both times count: the top bar holds its
    controls to its own height, and a node cut by the view's edge reports what it shows."""
    vh = page.viewport_size["height"]

    def inside(n: dict) -> bool:
        return n["y"] >= TOP_BAR - 0.5 and n["y"] + n["h"] <= vh - BOTTOM_CHROME

    page.evaluate(_ROOT_FONT, "")
    standard = _settled_nodes(page)
    page.evaluate(_ROOT_FONT, large)
    grown = _settled_nodes(page)
    problems = []
    for node_id, n in grown.items():
        before = standard.get(node_id)
        if before is None or n["role"] != "button" or not n["name"]:
            continue
        if before["w"] < _ICON_WIDTH or not (inside(before) and inside(n)):
            continue
        if n["h"] <= before["h"] + 0.5:
            problems.append(
                f"button {n['name']!r} stays {n['h']:.0f} px tall as the text grows: its label is cut"
            )
    return problems
