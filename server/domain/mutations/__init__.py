"""Mutation handlers, one per protocol mutation type: ``HANDLERS[type](ctx, mutation,
payload)`` writes the change (or raises ``Reject``) and stages its change-log rows."""

from __future__ import annotations

from collections.abc import Callable

from server.domain.mutations.concerns import comment_concern, create_concern, transition_concern
from server.domain.mutations.conflicts import resolve_conflict
from server.domain.mutations.context import ChangeSink, Ctx, Reject
from server.domain.mutations.meetings import close_meeting, decide, open_meeting
from server.domain.mutations.records import (
    create_resident,
    remove_resident,
    update_household,
    update_resident,
)
from server.domain.mutations.reveals import record_reveal
from server.domain.mutations.visits import record_visit
from server.domain.mutations.workflow import assign_concern, callback_concern
from server.domain.responses import review_response

HANDLERS: dict[str, Callable] = {
    "visit.record": record_visit,
    "concern.create": create_concern,
    "concern.transition": transition_concern,
    "concern.comment": comment_concern,
    "household.update": update_household,
    "resident.create": create_resident,
    "resident.update": update_resident,
    "resident.remove": remove_resident,
    "resident.reveal": record_reveal,
    "conflict.resolve": resolve_conflict,
    "questionnaire.review": review_response,
    "concern.assign": assign_concern,
    "concern.callback": callback_concern,
    "meeting.open": open_meeting,
    "meeting.decide": decide,
    "meeting.close": close_meeting,
}

__all__ = ["HANDLERS", "ChangeSink", "Ctx", "Reject"]
