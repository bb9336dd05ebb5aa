"""The concern (訴求) state machine: statuses, the moves between them, and who may make
each move."""

from __future__ import annotations

from typing import Literal

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
