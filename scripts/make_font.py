"""Regenerate the app's CJK font subset: ``python scripts/make_font.py``.

Flet's offline web mode has no system fonts, so Chinese renders as empty boxes unless the app
ships a font. The full Noto Sans CJK SC is ~16 MB per weight; this keeps only what the app can
show: ASCII and Latin-1, general and CJK punctuation, full-width forms, every hanzi of GB2312
(levels 1 and 2, ~6,700 characters, which covers residents' names), and every CJK character
that appears in the app's catalogue and in the server's demo seed sources.

Needs Debian's ``fonts-noto-cjk`` (``/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc``)
and fonttools. The output is committed, so a machine without the source font still runs the app.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUTPUT = ROOT / "assets" / "fonts" / "NotoSansSC-Subset.otf"
FAMILY_NAME = "Noto Sans CJK SC"
# Source files whose CJK characters must all render (catalogue, seed names, checklists).
SCANNED_DIRS = ("app", "components", "server/domain", "assets/questionnaires")
# OpenType features whose glyphs the app never shows (see make_font).
UNUSED_FEATURES = {"locl", "vert", "vrt2", "vkrn", "vhal", "vpal"}


def gb2312_chars() -> set[str]:
    """Every character GB2312 encodes (symbols rows A1-A9, hanzi rows B0-F7)."""
    chars: set[str] = set()
    for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def base_chars() -> set[str]:
    ranges = [
        (0x20, 0x7E),  # ASCII
        (0xA0, 0xFF),  # Latin-1 (·, ×, °)
        (0x2000, 0x206F),  # general punctuation (— … “ ”)
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed numbers ①
        (0x25A0, 0x25FF),  # geometric shapes
        (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」)
        (0xFF00, 0xFFEF),  # full-width forms (，：？（）)
    ]
    return {chr(c) for lo, hi in ranges for c in range(lo, hi + 1)}


def scanned_chars(root: pathlib.Path = ROOT) -> set[str]:
    """Non-ASCII characters used in the app's and the seed's sources and data files."""
    chars: set[str] = set()
    for rel in SCANNED_DIRS:
        base = root / rel
        if not base.exists():
            continue
        for path in base.rglob("*"):
            if path.suffix not in {".py", ".json", ".yaml", ".yml", ".txt", ".csv"}:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            chars.update(ch for ch in text if ord(ch) > 0x7F)
    return chars


def source_font_index(source: pathlib.Path) -> int:
    collection = TTCollection(str(source), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(4) == FAMILY_NAME:
            return i
    raise SystemExit(f"{FAMILY_NAME!r} not found in {source}")


def make_font(source: pathlib.Path = SOURCE, output: pathlib.Path = OUTPUT) -> int:
    """Write the subset font; return the number of characters asked for."""
    if not source.exists():
        raise SystemExit(f"source font missing: {source} (apt-get install fonts-noto-cjk)")
    wanted = gb2312_chars() | base_chars() | scanned_chars()
    options = subset.Options()
    options.font_number = source_font_index(source)
    # fontTools' default features, less the other regions' glyph forms (locl: Japanese,
    # Korean, traditional shapes) and vertical writing: the app sets Simplified Chinese
    # horizontally, and those variants were half the file (3.0 MB -> 1.6 MB, same characters)
    options.layout_features = [f for f in options.layout_features if f not in UNUSED_FEATURES]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False  # Flutter does its own rasterising; hints are dead weight
    options.desubroutinize = False
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted])
    subsetter.subset(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(output), options)
    return len(wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=pathlib.Path, default=SOURCE)
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT)
    args = parser.parse_args(argv)
    n = make_font(args.source, args.output)
    size = args.output.stat().st_size
    print(f"{args.output}: {n} characters asked for, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
