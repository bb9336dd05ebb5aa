"""The catalogue is complete: every literal key the app uses exists, in both languages, and
every character of it is in the shipped font."""

from __future__ import annotations

import re
from pathlib import Path

from app.i18n import CATALOGUE, LANGUAGES, Translator

ROOT = Path(__file__).resolve().parents[2]
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_][a-z0-9_.]*)["']""")


def test_every_literal_key_used_in_the_app_exists():
    used = set()
    for path in (ROOT / "app").rglob("*.py"):
        if path.name != "i18n.py":  # its docstring shows the call shape
            used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    used = {k for k in used if not k.endswith(".")}  # prefixes completed at run time
    assert used, "scan found keys"
    missing = sorted(k for k in used if k not in CATALOGUE)
    assert not missing, missing


def test_every_entry_has_both_languages_and_formats_alike():
    fields = re.compile(r"{(\w+)}")
    for key, entry in CATALOGUE.items():
        assert set(entry) >= set(LANGUAGES), key
        assert set(fields.findall(entry["zh"])) == set(fields.findall(entry["en"])), key


def test_chinese_is_the_default_and_english_selectable():
    assert Translator()("nav.home") == "首页"
    assert Translator("en")("nav.home") == "Home"
    assert Translator("xx")("nav.home") == "首页"


def test_every_catalogue_character_is_in_the_shipped_font():
    from fontTools.ttLib import TTFont

    font = TTFont(ROOT / "assets" / "fonts" / "NotoSansSC-Subset.otf")
    cmap = font.getBestCmap()
    chars = {ch for entry in CATALOGUE.values() for text in entry.values() for ch in text}
    missing = sorted(ch for ch in chars if ord(ch) not in cmap and not ch.isspace())
    assert not missing, "".join(missing)
