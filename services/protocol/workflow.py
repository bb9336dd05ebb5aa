"""The office's concern workflow: assigning concerns and their due dates, call-backs after a
resolution, and review meetings (研判会) with one decision per concern. Payloads of its
mutation types and the pulled data of a meeting.

Who: district heads (in their district) and staff; a neighbour head is refused with
``forbidden``. Every step leaves a concern event, so the concern's history says who did
what and when (docs/sync-protocol.md "The concern workflow").
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.protocol.concerns import CallbackOutcome, ReviewDecision
from services.protocol.types import Day, SafeText, Timestamp

#: Most concerns one meeting's agenda may hold.
MAX_AGENDA = 200


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConcernAssign(_Payload):
    """``concern.assign``; ``entity_id`` is the concern event's id (new, client-made). Sets who
    follows an open or in-review concern up, its due date, or both (at least one)."""

    concern_id: uuid.UUID
    assignee_id: uuid.UUID | None = None
    due_date: Day | None = None
    note: SafeText = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _something_to_set(self) -> ConcernAssign:
        if self.assignee_id is None and self.due_date is None:
            raise ValueError("give assignee_id, due_date or both")
        return self


class ConcernCallback(_Payload):
    """``concern.callback``; ``entity_id`` is the concern event's id. The resident's verdict on
    a resolved concern; ``dissatisfied`` reopens it."""

    concern_id: uuid.UUID
    outcome: CallbackOutcome
    note: SafeText = Field(default="", max_length=4000)


class MeetingOpen(_Payload):
    """``meeting.open``; ``entity_id`` is the new meeting's id. The agenda: open or in-review
    concerns of the meeting's place, in order; the open ones move to in review."""

    title: SafeText = Field(min_length=1, max_length=128)
    held_at: Timestamp
    #: the district the meeting covers; null = the whole community (staff only). A district
    #: head's meeting is always their own district's.
    district_id: uuid.UUID | None = None
    agenda: list[uuid.UUID] = Field(min_length=1, max_length=MAX_AGENDA)

    @model_validator(mode="after")
    def _agenda_once_each(self) -> MeetingOpen:
        if len(set(self.agenda)) != len(self.agenda):
            raise ValueError("agenda: a concern appears twice")
        return self


class MeetingDecide(_Payload):
    """``meeting.decide``; ``entity_id`` is the concern event's id. One decision for one
    concern on an open meeting's agenda:

    - ``resolve``: the concern is resolved;
    - ``refer``: referred to ``department`` (required);
    - ``assign``: follow-up by ``assignee_id`` with a new ``due_date`` (both required); the
      concern stays in review;
    - ``merge``: a duplicate of ``merge_into`` (required, another unmerged concern the decider
      may write); it is closed and points there.
    """

    meeting_id: uuid.UUID
    concern_id: uuid.UUID
    decision: ReviewDecision
    department: SafeText | None = Field(default=None, min_length=1, max_length=64)
    assignee_id: uuid.UUID | None = None
    due_date: Day | None = None
    merge_into: uuid.UUID | None = None
    note: SafeText = Field(default="", max_length=4000)

    @model_validator(mode="after")
    def _decision_has_its_fields(self) -> MeetingDecide:
        needs = {
            "refer": ("department",),
            "assign": ("assignee_id", "due_date"),
            "merge": ("merge_into",),
            "resolve": (),
        }[self.decision]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.decision} needs {', '.join(missing)}")
        if self.merge_into is not None and self.merge_into == self.concern_id:
            raise ValueError("merge_into: a concern cannot be merged into itself")
        return self


class MeetingClose(_Payload):
    """``meeting.close``; ``entity_id`` is the meeting. Keeps the minutes; no decision is taken
    after it."""

    minutes: SafeText = Field(default="", max_length=20000)


# ---- pulled data ---------------------------------------------------------------------------


class ReviewItemData(BaseModel):
    concern_id: str
    position: int
    decision: ReviewDecision | None = None
    department: str | None = None
    assignee_id: str | None = None
    due_date: str | None = None
    merged_into: str | None = None
    note: str = ""
    decided_by: str | None = None
    decided_at: str | None = None


class ReviewMeetingData(BaseModel):
    id: str
    title: str
    district_id: str | None = None
    held_at: str
    status: Literal["open", "closed"]
    minutes: str = ""
    created_by: str
    created_by_name: str
    created_at: str
    updated_at: str
    items: list[ReviewItemData]
    version: int


class ConcernEventDetail(BaseModel):
    """What an ``assign``, ``callback`` or ``decision`` event carries besides its text."""

    model_config = ConfigDict(extra="allow")
    meeting_id: str | None = None
    decision: ReviewDecision | None = None
    department: str | None = None
    assignee_id: str | None = None
    due_date: str | None = None
    merged_into: str | None = None
    outcome: CallbackOutcome | None = None
