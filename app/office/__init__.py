"""The office's screens, for staff and district heads: the dashboard of figures with its
drill-down, the concern list with assignees and due dates, review meetings and call-backs,
and (staff only) the administration of logins, places, questionnaires and the checklist.

District heads use these on the phone too (their district's figures, meetings held offline),
so the phone build keeps this package; a neighbour head never reaches it: ``by_role`` sends
them to the phone screens.
"""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.office import admin, concern_list, dashboard, meetings
from services.protocol import runs_concern_workflow

BUILDERS = {
    "office_place": dashboard.build,
    "office_concerns": concern_list.build,
    "meetings": meetings.build_list,
    "meeting_new": meetings.build_new,
    "meeting": meetings.build_meeting,
    "admin": admin.build,
}


def by_role(
    phone: Callable[..., ft.View], office: Callable[..., ft.View]
) -> Callable[..., ft.View]:
    """A tab's builder: the office's screen for staff and district heads, else the phone's."""

    def build(state, **params) -> ft.View:
        chosen = office if runs_concern_workflow(state.role) else phone
        return chosen(state, **params)

    return build
