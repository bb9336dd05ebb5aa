"""Reading a resident's questionnaire answer on the phone (no Flet): labelled lines for the
"to review" list, and what one tap can turn it into (a new resident, a concern).

Questionnaires and answers are the dicts the store keeps (``store.questionnaires()``,
``store.responses_to_review()``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_YES_NO = {"zh": ("是", "否"), "en": ("Yes", "No")}


def _text(label: Any, lang: str) -> str:
    if isinstance(label, dict):
        return (label.get(lang) or label.get("zh") or "") if lang == "en" else label.get("zh", "")
    return str(label or "")


def describe_answers(
    questionnaire: dict | None, answers: dict[str, Any], lang: str = "zh"
) -> list[tuple[str, str]]:
    """``[(question label, answer as words)]`` in the questionnaire's order: yes/no as 是/否,
    choices by their labels; keys the questionnaire does not know come last, as given."""
    questions = (questionnaire or {}).get("questions") or []
    lines: list[tuple[str, str]] = []
    seen = set()
    for q in questions:
        key = q.get("key")
        if key not in answers:
            continue
        seen.add(key)
        value = answers[key]
        labels = {o.get("value"): _text(o.get("label"), lang) for o in q.get("options") or []}
        if q.get("type") == "yes_no" and isinstance(value, bool):
            shown = _YES_NO["en" if lang == "en" else "zh"][0 if value else 1]
        elif isinstance(value, list):
            shown = "、".join(labels.get(v, str(v)) for v in value)
        elif q.get("type") == "choice":
            shown = labels.get(value, str(value))
        else:
            shown = str(value)
        lines.append((_text(q.get("label"), lang), shown))
    lines.extend((k, str(v)) for k, v in answers.items() if k not in seen)
    return lines


def resident_fields(answers: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Fields for ``store.add_resident`` / ``update_resident`` that an answer supplies, by the
    built-in questionnaires' keys: ``name``, ``phone``, ``age`` (-> ``birth_year``),
    ``lives_alone`` (-> flag). Only what was answered is returned."""
    year = (today or dt.date.today()).year
    out: dict[str, Any] = {}
    if isinstance(answers.get("name"), str) and answers["name"].strip():
        out["name"] = answers["name"].strip()[:64]
    if isinstance(answers.get("phone"), str) and answers["phone"]:
        out["phone"] = answers["phone"]
    age = answers.get("age")
    if isinstance(age, int) and not isinstance(age, bool) and 0 <= age <= 130:
        out["birth_year"] = year - age
    if answers.get("lives_alone") is True:
        out["flags"] = ["lives_alone"]
    return out


def concern_description(
    questionnaire: dict | None, answers: dict[str, Any], lang: str = "zh"
) -> str:
    """The answer as one text, to prefill ``store.raise_concern(description=...)``."""
    title = _text((questionnaire or {}).get("title"), lang)
    colon = "：" if lang == "zh" else ": "
    body = "\n".join(f"{k}{colon}{v}" for k, v in describe_answers(questionnaire, answers, lang))
    return (f"【{title}】\n" if title else "") + body
