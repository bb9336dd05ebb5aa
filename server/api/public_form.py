"""The public questionnaire form (``/q/{slug}``) and the staff poster endpoint.

Residents reach ``GET /q/{slug}?e=ESTATE&h=HOUSEHOLD`` from a QR code (no login), or
``GET /q/{slug}?c=COMMUNITY`` from a community-wide poster. The QR's estate/household (or
community) are checked to exist, shown by name, and sealed into the form's render token, so
the answer is attributed to them whatever the browser sends back. A QR naming neither is
taken for the database's only community; where there are several it is not found.

Both are limited per client address, counted in the database (server.api.form_guard;
Settings: at most 60 forms handed out and 10 submissions per 10 minutes): beyond that a
"too many" page with 429 and Retry-After.

``POST /q/{slug}`` (form-encoded, at most 32 KB) checks the token (genuine, unexpired, single use), validates every answer, and either
re-shows the form with the entered values and a message per field, or stores one
``questionnaire.response`` and redirects (303) to a thank-you page that carries nothing
personal. Answers never appear in a URL or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError
from starlette.responses import HTMLResponse, RedirectResponse, Response

from server.api.deps import get_engine, require_staff
from server.api.errors import error_responses, html_responses
from server.api.form_guard import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    FormTicket,
    FormTokens,
    TokenError,
    admit,
    load_secret,
    read_body,
    submission_limit,
    token_limit,
)
from server.api.form_pages import SECURITY_HEADERS, form_page, message_page
from server.api.form_text import pick_lang, texts
from server.db.engine import write_tx
from server.domain.mutations.context import Reject
from server.domain.principal import Principal
from server.domain.questionnaire_answers import check_answers
from server.domain.questionnaires import Place, Questionnaire, find_place, get_questionnaire
from server.domain.responses import apply_questionnaire_response, response_community
from services.protocol import API_PREFIX, PayloadError, check_mutation, new_id

router = APIRouter(tags=["questionnaires"])

#: What the form posts: its render token, the page language and one field per question.
FORM_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "_token": {"type": "string", "description": "from the form page"},
                    "_lang": {"type": "string", "enum": ["zh", "en"]},
                },
                "required": ["_token"],
                "additionalProperties": {"type": "string"},
            }
        }
    },
}


@dataclass
class PublicFormState:
    """Per-app state of the public form: token signer, body limit."""

    tokens: FormTokens
    max_body: int = MAX_BODY_BYTES


def form_state(request: Request) -> PublicFormState:
    """The app's form state, made on first use (the token key comes from the database)."""
    state = getattr(request.app.state, "public_form", None)
    if state is None:
        state = PublicFormState(tokens=FormTokens(load_secret(request.app.state.engine)))
        request.app.state.public_form = state
    return state


def _first(form: dict[str, list[str]], key: str) -> str | None:
    values = form.get(key)
    return values[0] if values else None


def _entered(q: Questionnaire, form: dict[str, list[str]]) -> dict[str, Any]:
    """What the resident typed, to fill the form back in (shown escaped)."""
    values: dict[str, Any] = {}
    for question in q.parsed_questions():
        if question.type == "multi_choice":
            values[question.key] = form.get(question.key, [])
        else:
            values[question.key] = (_first(form, question.key) or "")[:1000]
    return values


