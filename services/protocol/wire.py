"""What travels over HTTP: auth, the push and pull envelopes, results and errors."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from services.protocol.enums import EntityName, Role
from services.protocol.types import SafeText

_strict = ConfigDict(extra="forbid")


def _not_a_number(value: Any) -> Any:
    # pydantic would read a number as seconds since 1970; the schema promises an ISO-8601 text
    if isinstance(value, int | float):
        raise ValueError("must be an ISO-8601 timestamp with an offset, not a number")
    return value


def new_id() -> str:
    """A fresh id: every id in the protocol is a UUID string (lower-case, hyphenated)."""
    return str(uuid.uuid4())


# ---- auth -----------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    model_config = _strict
    username: SafeText = Field(min_length=1, max_length=64)
    password: SafeText = Field(min_length=1, max_length=256)
    device_id: SafeText = Field(min_length=1, max_length=128)


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


# ---- push -----------------------------------------------------------------------------------


class Mutation(BaseModel):
    """One change made on a phone. ``payload`` and the window of ``created_at`` are checked
    per mutation (``check_mutation``), so one bad mutation is refused alone and never
    blocks its batch."""

    model_config = _strict
    id: uuid.UUID
    type: str = Field(min_length=1, max_length=64)
    entity_id: uuid.UUID
    payload: dict[str, Any]
    created_at: Annotated[AwareDatetime, BeforeValidator(_not_a_number)]


class PushRequest(BaseModel):
    model_config = _strict
    device_id: SafeText = Field(min_length=1, max_length=128)
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
    "unknown_user",  # an assignee who is not an active staff member or district head there
    "unknown_meeting",
)


# ---- pull -----------------------------------------------------------------------------------


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
