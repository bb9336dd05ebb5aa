"""Mutation payloads: what ``Mutation.payload`` holds, one model per mutation type.

Every field is bounded (``services.protocol.types``): text is ``SafeText`` with a length,
numbers have ranges, versions fit 32 bits, timestamps lie in the window. Validate through
``check_mutation`` (``services.protocol.checks``), which adds the checks a model cannot make
alone (size, depth, answers against their questions)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.protocol.concerns import ConcernStatus
from services.protocol.enums import (
    RESIDENT_FLAGS,
    ConcernKind,
    Gender,
    ResidentFlag,
    Vaccination,
    VisitMethod,
)
from services.protocol.types import Answers, Day, SafeText, Timestamp, Version
from services.protocol.workflow import (
    ConcernAssign,
    ConcernCallback,
    MeetingClose,
    MeetingDecide,
    MeetingOpen,
)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VisitRecord(_Payload):
    """``visit.record``; ``entity_id`` is the new visit's id."""

    household_id: uuid.UUID
    visited_at: Timestamp
    method: VisitMethod
    people_reached: int = Field(ge=0, le=99)
    checklist_version: Version
    answers: Answers = Field(default_factory=dict)
    notes: SafeText = Field(default="", max_length=4000)
    follow_up_date: Day | None = None
    reached_resident_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ConcernCreate(_Payload):
    """``concern.create``; ``entity_id`` is the new concern's id."""

    household_id: uuid.UUID
    resident_id: uuid.UUID | None = None
    kind: ConcernKind
    category: SafeText = Field(min_length=1, max_length=64)
    description: SafeText = Field(min_length=1, max_length=4000)
    visit_id: uuid.UUID | None = None


class ConcernTransition(_Payload):
    """``concern.transition``; ``entity_id`` is the concern event's id (new, client-made)."""

    concern_id: uuid.UUID
    to_status: ConcernStatus
    note: SafeText = Field(default="", max_length=4000)


class ConcernComment(_Payload):
    """``concern.comment``; ``entity_id`` is the concern event's id (new, client-made)."""

    concern_id: uuid.UUID
    text: SafeText = Field(min_length=1, max_length=4000)


class HouseholdFields(_Payload):
    people_count: int | None = Field(default=None, ge=0, le=99)
    note: SafeText | None = Field(default=None, max_length=2000)
    contact_phone: SafeText | None = Field(default=None, max_length=32)


class HouseholdUpdate(_Payload):
    """``household.update``; ``entity_id`` is the household. Fields merge one by one against
    ``base_version``: a field the server changed since then keeps the server's value and
    becomes a ``conflict`` row."""

    base_version: Version
    fields: HouseholdFields


class ResidentFields(_Payload):
    name: SafeText | None = Field(default=None, min_length=1, max_length=64)
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1890, le=2100)
    phone: SafeText | None = Field(default=None, max_length=32)
    id_number: SafeText | None = Field(default=None, max_length=32)
    relation: SafeText | None = Field(default=None, max_length=32)
    flags: list[ResidentFlag] | None = Field(default=None, max_length=len(RESIDENT_FLAGS))
    vaccination: Vaccination | None = None
    note: SafeText | None = Field(default=None, max_length=2000)


class ResidentCreate(_Payload):
    """``resident.create``; ``entity_id`` is the new resident's id."""

    household_id: uuid.UUID
    name: SafeText = Field(min_length=1, max_length=64)
    gender: Gender = "unknown"
    birth_year: int | None = Field(default=None, ge=1890, le=2100)
    phone: SafeText | None = Field(default=None, max_length=32)
    id_number: SafeText | None = Field(default=None, max_length=32)
    relation: SafeText = Field(default="", max_length=32)
    flags: list[ResidentFlag] = Field(default_factory=list, max_length=len(RESIDENT_FLAGS))
    vaccination: Vaccination = "unknown"
    note: SafeText = Field(default="", max_length=2000)


class ResidentUpdate(_Payload):
    """``resident.update``; ``entity_id`` is the resident. Same merge rule as households."""

    base_version: Version
    fields: ResidentFields


class ResidentRemove(_Payload):
    """``resident.remove``: moved out or deceased; the row becomes a tombstone."""

    reason: Literal["moved_out", "deceased", "duplicate", "other"]
    note: SafeText = Field(default="", max_length=2000)


class ResidentReveal(_Payload):
    """``resident.reveal``: the phone showed a resident's whole number (to call them);
    ``entity_id`` is the reveal's own id. The server keeps it for the office's audit (who:
    the pushing user and device; when: the mutation's ``created_at``). It changes no record
    and is never refused for scope: it reports something that already happened."""

    resident_id: uuid.UUID
    field: Literal["phone"] = "phone"


class ConflictResolve(_Payload):
    """``conflict.resolve`` (staff and district heads); ``entity_id`` is the conflict."""

    keep: Literal["server", "client"]


class QuestionnaireReview(_Payload):
    """``questionnaire.review``; ``entity_id`` is the response. A head marks an answer dealt
    with, saying what came of it."""

    outcome: Literal["resident_updated", "concern_raised", "no_action"]
    note: SafeText = Field(default="", max_length=2000)


class QuestionnaireResponse(_Payload):
    """``questionnaire.response``: written by the server's public form, never by phones."""

    questionnaire_id: uuid.UUID
    estate_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    answers: Answers


MUTATION_PAYLOADS: dict[str, type[BaseModel]] = {
    "visit.record": VisitRecord,
    "concern.create": ConcernCreate,
    "concern.transition": ConcernTransition,
    "concern.comment": ConcernComment,
    "household.update": HouseholdUpdate,
    "resident.create": ResidentCreate,
    "resident.update": ResidentUpdate,
    "resident.remove": ResidentRemove,
    "resident.reveal": ResidentReveal,
    "conflict.resolve": ConflictResolve,
    "questionnaire.review": QuestionnaireReview,
    "questionnaire.response": QuestionnaireResponse,
    "concern.assign": ConcernAssign,
    "concern.callback": ConcernCallback,
    "meeting.open": MeetingOpen,
    "meeting.decide": MeetingDecide,
    "meeting.close": MeetingClose,
}

#: Mutation types a phone may push (``questionnaire.response`` comes only from the public form).
PHONE_MUTATION_TYPES: frozenset[str] = frozenset(MUTATION_PAYLOADS) - {"questionnaire.response"}
