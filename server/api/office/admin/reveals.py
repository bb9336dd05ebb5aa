"""The phone-number reveal audit, paged (``server.domain.reveal_audit``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from server.api.deps import EngineDep
from server.api.errors import error_responses
from server.domain.reveal_audit import list_reveals
from services.protocol.admin import MAX_REVEAL_PAGE, RevealPage

router = APIRouter(tags=["admin"])


@router.get(
    "/reveals",
    response_model=RevealPage,
    responses=error_responses(401, (403, "not staff"), 422),
    description=(
        "Who revealed a resident's whole phone number on a phone, and when, newest first; "
        "the resident masked (surname only) with estate and address. Optionally one user's."
    ),
)
def reveals(
    engine: EngineDep,
    user_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_REVEAL_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict:
    with engine.connect() as conn:
        total, rows = list_reveals(
            conn, limit=limit, offset=offset, user_id=str(user_id) if user_id else None
        )
    return {"total": total, "offset": offset, "limit": limit, "reveals": rows}
