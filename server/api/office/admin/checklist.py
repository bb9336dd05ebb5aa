"""The visit checklist: its published versions, and publishing a new one
(``server.domain.checklists``). A published version never changes: old visits keep the
questions they were recorded against, and phones pull the new version for the next visit."""

from __future__ import annotations

from fastapi import APIRouter, status

from server.api.deps import EngineDep
from server.api.errors import error_responses
from server.db.engine import write_tx
from server.domain.checklists import ChecklistDefinition, list_checklists, publish_checklist
from services.protocol.admin import ChecklistList, ChecklistOut

router = APIRouter(tags=["admin"])


@router.get(
    "/checklists", response_model=ChecklistList, responses=error_responses(401, (403, "not staff"))
)
def list_all(engine: EngineDep) -> dict:
    with engine.connect() as conn:
        return {"checklists": list_checklists(conn)}


@router.post(
    "/checklists",
    status_code=status.HTTP_201_CREATED,
    response_model=ChecklistOut,
    responses=error_responses(
        400, 401, (403, "not staff"), (422, "questions that do not validate; the detail names them")
    ),
    description=(
        "Publish the checklist as the next version and retire the one before (it stays, for "
        "the visits recorded against it). Phones pull both changes."
    ),
)
def publish(body: ChecklistDefinition, engine: EngineDep) -> dict:
    with write_tx(engine) as conn:
        return publish_checklist(conn, body)
