"""The closed vocabularies both sides share: roles, kinds, flags, question, mutation and
entity types."""

from __future__ import annotations

from typing import Literal

#: ``street``: a 街道 (street office) login, reading its communities' lists and reports only
Role = Literal["head", "district_head", "staff", "street"]
ROLES: tuple[str, ...] = ("head", "district_head", "staff", "street")

VisitMethod = Literal["in_person", "phone"]
ConcernKind = Literal["request", "complaint", "suggestion"]

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
    "resident.reveal",
    "conflict.resolve",
    "questionnaire.review",
    "questionnaire.response",
    "concern.assign",
    "concern.callback",
    "meeting.open",
    "meeting.decide",
    "meeting.close",
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
    "review_meeting",
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
    "review_meeting",
)
