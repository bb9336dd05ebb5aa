"""Screenshots compared with committed reference images, with a tolerance for font
antialiasing noise.

A screen is captured once it has stopped changing (two captures in a row agree), then
compared pixel by pixel with ``tests/e2e/reference/<name>.png``: a pixel differs when one of
its colour channels is off by more than ``PIXEL_DELTA``, and the screen matches when at most
``MAX_DIFFERING`` of its pixels differ. On a mismatch the actual image and a diff (the
reference faded, differing pixels in red) go to ``test-output/screenshots/``.

``XIANGLIN_UPDATE_SCREENSHOTS=1`` (``scripts/update-screenshots.sh``) writes the references
instead. References are kept as 256-colour PNGs to stay small; the per-pixel tolerance
absorbs the palette's rounding.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from PIL import Image, ImageChops

from tests.services.serverproc import REPO

REFERENCE = Path(__file__).resolve().parent / "reference"
OUTPUT = REPO / "test-output" / "screenshots"
UPDATE = os.environ.get("XIANGLIN_UPDATE_SCREENSHOTS") == "1"

#: A colour channel off by up to this much is antialiasing or palette rounding, not a change.
PIXEL_DELTA = 48
#: Share of a screen's pixels allowed to differ (a text cursor, a glyph's subpixel shift).
MAX_DIFFERING = 0.0008
#: Where the mouse rests while capturing: the middle of the title bar, over nothing that
#: reacts to hovering (a corner would sit on the back arrow and show its tooltip).
REST = (206, 20)


def differing_pixels(a: Image.Image, b: Image.Image) -> Image.Image:
    """A 1-bit mask of the pixels where ``a`` and ``b`` differ beyond ``PIXEL_DELTA``."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    r, g, b_ = diff.split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    return worst.point(lambda v: 255 if v > PIXEL_DELTA else 0).convert("1")


def count_differing(a: Image.Image, b: Image.Image) -> int:
    if a.size != b.size:
        return a.size[0] * a.size[1]
    return differing_pixels(a, b).histogram()[255]


def _allowed(img: Image.Image) -> int:
    return int(img.size[0] * img.size[1] * MAX_DIFFERING)


def capture(page, *, mask: list | None = None, settle: float = 8.0) -> Image.Image:
    """The screen once it has stopped changing: captures 300 ms apart until three in a row
    agree (page transitions, ripples and toasts finish, and a browser slowed by a busy
    machine catches up; a blinking cursor is within the tolerance)."""
    page.mouse.move(*REST)
    mask = mask or []
    end = time.monotonic() + settle
    page.wait_for_timeout(400)  # the frame after the last action
    same = 0
    previous = None
    while True:
        shot = Image.open(io.BytesIO(page.screenshot(mask=mask, mask_color="#FF00FF")))
        shot = shot.convert("RGB")
        if previous is not None and count_differing(previous, shot) <= _allowed(shot):
            same += 1
            if same == 2:
                return shot
        else:
            same = 0
        if time.monotonic() > end:
            return shot
        previous = shot
        page.wait_for_timeout(300)


def _store(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=256).save(path, optimize=True)


def _diff_image(reference: Image.Image, actual: Image.Image) -> Image.Image:
    faded = Image.blend(reference.convert("RGB"), Image.new("RGB", reference.size, "white"), 0.7)
    red = Image.new("RGB", reference.size, (230, 0, 0))
    return Image.composite(red, faded, differing_pixels(reference, actual))


def check(img: Image.Image, name: str) -> str | None:
    """Compare with the reference (or write it when updating); a sentence on a mismatch."""
    ref_path = REFERENCE / f"{name}.png"
    if UPDATE:
        _store(img, ref_path)
        return None
    if not ref_path.exists():
        OUTPUT.mkdir(parents=True, exist_ok=True)
        img.save(OUTPUT / f"{name}-actual.png")
        return f"{name}: no reference image (run scripts/update-screenshots.sh)"
    reference = Image.open(ref_path).convert("RGB")
    n = count_differing(reference, img)
    if n <= _allowed(img):
        return None
    OUTPUT.mkdir(parents=True, exist_ok=True)
    img.save(OUTPUT / f"{name}-actual.png")
    if reference.size == img.size:
        _diff_image(reference, img).save(OUTPUT / f"{name}-diff.png")
        return f"{name}: {n} pixels differ (allowed {_allowed(img)}); see {name}-diff.png"
    return f"{name}: size {img.size} differs from the reference's {reference.size}"
