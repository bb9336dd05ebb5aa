"""Checking a submitted questionnaire form, field by field.

``check_answers(questions, form)`` takes the questions and the raw form (each field name to
the list of strings the browser sent) and returns the typed answers plus, per question key,
an error code. Codes, not sentences: the page turns them into words from its catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.protocol import MAX_ANSWER_NUMBER, Question, text_limit, text_problem

_PHONE_SEPARATORS = re.compile(r"[\s\-－—()（）+]")
#: ASCII digits only (``\d`` takes any script's): what is stored is what a dialer and a search read
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# 3-2-401, 3幢2单元401室, 12号楼1单元1202, A-1-101, 3/2/401 (full-width digits are folded first)
_BUR = re.compile(
    r"^\s*([0-9A-Za-z]{1,4})\s*(?:-|－|—|/|幢|栋|号楼|号|座)\s*"
    r"([0-9A-Za-z]{1,3})\s*(?:-|－|—|/|单元)\s*"
    r"([0-9A-Za-z]{1,5})\s*(?:室|号)?\s*$"
)


@dataclass
class CheckResult:
    answers: dict[str, Any] = field(default_factory=dict)
    #: question key -> error code (required, too_long, not_a_number, too_small, too_large,
    #: not_an_integer, bad_phone, bad_address, bad_choice, invalid: text no store can hold)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _fold_width(s: str) -> str:
    """Full-width ASCII (common from Chinese IMEs) to half-width."""
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in s)


def normalise_phone(raw: str) -> str | None:
    """An 11-digit mainland mobile number, or None if it is not one (+86 prefix allowed)."""
    digits = _PHONE_SEPARATORS.sub("", _fold_width(raw))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE.match(digits) else None


def normalise_address(raw: str) -> str | None:
    """``building-unit-room`` (``3-2-401``) from the usual ways of writing it, or None."""
    m = _BUR.match(_fold_width(raw))
    if not m:
        return None
    return "-".join(part.upper() for part in m.groups())


def _number(q: Question, raw: str) -> tuple[Any, str | None]:
    text = _fold_width(raw).strip()
    try:
        value = float(text)
    except ValueError:
        return None, "not_a_number"
    if value != value or abs(value) > MAX_ANSWER_NUMBER:  # NaN, infinities, 1e999
        return None, "not_a_number"
    if q.min is not None and value < q.min:
        return None, "too_small"
    if q.max is not None and value > q.max:
        return None, "too_large"
    # bounds given as whole numbers ask for a whole number (people, age, cars)
    whole_bounds = all(b is None or float(b).is_integer() for b in (q.min, q.max))
    if value.is_integer():
        return int(value), None
    if whole_bounds and (q.min is not None or q.max is not None):
        return None, "not_an_integer"
    return value, None


def check_answers(questions: Sequence[Question], form: Mapping[str, Sequence[str]]) -> CheckResult:
    """Validate every question against the form; unknown form fields are ignored."""
    result = CheckResult()
    for q in questions:
        raw_values = [v for v in form.get(q.key, []) if isinstance(v, str)]
        if q.type == "multi_choice":
            picked = [v.strip() for v in raw_values if v.strip()]
            allowed = {o.value for o in q.options}
            if any(v not in allowed for v in picked):
                result.errors[q.key] = "bad_choice"
            elif not picked:
                if q.required:
                    result.errors[q.key] = "required"
            else:
                # keep the definition's order, each once
                result.answers[q.key] = [o.value for o in q.options if o.value in picked]
            continue
        raw = raw_values[0].strip() if raw_values else ""
        if not raw:
            if q.required:
                result.errors[q.key] = "required"
            continue
        if len(raw) > text_limit(q):
            result.errors[q.key] = "too_long"
            continue
        if text_problem(raw):
            result.errors[q.key] = "invalid"
            continue
        value: Any
        error: str | None = None
        if q.type == "text":
            value = raw
        elif q.type == "number":
            value, error = _number(q, raw)
        elif q.type == "yes_no":
            value = {"yes": True, "no": False}.get(raw)
            error = None if value is not None else "bad_choice"
        elif q.type == "choice":
            value = raw
            error = None if raw in {o.value for o in q.options} else "bad_choice"
        elif q.type == "phone":
            value = normalise_phone(raw)
            error = None if value else "bad_phone"
        elif q.type == "building_unit_room":
            value = normalise_address(raw)
            error = None if value else "bad_address"
        else:  # a type this server does not know: refuse rather than store unchecked text
            value, error = None, "bad_choice"
        if error:
            result.errors[q.key] = error
        else:
            result.answers[q.key] = value
    return result
