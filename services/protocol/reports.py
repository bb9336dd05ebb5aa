"""The office's read side: the figures ``GET /reports/summary`` answers, and the concerns a
review meeting may take up (``GET /meetings/agenda``).

Counts are whole numbers, ratios between 0 and 1 (0 when there is nothing to divide by).
"Period" means the days ``from`` .. ``to`` inclusive, in the community's local time.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from services.protocol.entities import ConcernData


class ConcernFigures(BaseModel):
    """Concerns created in the period, by their status now."""

    total: int
    #: every status, zero included
    by_status: dict[str, int]
    #: every kind (request, complaint, suggestion), zero included
    by_kind: dict[str, int]
    by_category: dict[str, int]
    #: resolved / total
    resolved_rate: float
    #: days from creation to the latest resolution, over the resolved ones; null when none
    median_days_to_resolve: float | None
    #: open or in review with a due date before today (local)
    overdue: int


class Over60Figures(BaseModel):
    """Residents aged 60 or more in the period's last year (by birth year)."""

    residents: int
    #: vaccination partial, full or booster
    vaccinated: int
    #: vaccination none or unknown
    not_vaccinated: int


class LivesAloneFigures(BaseModel):
    residents: int
    #: whose household was visited in the 30 days up to the period's end
    visited_last_30_days: int


class PlaceFigures(BaseModel):
    """Visits, person-times, coverage and concerns of one estate or one head."""

    households: int
    households_visited: int
    coverage: float
    visits: int
    person_times: int
    concerns: int
    concerns_resolved: int
    overdue: int


class EstateFigures(PlaceFigures):
    estate_id: str
    name: str
    district_id: str


class HeadFigures(PlaceFigures):
    """A neighbour head: households and coverage of the estates assigned to them (inside the
    report's place); visits they made and concerns they raised."""

    user_id: str
    name: str
    estates: int


class WeekFigures(BaseModel):
    """One local week (Monday first) of the period."""

    week_start: dt.date
    visits: int
    person_times: int


class ReportSummary(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    timezone: str
    district_id: str | None = None
    estate_id: str | None = None
    residents: int
    households: int
    #: households with at least one visit in the period
    households_visited: int
    #: households_visited / households
    coverage: float
    visits: int
    visits_in_person: int
    visits_phone: int
    #: sum of people reached
    person_times: int
    concerns: ConcernFigures
    #: concerns of kind suggestion created in the period
    suggestions: int
    over_60: Over60Figures
    lives_alone: LivesAloneFigures
    #: answers submitted in the period, per questionnaire slug (every questionnaire listed)
    questionnaire_responses: dict[str, int]
    by_estate: list[EstateFigures]
    by_head: list[HeadFigures]
    #: every week the period touches, zeros included (the first and last count only their
    #: days inside the period); null for periods over 106 weeks
    visits_by_week: list[WeekFigures] | None = None


class WeeklyVisits(BaseModel):
    """``GET /reports/weeks``: the summary's weekly series, for a place or one user's visits."""

    #: every week the period touches, zeros included; null for periods over 106 weeks
    visits_by_week: list[WeekFigures] | None


class AgendaConcern(ConcernData):
    """A concern a review meeting may take up, with where it is and how long it has waited."""

    estate_id: str
    estate_name: str
    #: building-unit-room
    address: str
    #: whole local days since it was raised
    age_days: int
    overdue: bool


class AgendaResponse(BaseModel):
    """Open and in-review concerns, oldest first (``GET /meetings/agenda``)."""

    concerns: list[AgendaConcern]


class ConcernListResponse(BaseModel):
    """The concerns behind a summary figure (``GET /reports/concerns``), oldest first."""

    #: how many match, whatever the page
    total: int
    concerns: list[AgendaConcern]


class HouseholdRow(BaseModel):
    """A household behind a coverage figure."""

    id: str
    estate_id: str
    estate_name: str
    district_id: str
    #: building-unit-room
    address: str
    people_count: int | None = None
    #: the latest visit ever, whatever the period
    last_visit_at: str | None = None
    visits_in_period: int


class HouseholdListResponse(BaseModel):
    """Households visited or not in a period (``GET /reports/households``)."""

    total: int
    households: list[HouseholdRow]


class Assignee(BaseModel):
    """Someone a concern can be given to: an active staff member, or a district head (who
    takes the concerns of their own district only)."""

    id: str
    name: str
    role: str
    #: the district a district head runs; null for staff
    district_id: str | None = None


class AssigneeList(BaseModel):
    """``GET /assignees``: the people the asker may give concerns to, by name."""

    assignees: list[Assignee]
