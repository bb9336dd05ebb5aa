"""``GET /reports/summary``: the office's figures for staff and district heads, and the rows
behind them: ``GET /reports/concerns`` and ``GET /reports/households``; ``GET /assignees``,
who concerns can be given to."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, status

from server.api.deps import ReadsDep, UserDep
from server.api.errors import error_responses
from server.api.office.scope import ScopeDep, report_refusals
from server.reports import (
    assignees,
    concern_list,
    household_list,
    report_summary,
    visits_by_week,
)
from services.protocol import (
    AssigneeList,
    ConcernListResponse,
    HouseholdListResponse,
    ReportSummary,
    WeeklyVisits,
)

router = APIRouter(tags=["reports"])


def _place_errors(also_422: str = "") -> dict:
    """The refusals of a report over a place and a period (report_scope, report_refusals)."""
    return error_responses(
        401,
        (403, "a head, or a district head asking elsewhere"),
        (404, "no such district or estate"),
        (
            422,
            f"{also_422}from after to, a date outside 2000..2100, an estate outside the "
            "district asked for, or a malformed parameter",
        ),
    )


_PLACE_ERRORS = _place_errors()


@router.get(
    "/reports/summary",
    response_model=ReportSummary,
    responses=_PLACE_ERRORS,
    description=(
        "Figures of a place (the community, a district, an estate) over whole local days "
        "from..to (inclusive, in the community's time zone), counted by the database. Staff "
        "may ask for any place; a district head gets their own district (the default for "
        "them); a neighbour head gets 403."
    ),
)
def summary(
    user: UserDep,
    reads: ReadsDep,
    scope: ScopeDep,
    first: Annotated[dt.date, Query(alias="from", description="first day, YYYY-MM-DD")],
    last: Annotated[dt.date, Query(alias="to", description="last day, YYYY-MM-DD")],
) -> dict:
    with report_refusals():
        return reads.read(report_summary, user, first=first, last=last, **scope.place())


@router.get(
    "/reports/weeks",
    response_model=WeeklyVisits,
    responses=_PLACE_ERRORS,
    description=(
        "The summary's visits_by_week for the same place and period, or with user_id only "
        "the visits that user made there (a head's own series on the dashboard's drill-down). "
        "Same place rules as the summary."
    ),
)
def weeks(
    user: UserDep,
    reads: ReadsDep,
    scope: ScopeDep,
    first: Annotated[dt.date, Query(alias="from")],
    last: Annotated[dt.date, Query(alias="to")],
    user_id: Annotated[uuid.UUID | None, Query(description="only this user's visits")] = None,
) -> dict:
    with report_refusals():
        found = reads.read(
            visits_by_week,
            user,
            first=first,
            last=last,
            **scope.place(),
            user_id=str(user_id) if user_id else None,
        )
    return {"visits_by_week": found}


@router.get(
    "/reports/concerns",
    response_model=ConcernListResponse,
    responses=_place_errors("half a period, "),
    description=(
        "The concerns behind a summary figure, oldest first, with estate, address, age and "
        "overdue: the same place and period rules and definitions, so the summary's "
        "overdue=7 for a period lists 7 here with from, to and overdue=true. by_estate opens "
        "with estate_id, by_head with raised_by."
    ),
)
def concerns_list(
    user: UserDep,
    reads: ReadsDep,
    scope: ScopeDep,
    first: Annotated[dt.date | None, Query(alias="from")] = None,
    last: Annotated[dt.date | None, Query(alias="to")] = None,
    status_: Annotated[
        list[Literal["open", "in_review", "resolved", "referred", "closed"]] | None,
        Query(alias="status", description="any of these (repeat the parameter)"),
    ] = None,
    kind: Annotated[Literal["request", "complaint", "suggestion"] | None, Query()] = None,
    category: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    overdue: Annotated[bool, Query()] = False,
    raised_by: Annotated[uuid.UUID | None, Query(description="a head's user id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict:
    if category is not None and "\x00" in category:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="category: contains a NUL character"
        )
    with report_refusals():
        total, found = reads.read(
            concern_list,
            user,
            first=first,
            last=last,
            **scope.place(),
            statuses=tuple(status_ or ()),
            kind=kind,
            category=category,
            overdue=overdue,
            raised_by=str(raised_by) if raised_by else None,
            limit=limit,
            offset=offset,
        )
    return {"total": total, "concerns": found}


@router.get(
    "/reports/households",
    response_model=HouseholdListResponse,
    responses=_PLACE_ERRORS,
    description=(
        "The households behind the coverage figures: those of a place with (visited=true) "
        "or without (visited=false) a visit in whole local days from..to, by estate and "
        "address, each with its latest visit ever. Same place rules as the summary."
    ),
)
def households_list(
    user: UserDep,
    reads: ReadsDep,
    scope: ScopeDep,
    first: Annotated[dt.date, Query(alias="from")],
    last: Annotated[dt.date, Query(alias="to")],
    visited: Annotated[bool | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict:
    with report_refusals():
        total, found = reads.read(
            household_list,
            user,
            first=first,
            last=last,
            **scope.place(),
            visited=visited,
            limit=limit,
            offset=offset,
        )
    return {"total": total, "households": found}


@router.get(
    "/assignees",
    response_model=AssigneeList,
    responses=error_responses(401, (403, "a neighbour head or a street user")),
    description=(
        "The people a concern can be given to (concern.assign, a meeting's assign decision): "
        "the active staff of the asker's community and the active district heads of the "
        "districts the asker sees (staff: every district; a district head: their own), by "
        "name. A district head takes only their own district's concerns."
    ),
)
def assignee_list(user: UserDep, reads: ReadsDep) -> dict:
    with report_refusals():
        return {"assignees": reads.read(assignees, user)}
