"""``GET /exports/{kind}.xlsx``: the office's ledgers (visits, concerns, residents,
questionnaire answers) as Excel workbooks."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from server.api.deps import EngineDep, ReadsDep, UserDep
from server.api.errors import error_responses
from server.exports import MAX_REASON, BadExport, ExportRefused, export_ledger
from server.reports import BadPeriod, PlaceMismatch, ReportRefused, UnknownPlace

router = APIRouter(tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/exports/{kind}.xlsx",
    response_class=Response,
    responses={
        200: {
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            "description": "the ledger, as a download",
        },
        **error_responses(
            401,
            (403, "a head; a district head asking elsewhere or for whole numbers"),
            (404, "no such district or estate"),
            (
                422,
                "half a period, from after to, a day outside 2000..2100, whole numbers "
                "without a reason, an estate outside the district, or a malformed parameter",
            ),
        ),
    },
    description=(
        "A ledger of a place as .xlsx: Chinese headers, a frozen header row with filters, "
        "dates as dates. visits, concerns and responses over whole local days from..to "
        "(both or neither); residents is the register as it stands, in the register's "
        "columns. Phone and ID-card numbers are masked unless staff ask for full=true with "
        "a reason; every export is kept in the audit log."
    ),
)
async def ledger(
    request: Request,
    user: UserDep,
    engine: EngineDep,
    reads: ReadsDep,
    kind: Literal["visits", "concerns", "residents", "responses"],
    first: Annotated[dt.date | None, Query(alias="from")] = None,
    last: Annotated[dt.date | None, Query(alias="to")] = None,
    district_id: Annotated[uuid.UUID | None, Query()] = None,
    estate_id: Annotated[uuid.UUID | None, Query()] = None,
    full: Annotated[bool, Query(description="whole phone and ID numbers (staff)")] = False,
    reason: Annotated[str, Query(max_length=MAX_REASON, description="why, with full")] = "",
) -> Response:

    def export_reading(reader: Engine):
        # the ledger is read where reads go; its audit row is written to the primary
        return export_ledger(
            engine,
            user,
            kind,
            timezone=request.app.state.settings.community_timezone,
            first=first,
            last=last,
            district_id=str(district_id) if district_id else None,
            estate_id=str(estate_id) if estate_id else None,
            full=full,
            reason=reason,
            reader=reader,
        )

    try:
        made = await run_in_threadpool(reads.read, export_reading)
    except (ReportRefused, ExportRefused) as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except UnknownPlace as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except (BadExport, BadPeriod, PlaceMismatch) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return Response(
        made.content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
