"""The app<->server sync protocol, version 1 (../shared/SYNC-PROTOCOL.md), as pydantic models.

This is the one module both sides import: the server validates with it and publishes it in
its OpenAPI schema; the phone's store and sync engine build mutations with it. Never copy
these models elsewhere.

Conventions
- Every id is a UUID string (lower-case, hyphenated).
- Timestamps are ISO-8601 with an offset; the server stores them normalised to UTC.
- Envelope errors (not JSON, wrong shape) are a whole-body 422; more than
  ``MAX_PUSH_MUTATIONS`` mutations or more than ``MAX_PUSH_BYTES`` bytes is a 413. A payload
  that does not match its type's schema is a per-mutation ``rejected`` with
  ``invalid_payload`` and the field named in the message; an unknown ``type`` is a
  per-mutation ``rejected`` with ``unknown_type`` (so a newer phone never blocks its batch).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"

#: Most mutations one push may carry; above it the server answers 413 and applies nothing.
MAX_PUSH_MUTATIONS = 500
#: Largest push body in bytes; above it 413.
MAX_PUSH_BYTES = 4 * 1024 * 1024
#: Default and largest page of a pull.
DEFAULT_PULL_LIMIT = 1000
MAX_PULL_LIMIT = 5000

Role = Literal["head", "district_head", "staff"]
ROLES: tuple[str, ...] = ("head", "district_head", "staff")

# ---------------------------------------------------------------------------------------------
# Enumerations shared by both sides
# ---------------------------------------------------------------------------------------------

VisitMethod = Literal["in_person", "phone"]
ConcernKind = Literal["request", "complaint", "suggestion"]
ConcernStatus = Literal["open", "in_review", "resolved", "referred", "closed"]
CONCERN_STATUSES: tuple[str, ...] = ("open", "in_review", "resolved", "referred", "closed")

#: The concern state machine: status -> statuses it may move to.
#: open -> in_review -> resolved | referred | closed; any finished concern may be reopened.
CONCERN_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_review"}),
    "in_review": frozenset({"resolved", "referred", "closed"}),
    "resolved": frozenset({"open"}),
    "referred": frozenset({"open"}),
    "closed": frozenset({"open"}),
}


def transition_allowed(role: str, from_status: str, to_status: str) -> bool:
    """Whether ``role`` may move a concern from ``from_status`` to ``to_status``.

    A neighbour head records and reopens; the review (taking a concern in, and deciding
    it resolved, referred or closed) belongs to district heads and staff.
    """
    if to_status not in CONCERN_TRANSITIONS.get(from_status, frozenset()):
        return False
    if role == "head":
        return to_status == "open"
    return True


#: Resident flags the phone may set. "aged 60+" is never a flag: it is derived from birth_year.
RESIDENT_FLAGS: tuple[str, ...] = (
    "lives_alone",
    "needs_help",
    "disabled",
    "low_income",
    "party_member",
)
ResidentFlag = Literal["lives_alone", "needs_help", "disabled", "low_income", "party_member"]
Vaccination = Literal["unknown", "none", "partial", "full", "booster"]
Gender = Literal["male", "female", "unknown"]

#: Checklist and questionnaire question types.
QuestionType = Literal[
    "yes_no", "number", "choice", "multi_choice", "text", "phone", "building_unit_room"
]

MutationType = Literal[
    "visit.record",
    "concern.create",
    "concern.transition",
    "concern.comment",
    "household.update",
    "resident.create",
    "resident.update",
    "resident.remove",
    "conflict.resolve",
    "questionnaire.review",
    "questionnaire.response",
]

EntityName = Literal[
    "district",
    "estate",
    "household",
    "resident",
    "visit",
    "concern",
    "concern_event",
    "checklist",
    "questionnaire",
    "questionnaire_response",
    "conflict",
]
ENTITIES: tuple[str, ...] = (
    "district",
    "estate",
    "household",
    "resident",
    "visit",
    "concern",
    "concern_event",
    "checklist",
    "questionnaire",
    "questionnaire_response",
    "conflict",
)

AnswerValue = StrictBool | StrictInt | StrictFloat | str | list[str]

_strict = ConfigDict(extra="forbid")


class _Payload(BaseModel):
    model_config = _strict


# ---------------------------------------------------------------------------------------------
# Auth
# ---------------------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    model_config = _strict
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_id: str = Field(min_length=1, max_length=128)


class UserInfo(BaseModel):
    id: str
    name: str
    role: Role
    estate_ids: list[str]
    district_id: str | None = None


class LoginResponse(BaseModel):
    token: str
    user: UserInfo
    expires_at: AwareDatetime


class HealthResponse(BaseModel):
    status: Literal["ok"]
    server_time: AwareDatetime


class ErrorBody(BaseModel):
    detail: str


# ---------------------------------------------------------------------------------------------
# Push
# ---------------------------------------------------------------------------------------------


class Mutation(BaseModel):
    """One change made on a phone. ``payload`` is validated per ``type`` (see MUTATION_PAYLOADS)."""

    model_config = _strict
    id: uuid.UUID
    type: str = Field(min_length=1, max_length=64)
    entity_id: uuid.UUID
    payload: dict[str, Any]
    created_at: AwareDatetime


class PushRequest(BaseModel):
    model_config = _strict
    device_id: str = Field(min_length=1, max_length=128)
    mutations: list[Mutation]


class MutationError(BaseModel):
    code: str
    message: str


MutationStatus = Literal["applied", "duplicate", "rejected"]


class MutationResult(BaseModel):
    id: str
    status: MutationStatus
    error: MutationError | None = None


class PushResponse(BaseModel):
    results: list[MutationResult]


#: Per-mutation rejection codes.
REJECT_CODES: tuple[str, ...] = (
    "invalid_payload",  # payload does not match its type's schema; message names the field
    "unknown_type",  # the server does not know this mutation type
    "out_of_scope",  # the row is outside the token's estates/district
    "unknown_household",
    "unknown_resident",
    "unknown_concern",
    "unknown_conflict",
    "unknown_questionnaire",
    "unknown_response",
    "unknown_checklist",  # checklist_version that was never published
    "invalid_transition",  # not allowed by the concern state machine
    "forbidden",  # the role may not do this (e.g. a head resolving a concern)
    "entity_exists",  # a create for an id that already exists with different content
)


# ---- payloads: the two core ones are fixed by the protocol page -----------------------------


class VisitRecord(_Payload):
    """``visit.record``; ``entity_id`` is the new visit's id."""

    household_id: uuid.UUID
    visited_at: AwareDatetime
    method: VisitMethod
    people_reached: int = Field(ge=0, le=99)
    checklist_version: int = Field(ge=1)
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    notes: str = Field(default="", max_length=4000)
    follow_up_date: dt.date | None = None
    reached_resident_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ConcernCreate(_Payload):
    """``concern.create``; ``entity_id`` is the new concern's id."""

    household_id: uuid.UUID
    resident_id: uuid.UUID | None = None
    kind: ConcernKind
    category: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=4000)
    visit_id: uuid.UUID | None = None


