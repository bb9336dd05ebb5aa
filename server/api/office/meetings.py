"""The office's review meetings: ``GET /meetings/agenda`` (the concerns a meeting may take up)
and ``GET /meetings/{id}/minutes`` (a meeting's minutes as Markdown). Meetings themselves are
opened, decided and closed through push (``meeting.*`` mutations), so district heads can hold
them offline."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import Response

from server.api.deps import ReadsDep, UserDep
from server.api.errors import error_responses
from server.reports import (
    PlaceMismatch,
    ReportRefused,
    UnknownMeeting,
    UnknownPlace,
    agenda,
    minutes,
)
from services.protocol import MAX_AGENDA, AgendaResponse

router = APIRouter(tags=["meetings"])


@router.get(
    "/meetings/agenda",
    response_model=AgendaResponse,
    responses=error_responses(
        401,
        (403, "a head, or a district head asking elsewhere"),
        (404, "no such district or estate"),
        (422, "an estate outside the district asked for, or a malformed parameter"),
    ),
    description=(
        "Open and in-review concerns (not merged into another) of a place, oldest first: "
        "staff any place, a district head their district (the default for them). Filter by "
        "estate, category and age in whole local days."
    ),
)
def meeting_agenda(
    request: Request,
    user: UserDep,
    reads: ReadsDep,
    district_id: Annotated[uuid.UUID | None, Query()] = None,
    estate_id: Annotated[uuid.UUID | None, Query()] = None,
    category: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    min_age_days: Annotated[int, Query(ge=0, le=36500)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_AGENDA)] = MAX_AGENDA,
) -> dict:
    if category is not None and "\x00" in category:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="category: contains a NUL character"
        )
    try:
        found = reads.read(
            agenda,
            user,
            timezone=request.app.state.settings.community_timezone,
            district_id=str(district_id) if district_id else None,
            estate_id=str(estate_id) if estate_id else None,
            category=category,
            min_age_days=min_age_days,
            limit=limit,
        )
    except ReportRefused as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except UnknownPlace as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except PlaceMismatch as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return {"concerns": found}


@router.get(
    "/meetings/{meeting_id}/minutes",
    response_class=Response,
    responses={
        200: {
            "content": {"text/markdown": {"schema": {"type": "string"}}},
            "description": "the minutes, as a download",
        },
        **error_responses(
            401,
            (403, "not staff or the meeting's district head"),
            (404, "no such meeting"),
            (422, "a malformed parameter"),
        ),
    },
)
def meeting_minutes(
    request: Request,
    user: UserDep,
    reads: ReadsDep,
    meeting_id: uuid.UUID,
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> Response:
    try:
        name, text = reads.read(
            minutes,
            user,
            str(meeting_id),
            lang=lang,
            timezone=request.app.state.settings.community_timezone,
        )
    except ReportRefused as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except UnknownMeeting as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
