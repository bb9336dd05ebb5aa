"""The closed vocabularies both sides share: roles, kinds, flags, question, mutation and
entity types."""

from __future__ import annotations

from typing import Literal, get_args

#: ``street``: a 街道 (street office) login, reading its communities' lists and reports only
Role = Literal["head", "district_head", "staff", "street"]
ROLES: tuple[str, ...] = get_args(Role)

VisitMethod = Literal["in_person", "phone"]
ConcernKind = Literal["request", "complaint", "suggestion"]

#: Resident flags the phone may set. "aged 60+" is never a flag: it is derived from birth_year.
ResidentFlag = Literal["lives_alone", "needs_help", "disabled", "low_income", "party_member"]
RESIDENT_FLAGS: tuple[str, ...] = get_args(ResidentFlag)
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
ENTITIES: tuple[str, ...] = get_args(EntityName)