def _render_form(
    st: PublicFormState,
    q: Questionnaire,
    place: Place | None,
    lang: str,
    community_id: str | None,
    *,
    rid: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    token = st.tokens.issue(
        {
            "questionnaire_id": q.id,
            "version": q.version,
            "estate_id": place.estate_id if place else None,
            "household_id": place.household_id if place else None,
            "community_id": None if place else community_id,
            # kept across re-renders of one filling-in, so it is stored at most once
            "rid": rid or new_id(),
        }
    )
    return form_page(
        slug=q.slug,
        title=q.title,
        intro=q.intro,
        questions=q.parsed_questions(),
        lang=lang,
        token=token,
        estate_name=place.estate_name if place else None,
        estate_id=place.estate_id if place else None,
        household_id=place.household_id if place else None,
        values=values,
        errors=errors,
        notice=notice,
    )


def _open_questionnaire(engine: Engine, slug: str) -> Questionnaire | None:
    if len(slug) > 64:
        return None
    with engine.connect() as conn:
        q = get_questionnaire(conn, slug)
    return q if q is not None and q.active else None


@router.get(
    "/q/{slug}",
    response_class=HTMLResponse,
    summary="Public questionnaire form (HTML)",
    responses={
        **html_responses(
            (404, "no open questionnaire by that name, or no such estate/household"),
            (429, "too many forms opened from this address"),
        ),
        **error_responses(422),
    },
)
def show_form(
    slug: str,
    request: Request,
    e: str | None = Query(default=None, max_length=64, description="estate id"),
    h: str | None = Query(default=None, max_length=64, description="household id"),
    c: str | None = Query(
        default=None, max_length=64, description="community id (a community-wide poster)"
    ),
    lang: str | None = Query(default=None, max_length=8),
) -> Response:
    lang = pick_lang(lang)
    engine = request.app.state.engine
    q = _open_questionnaire(engine, slug)
    place, community = None, None
    if q is not None:
        with engine.connect() as conn:
            if e or h:
                place = find_place(conn, e, h)
            else:
                community = _poster_community(conn, c)
    if q is None or ((e or h) and place is None) or (not (e or h) and community is None):
        return message_page(lang, "not_found", 404)
    wait = admit(engine, token_limit(request, request.app.state.settings))
    if wait is not None:
        return message_page(lang, "too_many_opened", 429, headers={"Retry-After": str(wait)})
    return _render_form(form_state(request), q, place, lang, community)


def _poster_community(conn: Connection, community_id: str | None) -> str | None:
    """The community a QR without an estate names (or the only one), if it exists."""
    try:
        return response_community(conn, None, community_id)
    except Reject:
        return None


@router.post(
    "/q/{slug}",
    response_class=HTMLResponse,
    summary="Submit a questionnaire form",
    responses={
        **html_responses(
            (200, "the form again: an answer to correct, or the questionnaire changed meanwhile"),
            (400, "the form token is not one this server issued, or the body is not a form"),
            (404, "no open questionnaire by that name"),
            (409, "this filled-in form was already stored"),
            (413, "the body is larger than MAX_BODY_BYTES"),
            (415, "not application/x-www-form-urlencoded"),
            429,
        ),
        303: {
            "description": "stored; on to the thank-you page",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
        **error_responses(422),
    },
    openapi_extra={"requestBody": FORM_BODY},
)
async def submit_form(slug: str, request: Request) -> Response:
    st = form_state(request)
    lang = pick_lang(request.query_params.get("lang"))
    limit = submission_limit(request, request.app.state.settings)
    wait = await run_in_threadpool(admit, request.app.state.engine, limit)
    if wait is not None:
        return message_page(lang, "too_many", 429, headers={"Retry-After": str(wait)})
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return message_page(lang, "bad_type", 415)
    try:
        body = await read_body(request, st.max_body)
    except BodyTooLarge:
        return message_page(lang, "too_large", 413, headers={"Connection": "close"})
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=400)
    except (UnicodeDecodeError, ValueError):
        return message_page(lang, "invalid", 400)
    lang = pick_lang(_first(form, "_lang"))
    return await run_in_threadpool(_submit, request.app.state.engine, st, slug, form, lang)


def _submit(
    engine: Engine, st: PublicFormState, slug: str, form: dict[str, list[str]], lang: str
) -> Response:
    q = _open_questionnaire(engine, slug)
    if q is None:
        return message_page(lang, "not_found", 404)
    expired = False
    try:
        ticket = st.tokens.verify(_first(form, "_token") or "")
    except TokenError as exc:
        if exc.kind != "expired" or exc.ticket is None:
            return message_page(lang, "invalid", 400)
        ticket, expired = exc.ticket, True
    if ticket.questionnaire_id != q.id:
        return message_page(lang, "invalid", 400)
    place = _ticket_place(engine, ticket)
    values = _entered(q, form)
    if expired or ticket.version != q.version:
        notice = texts(lang)["expired" if expired else "updated"]
        return _render_form(
            st, q, place, lang, ticket.community_id, rid=ticket.rid, values=values, notice=notice
        )
    result = check_answers(q.parsed_questions(), form)
    if result.ok:
        result.errors = _protocol_errors(q, result.answers)
    if not result.ok:
        return _render_form(
            st,
            q,
            place,
            lang,
            ticket.community_id,
            rid=ticket.rid,
            values=values,
            errors=result.errors,
        )
    try:
        with write_tx(engine) as conn:
            apply_questionnaire_response(
                conn,
                response_id=ticket.rid,
                questionnaire_id=q.id,
                answers=result.answers,
                estate_id=place.estate_id if place else None,
                household_id=place.household_id if place else None,
                community_id=ticket.community_id,
            )
    except Reject as rej:
        if rej.code == "entity_exists":
            return message_page(lang, "replay", 409)
        return message_page(lang, "invalid", 400)
    except IntegrityError:  # the same form submitted twice at the same instant
        return message_page(lang, "replay", 409)
    thanks = f"/q/{q.slug}/thanks" + ("?lang=en" if lang == "en" else "")
    return RedirectResponse(thanks, status_code=303, headers=SECURITY_HEADERS)


def _protocol_errors(q: Questionnaire, answers: dict[str, Any]) -> dict[str, str]:
    """The protocol's rules for a stored response (the ones every pull relies on), as one
    form error on the answer at fault; none when the answers pass."""
    payload = {"questionnaire_id": q.id, "answers": answers}
    try:
        check_mutation("questionnaire.response", payload, q.parsed_questions())
    except PayloadError as err:
        key = err.field.split(".")[1] if err.field.startswith("answers.") else ""
        if key not in answers:
            key = next(iter(answers), "")
        return {key: "invalid"}
    return {}


def _ticket_place(engine: Engine, ticket: FormTicket) -> Place | None:
    if not ticket.estate_id and not ticket.household_id:
        return None
    with engine.connect() as conn:
        return find_place(conn, ticket.estate_id, ticket.household_id)


@router.get(
    "/q/{slug}/thanks",
    response_class=HTMLResponse,
    summary="Thank-you page",
    responses=error_responses(422),
)
def thanks(slug: str, lang: str | None = Query(default=None, max_length=8)) -> Response:
    return message_page(pick_lang(lang), "thanks", 200)


# ---------------------------------------------------------------------------------------------
# Posters (staff)
# ---------------------------------------------------------------------------------------------


@router.get(
    API_PREFIX + "/posters/{name}",
    response_class=Response,
    responses={
        200: {
            "description": "the poster",
            "content": {"application/pdf": {}, "image/png": {}},
        },
        **error_responses(
            401, 403, (404, "not {slug}.pdf or {slug}.png, or no such questionnaire or estate"), 422
        ),
    },
    summary="A printable A4 QR poster for one questionnaire and estate (staff)",
    description="`name` is `{slug}.pdf` or `{slug}.png`; `estate` attributes the answers.",
)
def poster(
    name: str,
    request: Request,
    user: Annotated[Principal, Depends(require_staff)],
    engine: Annotated[Engine, Depends(get_engine)],
    estate: str | None = Query(default=None, max_length=64),
) -> Response:
    from server.domain import posters

    slug, _, fmt = name.rpartition(".")
    if fmt not in ("pdf", "png") or not slug:
        raise HTTPException(404, detail="poster name must be {slug}.pdf or {slug}.png")
    q = _open_questionnaire(engine, slug)
    if q is None:
        raise HTTPException(404, detail="unknown questionnaire")
    place = None
    if estate:
        with engine.connect() as conn:
            place = find_place(conn, estate, None)
        if place is None or place.estate_id not in user.estate_ids:
            raise HTTPException(404, detail="unknown estate")
    base = posters.public_base_url(str(request.base_url))
    # a community-wide poster names the staff's community: its answers are theirs alone
    spec = posters.PosterSpec.for_questionnaire(
        q, base, place, community_id=None if place else user.community_id
    )
    if fmt == "png":
        return Response(posters.render_png(spec), media_type="image/png")
    return Response(
        posters.render_pdf(spec),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{spec.filename}.pdf"'},
    )
