"""What the office's administration routes (``/admin/...``, staff only) take and give back:
logins, districts and estates, questionnaires, the visit checklist, the phone-number reveal
audit. Passwords go in and never come back."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.protocol.entities import LocalizedText, Question
from services.protocol.enums import Role

#: reveals per page of the audit
MAX_REVEAL_PAGE = 200


class _In(BaseModel):
    # strict: ``"active": 0`` or ``"name": 5`` is a mistake to refuse, not to coerce
    model_config = ConfigDict(extra="forbid", strict=True)


class UserOut(BaseModel):
    id: str
    username: str
    name: str
    role: Role
    district_id: str | None = None
    active: bool
    estate_ids: list[str]
    created_at: str


class UserList(BaseModel):
    users: list[UserOut]


class UserCreate(_In):
    username: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=64)
    role: Role
    password: str = Field(max_length=256)


class PasswordReset(_In):
    password: str = Field(max_length=256)


class Assignment(_In):
    """A head's estates (the whole new set) or a district head's district: exactly one."""

    estate_ids: list[str] | None = Field(default=None, max_length=500)
    district_id: str | None = None


class UserChanged(BaseModel):
    user: UserOut
    #: signed-in sessions (tokens) this change ended
    sessions_ended: int = 0


class EstateOut(BaseModel):
    id: str
    name: str
    district_id: str
    kind: Literal["estate", "apartment"]
    version: int


class DistrictOut(BaseModel):
    id: str
    name: str
    version: int
    estates: list[EstateOut] = []


class PlaceList(BaseModel):
    districts: list[DistrictOut]


class NameIn(_In):
    name: str = Field(min_length=1, max_length=64)


class EstateCreate(_In):
    district_id: str
    name: str = Field(min_length=1, max_length=64)
    kind: Literal["estate", "apartment"] = "estate"


class QuestionnaireOut(BaseModel):
    id: str
    slug: str
    version: int
    title: LocalizedText
    intro: LocalizedText
    questions: list[dict[str, Any]]
    active: bool


class QuestionnaireList(BaseModel):
    questionnaires: list[QuestionnaireOut]


class QuestionnaireSaved(BaseModel):
    #: created, updated (a new version) or unchanged (nothing written)
    outcome: Literal["created", "updated", "unchanged"]
    questionnaire: QuestionnaireOut


class ActiveIn(_In):
    active: bool


class ChecklistOut(BaseModel):
    id: str
    version: int
    title: LocalizedText
    questions: list[Question]
    active: bool
    created_at: str


class ChecklistList(BaseModel):
    #: newest first; the active one is what phones ask on a visit
    checklists: list[ChecklistOut]


class RevealOut(BaseModel):
    id: str
    revealed_at: str
    recorded_at: str
    field: str
    username: str
    user_name: str
    device_id: str
    resident_id: str
    #: the surname only
    resident_masked: str
    estate_name: str
    address: str


class RevealPage(BaseModel):
    total: int
    offset: int
    limit: int
    reveals: list[RevealOut]