class ConcernTransition(_Payload):
    """``concern.transition``; ``entity_id`` is the concern event's id (new, client-made)."""

    concern_id: uuid.UUID
    to_status: ConcernStatus
    note: str = Field(default="", max_length=4000)


class ConcernComment(_Payload):
    """``concern.comment``; ``entity_id`` is the concern event's id (new, client-made)."""

    concern_id: uuid.UUID
    text: str = Field(min_length=1, max_length=4000)


class HouseholdFields(_Payload):
    people_count: int | None = Field(default=None, ge=0, le=99)
    note: str | None = Field(default=None, max_length=2000)
    contact_phone: str | None = Field(default=None, max_length=32)


class HouseholdUpdate(_Payload):
    """``household.update``; ``entity_id`` is the household. Fields merge one by one against
    ``base_version``: a field the server changed since then keeps the server's value and
    becomes a ``conflict`` row."""

    base_version: int = Field(ge=1)
    fields: HouseholdFields


class ResidentFields(_Payload):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1890, le=2100)
    phone: str | None = Field(default=None, max_length=32)
    id_number: str | None = Field(default=None, max_length=32)
    relation: str | None = Field(default=None, max_length=32)
    flags: list[ResidentFlag] | None = None
    vaccination: Vaccination | None = None
    note: str | None = Field(default=None, max_length=2000)


