"""``GET /exports/{kind}.xlsx``: the office's ledgers (visits, concerns, residents,
questionnaire answers) as Excel workbooks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from server.api.deps import EngineDep, ReadsDep, UserDep
from server.api.errors import error_responses
from server.api.office.scope import ScopeDep, report_refusals
from server.exports import MAX_REASON, BadExport, ExportRefused, export_ledger

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
    user: UserDep,
    engine: EngineDep,
    reads: ReadsDep,
    scope: ScopeDep,
    kind: Literal["visits", "concerns", "residents", "responses"],
    first: Annotated[dt.date | None, Query(alias="from")] = None,
    last: Annotated[dt.date | None, Query(alias="to")] = None,
    full: Annotated[bool, Query(description="whole phone and ID numbers (staff)")] = False,
    reason: Annotated[str, Query(max_length=MAX_REASON, description="why, with full")] = "",
) -> Response:

    def export_reading(reader: Engine):
        # the ledger is read where reads go; its audit row is written to the primary
        return export_ledger(
            engine,
            user,
            kind,
            **scope.place(),
            first=first,
            last=last,
            full=full,
            reason=reason,
            reader=reader,
        )

    with report_refusals(ExportRefused, bad=(BadExport,)):
        made = await run_in_threadpool(reads.read, export_reading)
    return Response(
        made.content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
