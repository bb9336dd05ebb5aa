"""What a pulled change's ``data`` carries, per entity (documentation, tests, and the
checklist and questionnaire questions both sides read)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from services.protocol.concerns import CallbackOutcome, ConcernEventAction, ConcernStatus
from services.protocol.enums import ConcernKind, Gender, QuestionType, Vaccination, VisitMethod
from services.protocol.workflow import ConcernEventDetail, ReviewMeetingData


class LocalizedText(BaseModel):
    zh: str
    en: str = ""


class ChoiceOption(BaseModel):
    value: str
    label: LocalizedText


class Question(BaseModel):
    """One question of a checklist or a questionnaire."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: QuestionType
    label: LocalizedText
    help: LocalizedText | None = None
    # strict: a definition saying "yes" or "1" where it means true or 1 is a mistake to refuse
    required: bool = Field(default=False, strict=True)
    options: list[ChoiceOption] = Field(default_factory=list)
    min: float | None = Field(default=None, strict=True)
    max: float | None = Field(default=None, strict=True)
    #: the category a concern raised from this question's answer starts in
    concern_category: str | None = None


class DistrictData(BaseModel):
    id: str
    name: str


class EstateData(BaseModel):
    id: str
    name: str
    district_id: str
    kind: Literal["estate", "apartment"] = "estate"


class HouseholdData(BaseModel):
    id: str
    estate_id: str
    building: str
    unit: str
    room: str
    people_count: int | None = None
    note: str = ""
    contact_phone_masked: str | None = None
    version: int


class ResidentData(BaseModel):
    id: str
    household_id: str
    name: str
    gender: Gender = "unknown"
    birth_year: int | None = None
    phone_masked: str | None = None
    id_number_masked: str | None = None
    #: whole numbers only for roles that need them (staff; heads get ``phone`` to call their
    #: estates' residents); absent otherwise
    phone: str | None = None
    id_number: str | None = None
    relation: str = ""
    flags: list[str] = Field(default_factory=list)
    vaccination: Vaccination = "unknown"
    note: str = ""
    version: int


class VisitData(BaseModel):
    id: str
    household_id: str
    user_id: str
    user_name: str
    visited_at: str
    method: VisitMethod
    people_reached: int
    checklist_version: int
    answers: dict[str, Any]
    notes: str
    follow_up_date: str | None = None


class ConcernData(BaseModel):
    id: str
    household_id: str
    resident_id: str | None = None
    visit_id: str | None = None
    kind: ConcernKind
    category: str
    description: str
    status: ConcernStatus
    created_by: str
    created_by_name: str
    created_at: str
    updated_at: str
    #: who follows it up (a staff member or district head) and by when (local date)
    assignee_id: str | None = None
    assignee_name: str = ""
    due_date: str | None = None
    #: the latest move to resolved; null again once reopened
    resolved_at: str | None = None
    #: the department a referred concern went to
    referred_to: str | None = None
    #: set on a duplicate closed into another concern
    merged_into: str | None = None
    #: the resident's verdict on the latest call-back after resolving
    callback: CallbackOutcome | None = None
    callback_at: str | None = None


class ConcernEventData(BaseModel):
    id: str
    concern_id: str
    user_id: str | None
    user_name: str
    action: ConcernEventAction
    from_status: ConcernStatus | None = None
    to_status: ConcernStatus | None = None
    text: str = ""
    created_at: str
    #: for assign, callback and decision events: what was set
    detail: ConcernEventDetail | None = None


class ChecklistData(BaseModel):
    id: str
    version: int
    title: LocalizedText
    questions: list[Question]
    active: bool


class QuestionnaireData(BaseModel):
    id: str
    slug: str
    version: int
    title: LocalizedText
    intro: LocalizedText
    questions: list[Question]
    active: bool


class QuestionnaireResponseData(BaseModel):
    id: str
    questionnaire_id: str
    estate_id: str | None = None
    household_id: str | None = None
    answers: dict[str, Any]
    submitted_at: str
    status: Literal["new", "reviewed"]
    outcome: str | None = None


class ConflictData(BaseModel):
    id: str
    entity: Literal["household", "resident"]
    entity_id: str
    field: str
    server_value: Any = None
    client_value: Any = None
    user_id: str
    user_name: str
    created_at: str
    status: Literal["open", "resolved"]
    resolution: Literal["server", "client"] | None = None


ENTITY_DATA: dict[str, type[BaseModel]] = {
    "district": DistrictData,
    "estate": EstateData,
    "household": HouseholdData,
    "resident": ResidentData,
    "visit": VisitData,
    "concern": ConcernData,
    "concern_event": ConcernEventData,
    "checklist": ChecklistData,
    "questionnaire": QuestionnaireData,
    "questionnaire_response": QuestionnaireResponseData,
    "conflict": ConflictData,
    "review_meeting": ReviewMeetingData,
}
