"""HTML of the public questionnaire pages (Jinja2, autoescaped: whatever a resident typed is
shown as text, never as markup).

The pages are plain server-rendered HTML with a small inline stylesheet and no script, image,
font or other external resource, so they load fast on a weak signal and in in-app browsers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from server.api.form_text import texts
from services.protocol import Question, text_limit

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

#: Sent with every public page. No script may run, nothing is loaded from elsewhere, the form
#: posts only back here, and no page may be framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _num_text(x: float | None) -> str | None:
    if x is None:
        return None
    return str(int(x)) if float(x).is_integer() else str(x)


def _label(text: Mapping[str, str] | Any, lang: str) -> str:
    if text is None:
        return ""
    data = text if isinstance(text, Mapping) else text.model_dump()
    return (data.get(lang) or data.get("zh") or "") if lang == "en" else data.get("zh", "")


def error_message(code: str, question: Question, lang: str) -> str:
    t = texts(lang)
    if code == "too_long":
        return t["err_too_long"].format(max=text_limit(question))
    return t[f"err_{code}"].format(min=_num_text(question.min), max=_num_text(question.max))


def question_views(questions: Sequence[Question], lang: str) -> list[dict[str, Any]]:
    t = texts(lang)
    views = []
    for q in questions:
        options = [{"value": o.value, "label": _label(o.label, lang)} for o in q.options]
        if q.type == "yes_no":
            options = [{"value": "yes", "label": t["yes"]}, {"value": "no", "label": t["no"]}]
        hint = None
        if q.type == "phone":
            hint = t["hint_phone"]
        elif q.type == "building_unit_room":
            hint = t["hint_address"]
        elif q.type == "number" and q.min is not None and q.max is not None:
            hint = t["range"].format(min=_num_text(q.min), max=_num_text(q.max))
        views.append(
            {
                "key": q.key,
                "type": q.type,
                "label": _label(q.label, lang),
                "help": _label(q.help, lang) if q.help else "",
                "hint": hint,
                "required": q.required,
                "options": options,
                "maxlength": text_limit(q),
                # short text questions (a name, a place) get one line, others a text area
                "single_line": q.type == "text" and text_limit(q) <= 100,
                "min": q.min,
                "max": q.max,
                "min_text": _num_text(q.min),
                "max_text": _num_text(q.max),
            }
        )
    return views


def _html(template: str, status: int, context: dict[str, Any], headers=None) -> HTMLResponse:
    body = _env.get_template(template).render(**context)
    return HTMLResponse(body, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


def form_url(slug: str, estate_id: str | None, household_id: str | None, lang: str) -> str:
    query = {k: v for k, v in (("e", estate_id), ("h", household_id)) if v}
    if lang == "en":
        query["lang"] = "en"
    return f"/q/{slug}" + (f"?{urlencode(query)}" if query else "")


def form_page(
    *,
    slug: str,
    title: Mapping[str, str],
    intro: Mapping[str, str],
    questions: Sequence[Question],
    lang: str,
    token: str,
    estate_name: str | None,
    estate_id: str | None,
    household_id: str | None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    """The form, with ``values`` filled back in and ``errors`` (question key -> code) shown."""
    by_key = {q.key: q for q in questions}
    messages = {k: error_message(code, by_key[k], lang) for k, code in (errors or {}).items()}
    other = "zh" if lang == "en" else "en"
    return _html(
        "questionnaire/form.html",
        200,
        {
            "t": texts(lang),
            "lang": lang,
            "page_title": _label(title, lang),
            "title": _label(title, lang),
            "intro": _label(intro, lang),
            "estate_name": estate_name,
            "questions": question_views(questions, lang),
            "values": dict(values or {}),
            "errors": messages,
            "notice": notice,
            "token": token,
            "action": f"/q/{slug}",
            "other_lang_url": form_url(slug, estate_id, household_id, other),
        },
    )


def message_page(
    lang: str,
    key: str,
    status: int,
    *,
    link_url: str | None = None,
    link_text_key: str = "back",
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A short page: ``{key}_title`` and ``{key}_body`` from the catalogue."""
    t = texts(lang)
    return _html(
        "questionnaire/message.html",
        status,
        {
            "t": t,
            "page_title": t[f"{key}_title"],
            "heading": t[f"{key}_title"],
            "body": t[f"{key}_body"],
            "link_url": link_url,
            "link_text": t[link_text_key],
            "other_lang_url": None,
        },
        headers=dict(headers or {}),
    )
