"""``GET /reports/summary``: the office's figures for staff and district heads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from server.api.deps import EngineDep, UserDep
from server.api.errors import error_responses
from server.reports import (
    BadPeriod,
    PlaceMismatch,
    ReportRefused,
    UnknownPlace,
    report_summary,
)
from services.protocol import ReportSummary

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/summary",
    response_model=ReportSummary,
    responses=error_responses(
        401,
        (403, "a head, or a district head asking elsewhere"),
        (404, "no such district or estate"),
        (
            422,
            "from after to, a date outside 2000..2100, an estate outside the district asked "
            "for, or a malformed parameter",
        ),
    ),
    description=(
        "Figures of a place (the community, a district, an estate) over whole local days "
        "from..to (inclusive, in the community's time zone), counted by the database. Staff "
        "may ask for any place; a district head gets their own district (the default for "
        "them); a neighbour head gets 403."
    ),
)
def summary(
    request: Request,
    user: UserDep,
    engine: EngineDep,
    first: Annotated[dt.date, Query(alias="from", description="first day, YYYY-MM-DD")],
    last: Annotated[dt.date, Query(alias="to", description="last day, YYYY-MM-DD")],
    district_id: Annotated[uuid.UUID | None, Query()] = None,
    estate_id: Annotated[uuid.UUID | None, Query()] = None,
) -> dict:
    try:
        return report_summary(
            engine,
            user,
            first=first,
            last=last,
            timezone=request.app.state.settings.community_timezone,
            district_id=str(district_id) if district_id else None,
            estate_id=str(estate_id) if estate_id else None,
        )
    except ReportRefused as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except UnknownPlace as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except (BadPeriod, PlaceMismatch) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