class ResidentCreate(_Payload):
    """``resident.create``; ``entity_id`` is the new resident's id."""

    household_id: uuid.UUID
    name: str = Field(min_length=1, max_length=64)
    gender: Gender = "unknown"
    birth_year: int | None = Field(default=None, ge=1890, le=2100)
    phone: str | None = Field(default=None, max_length=32)
    id_number: str | None = Field(default=None, max_length=32)
    relation: str = Field(default="", max_length=32)
    flags: list[ResidentFlag] = Field(default_factory=list)
    vaccination: Vaccination = "unknown"
    note: str = Field(default="", max_length=2000)


class ResidentUpdate(_Payload):
    """``resident.update``; ``entity_id`` is the resident. Same merge rule as households."""

    base_version: int = Field(ge=1)
    fields: ResidentFields


class ResidentRemove(_Payload):
    """``resident.remove``: moved out or deceased; the row becomes a tombstone."""

    reason: Literal["moved_out", "deceased", "duplicate", "other"]
    note: str = Field(default="", max_length=2000)


class ConflictResolve(_Payload):
    """``conflict.resolve`` (staff and district heads); ``entity_id`` is the conflict."""

    keep: Literal["server", "client"]


class QuestionnaireReview(_Payload):
    """``questionnaire.review``; ``entity_id`` is the response. A head marks an answer dealt
    with, saying what came of it."""

    outcome: Literal["resident_updated", "concern_raised", "no_action"]
    note: str = Field(default="", max_length=2000)


class QuestionnaireResponse(_Payload):
    """``questionnaire.response``: written by the server's public form, never by phones."""

    questionnaire_id: uuid.UUID
    estate_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    answers: dict[str, AnswerValue]


MUTATION_PAYLOADS: dict[str, type[BaseModel]] = {
    "visit.record": VisitRecord,
    "concern.create": ConcernCreate,
    "concern.transition": ConcernTransition,
    "concern.comment": ConcernComment,
    "household.update": HouseholdUpdate,
    "resident.create": ResidentCreate,
    "resident.update": ResidentUpdate,
    "resident.remove": ResidentRemove,
    "conflict.resolve": ConflictResolve,
    "questionnaire.review": QuestionnaireReview,
    "questionnaire.response": QuestionnaireResponse,
}

#: Mutation types a phone may push (``questionnaire.response`` comes only from the public form).
PHONE_MUTATION_TYPES: frozenset[str] = frozenset(MUTATION_PAYLOADS) - {"questionnaire.response"}


# ---------------------------------------------------------------------------------------------
# Pull
# ---------------------------------------------------------------------------------------------


class Change(BaseModel):
    entity: EntityName
    id: str
    op: Literal["upsert", "delete"]
    version: int
    data: dict[str, Any] | None = None


class PullResponse(BaseModel):
    changes: list[Change]
    cursor: str
    has_more: bool


# ---- what pulled ``data`` carries, per entity (documentation and tests) ---------------------


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
    required: bool = False
    options: list[ChoiceOption] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None


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
    #: whole numbers only for roles that need them (staff); absent otherwise
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


class ConcernEventData(BaseModel):
    id: str
    concern_id: str
    user_id: str | None
    user_name: str
    action: Literal["created", "comment", "transition"]
    from_status: ConcernStatus | None = None
    to_status: ConcernStatus | None = None
    text: str = ""
    created_at: str


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
}


# ---------------------------------------------------------------------------------------------
# Helpers both sides use
# ---------------------------------------------------------------------------------------------


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``: the last four stay, so a phone tail still finds it."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str | None) -> str | None:
    """An 18-character ID-card number keeps its first 4 and last 4 characters."""
    if not id_number:
        return None
    s = id_number.strip()
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc_iso(value: dt.datetime | str | None) -> str | None:
    """Any ISO-8601 timestamp -> UTC ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, the one shape both
    sides store, so that timestamps compare as strings in time order. Naive values are taken
    as local time; None or "" stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def age_in(birth_year: int | None, year: int | None = None) -> int | None:
    if birth_year is None:
        return None
    return (year or dt.date.today().year) - birth_year


__all__ = [name for name in globals() if not name.startswith("_")]
