"""The concern (訴求) state machine: statuses, the moves between them, and who may make
each move."""

from __future__ import annotations

from typing import Literal

ConcernStatus = Literal["open", "in_review", "resolved", "referred", "closed"]
CONCERN_STATUSES: tuple[str, ...] = ("open", "in_review", "resolved", "referred", "closed")

#: Statuses a concern is still being worked on in: the ones that can be overdue.
UNFINISHED_STATUSES: tuple[str, ...] = ("open", "in_review")

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


#: What a concern's history records: its creation, comments, moves, and the office's steps.
ConcernEventAction = Literal["created", "comment", "transition", "assign", "callback", "decision"]
CONCERN_EVENT_ACTIONS: tuple[str, ...] = (
    "created",
    "comment",
    "transition",
    "assign",
    "callback",
    "decision",
)

#: The resident's verdict when called back after a resolution (满意 / 基本满意 / 不满意).
CallbackOutcome = Literal["satisfied", "basically_satisfied", "dissatisfied"]
CALLBACK_OUTCOMES: tuple[str, ...] = ("satisfied", "basically_satisfied", "dissatisfied")
#: the call-back outcome that reopens the concern
REOPENING_OUTCOME = "dissatisfied"

#: What a review meeting (研判会) decides for one concern on its agenda.
ReviewDecision = Literal["resolve", "refer", "assign", "merge"]
REVIEW_DECISIONS: tuple[str, ...] = ("resolve", "refer", "assign", "merge")


def runs_concern_workflow(role: str) -> bool:
    """Whether ``role`` may assign concerns, set due dates, hold review meetings and record
    call-backs: the office's side, district heads and staff."""
    return role in ("district_head", "staff")
