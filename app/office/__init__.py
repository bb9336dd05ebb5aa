"""The office's screens, for staff and district heads: the dashboard of figures with its
drill-down, the concern list with assignees and due dates, review meetings and call-backs,
and (staff only) the administration of logins, places, questionnaires and the checklist.

District heads use these on the phone too (their district's figures, meetings held offline),
so the phone build keeps this package; a street office (街道) login gets the dashboard of its
communities, figures only; a neighbour head never reaches it: ``by_role`` sends them to the
phone screens.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import flet as ft

from app.office import admin, concern_list, dashboard, meetings, questionnaire_editor
from services.protocol import runs_concern_workflow

BUILDERS = {
    "office_place": dashboard.build,
    "office_concerns": concern_list.build,
    "meetings": meetings.build_list,
    "meeting_new": meetings.build_new,
    "meeting": meetings.build_meeting,
    "admin": admin.build,
    "questionnaire_edit": questionnaire_editor.build,
}


#: who gets the office's dashboard as their home: the concern workflow's roles, and the
#: street office (街道), which reads its communities' figures only
FIGURE_ROLES = frozenset({"district_head", "staff", "street"})


def by_role(
    phone: Callable[..., ft.View],
    office: Callable[..., ft.View],
    *,
    roles: Collection[str] | None = None,
) -> Callable[..., ft.View]:
    """A tab's builder: the office's screen for ``roles`` (default: staff and district
    heads, who run the concern workflow), else the phone's."""

    def build(state, **params) -> ft.View:
        office_role = (
            state.role in roles if roles is not None else runs_concern_workflow(state.role)
        )
        return (office if office_role else phone)(state, **params)

    return build
