"""Questionnaires: list (retired ones too), create or edit (a changed one gets a new version),
activate or retire (``server.domain.questionnaires``, as the ``import-questionnaires``
command). The printable posters are ``GET /posters/{slug}.pdf`` (``server.api.public_form``)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from server.api.deps import EngineDep
from server.api.errors import error_responses
from server.db.engine import write_tx
from server.domain.questionnaires import (
    QuestionnaireDefinition,
    list_questionnaires,
    set_questionnaire_active,
    upsert_questionnaire,
)
from services.protocol.admin import ActiveIn, QuestionnaireList, QuestionnaireSaved

router = APIRouter(tags=["admin"])


def _saved(outcome: str, q) -> dict:
    return {"outcome": outcome, "questionnaire": q.data()}


@router.get(
    "/questionnaires",
    response_model=QuestionnaireList,
    responses=error_responses(401, (403, "not staff")),
)
def list_all(engine: EngineDep) -> dict:
    with engine.connect() as conn:
        return {"questionnaires": [q.data() for q in list_questionnaires(conn, active_only=False)]}


@router.put(
    "/questionnaires/{slug}",
    response_model=QuestionnaireSaved,
    responses=error_responses(
        400,
        401,
        (403, "not staff"),
        (422, "a definition that does not validate, or a slug that differs from the path"),
    ),
    description=(
        "Create the questionnaire, or save its edited definition: a changed one gets the next "
        "version (answers keep the version they were given against), an unchanged one writes "
        "nothing. Phones pull it; the public form shows it at once."
    ),
)
def save(slug: str, body: QuestionnaireDefinition, engine: EngineDep) -> dict:
    if body.slug != slug:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="body.slug: differs from the path"
        )
    with write_tx(engine) as conn:
        return _saved(*upsert_questionnaire(conn, body))


@router.put(
    "/questionnaires/{slug}/active",
    response_model=QuestionnaireSaved,
    responses=error_responses(400, 401, (403, "not staff"), (404, "no such questionnaire"), 422),
    description="Activate or retire: a retired questionnaire leaves the phones and the form.",
)
def set_active(slug: str, body: ActiveIn, engine: EngineDep) -> dict:
    with write_tx(engine) as conn:
        saved = set_questionnaire_active(conn, slug, body.active)
    if saved is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no questionnaire {slug!r}")
    return _saved(*saved)
