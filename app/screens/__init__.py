"""One module per screen; each exposes ``build(state, **params) -> ft.View``."""

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
)

BUILDERS = {
    "login": login.build,
    "lock": lock.build,
    "set_pin": set_pin.build,
    "home": home.build,
    "households": households.build,
    "estate": estate.build,
    "household": household.build,
    "visit": visit.build,
    "past_visit": past_visit.build,
    "member": member.build,
    "concerns": concerns.build,
    "concern": concern.build,
    "conflicts": conflicts.build,
    "review": review.build,
    "sync": sync.build,
    "settings": settings.build,
}
