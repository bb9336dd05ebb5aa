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
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "components").rglob("*.py")]:
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


def _missing(keys) -> list[str]:
    return sorted(k for k in keys if k not in CATALOGUE)


def test_keys_made_at_run_time_exist_for_every_value_they_can_take():
    """Screens build some keys from data (``t(f"status.{s}")``): every value the protocol,
    the engine or the app can hand them has an entry, so no raw key reaches a person."""
    from typing import get_args

    from app.chrome import TABS
    from app.concern_dialog import KINDS
    from app.office.period import PERIODS
    from app.screens.member import GENDERS, REMOVE_REASONS, VACCINATIONS
    from app.screens.sync import EDITABLE_FIELDS
    from app.screens.visit import FOLLOW_UPS
    from services import protocol as P
    from services.http import SyncError
    from services.sendable import UNSENDABLE

    expected = (
        {f"nav.{tab}" for tab in TABS}
        | {f"status.{s}" for s in P.CONCERN_STATUSES}
        | {f"kind.{k}" for k in KINDS + get_args(P.ConcernKind)}
        | {f"concern.cat.{key}" for key in P.CONCERN_CATEGORIES.values()}
        | {f"method.{m}" for m in get_args(P.VisitMethod)}
        | {f"gender.{g}" for g in get_args(P.Gender)}
        | {f"vacc.{v}" for v in get_args(P.Vaccination) if v != "unknown"}
        | {f"flag.{f}" for f in P.RESIDENT_FLAGS}
        | {"flag.aged_60"}
        | {f"settings.role.{r}" for r in P.ROLES}
        | {f"mutation.{m}" for m in P.PHONE_MUTATION_TYPES}
        | {f"reject.{code}" for code in (*P.REJECT_CODES, UNSENDABLE)}
        | {
            f"review.outcome.{o}"
            for o in get_args(P.QuestionnaireReview.model_fields["outcome"].annotation)
        }
        | {f"event.{a}" for a in P.CONCERN_EVENT_ACTIONS}
        | {f"callback.{o}" for o in P.CALLBACK_OUTCOMES}
        | {f"decision.{d}" for d in P.REVIEW_DECISIONS}
        | {f"office.period.{p}" for p in PERIODS}
        | {f"meeting.status.{s}" for s in ("open", "closed")}
        | {f"field.{f}" for fields in EDITABLE_FIELDS.values() for f in fields}
        | {f"visit.follow_{code}" for code, days in FOLLOW_UPS}
        | {f"member.{r}" for r in REMOVE_REASONS}
        | {f"vacc.{v}" for v in VACCINATIONS}
        | {f"gender.{g}" for g in GENDERS}
        | {
            f"sync.err.{kind}"
            for kind in SyncError.TRANSIENT
            | {"auth", "gone", "bad_request", "too_large", "protocol", "cancelled", "internal"}
        }
        | {
            f"login.err.{k}"
            for k in ("bad_credentials", "rate_limited", "busy", "network", "server")
        }
    )
    assert not _missing(expected)


def test_no_user_text_outside_the_catalogue():
    """No Chinese literal in the app's or the components' code outside the catalogue
    (comments and docstrings aside); components take their words from the caller."""
    import ast

    cjk = re.compile(r"[\u4e00-\u9fff]")
    offenders = []
    for base in ("app", "components"):
        for path in (ROOT / base).rglob("*.py"):
            if path.name in ("i18n.py", "demo.py"):  # demo.py prints to a console, not the app
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(
                    node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef
                )
                and node.body
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
            }
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docstrings
                    and cjk.search(node.value)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not offenders, offenders
