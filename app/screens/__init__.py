"""One module per screen; each exposes ``build(state, **params) -> ft.View``. The home and
concerns tabs open the office's screens for staff and district heads (``app.office``)."""

from app import office
from app.screens import (
    concern,
    concerns,
    conflicts,
    estate,
    home,
    household,
    households,
    lock,
    login,
    member,
    past_visit,
    review,
    set_pin,
    settings,
    sync,
    visit,
    worklist,
)

BUILDERS = {
    "login": login.build,
    "lock": lock.build,
    "set_pin": set_pin.build,
    "home": office.by_role(home.build, office.dashboard.build, roles=office.FIGURE_ROLES),
    "households": households.build,
    "estate": estate.build,
    "household": household.build,
    "visit": visit.build,
    "past_visit": past_visit.build,
    "member": member.build,
    "concerns": office.by_role(concerns.build, office.concern_list.build),
    "concern": concern.build,
    "conflicts": conflicts.build,
    "review": review.build,
    "sync": sync.build,
    "settings": settings.build,
    "worklist": worklist.build,
    **office.BUILDERS,
}
