"""The questionnaire editor's model, apart from its layout: a definition as the form edits it
(one dict per question, options as lines of text) and back, and the server's refusal put next
to the question it is about.

The server validates (``PUT /admin/questionnaires/{slug}``, the same rules as the
``import-questionnaires`` command); the form only turns what was typed into a definition and
refuses what it cannot turn (a min that is not a number), so one rule is never written twice.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, get_args

from services.protocol import QuestionType

#: question types, as the protocol names them
TYPES: tuple[str, ...] = get_args(QuestionType)
#: the types whose answers are picked from options (the server refuses options elsewhere)
CHOICE_TYPES = ("choice", "multi_choice")
#: what separates an option's value, Chinese and English label on its line
OPTION_SEP = "|"


def blank_question(n: int) -> dict[str, Any]:
    """A new question: a yes/no question keyed q{n}."""
    return {
        "key": f"q{n}",
        "type": "yes_no",
        "label": {"zh": "", "en": ""},
        "required": False,
        "options": [],
    }


def options_text(options: list[dict]) -> str:
    """Options as the form shows them: ``value | 中文 | English``, one a line."""
    lines = []
    for o in options:
        label = o.get("label") or {}
        parts = [o.get("value", ""), label.get("zh", "")]
        if label.get("en"):
            parts.append(label["en"])
        lines.append(f" {OPTION_SEP} ".join(parts))
    return "\n".join(lines)


def parse_options(text: str) -> list[dict]:
    """Lines of ``value | 中文 | English`` (English optional; a line with only a label uses
    it as the value too) as options; blank lines skipped."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(OPTION_SEP)]
        value, zh = (parts[0], parts[1]) if len(parts) > 1 else (parts[0], parts[0])
        out.append({"value": value, "label": {"zh": zh, "en": parts[2] if len(parts) > 2 else ""}})
    return out


class NotANumber(ValueError):
    """A min or max that is not a finite number."""


def parse_bound(text: str | None) -> float | int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise NotANumber(text) from None
    if not math.isfinite(value):
        raise NotANumber(text)
    return int(value) if value.is_integer() else value


def question_of(
    base: dict,
    *,
    key: str,
    qtype: str,
    label_zh: str,
    label_en: str,
    required: bool,
    options: str,
    low: str | None,
    high: str | None,
) -> dict[str, Any]:
    """One question from the form's fields, keeping what the form does not show (help, the
    concern category). Raises NotANumber for a bad min or max."""
    q = {k: v for k, v in base.items() if k in ("help", "concern_category")}
    q.update(
        key=key.strip(),
        type=qtype,
        label={"zh": label_zh.strip(), "en": label_en.strip()},
        required=bool(required),
        options=parse_options(options) if qtype in CHOICE_TYPES else [],
    )
    if qtype == "number":
        for name, text in (("min", low), ("max", high)):
            value = parse_bound(text)
            if value is not None:
                q[name] = value
    return q


@dataclasses.dataclass(frozen=True)
class Problems:
    """The server's refusal split by where it belongs: per question index, and the rest."""

    general: list[str]
    by_question: dict[int, list[str]]


_AT_QUESTION = re.compile(r"^body\.questions\.(\d+)(?:\.(.+))?$")
_NAMED_QUESTION = re.compile(r"question '([^']+)'")


def place_problems(detail: str, keys: list[str]) -> Problems:
    """The server's 422 sentence (``body.questions.2.key: ...; body: question 'x' ...``)
    placed at the questions it names, by position or by key."""
    general: list[str] = []
    by_question: dict[int, list[str]] = {}
    for part in (p.strip() for p in (detail or "").split("; ")):
        if not part:
            continue
        where, _, what = part.partition(": ")
        at = _AT_QUESTION.match(where)
        if at and what:
            field = at.group(2)
            by_question.setdefault(int(at.group(1)), []).append(
                f"{field}: {what}" if field else what
            )
            continue
        named = _NAMED_QUESTION.search(part)
        if named and named.group(1) in keys:
            by_question.setdefault(keys.index(named.group(1)), []).append(what or part)
            continue
        general.append(part.removeprefix("body."))
    return Problems(general, by_question)
