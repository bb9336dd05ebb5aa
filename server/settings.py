"""Server settings: what an operator may tune, with the documented defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from server.domain.pull import MAX_PULL_BYTES

#: Working days a concern of each category has until it is due (时限); others get the default.
DEFAULT_DUE_WORKING_DAYS: Mapping[str, int] = MappingProxyType(
    {
        "设施维修": 3,
        "安全隐患": 2,
        "环境卫生": 3,
        "停车管理": 5,
        "物业管理": 5,
    }
)


@dataclasses.dataclass(frozen=True)
class Settings:
    #: how long a bearer token lives after login
    token_ttl: dt.timedelta = dt.timedelta(days=30)
    #: login rate limit: at most this many failures per username within the window ...
    login_failures_per_user: int = 5
    #: ... and this many per client address (all usernames together)
    login_failures_per_client: int = 20
    login_window: dt.timedelta = dt.timedelta(minutes=5)
    #: byte budget of one pull page (a single larger change still goes, alone)
    pull_max_bytes: int = MAX_PULL_BYTES
    #: the community's time zone: report periods are whole local days, due dates local dates
    community_timezone: str = "Asia/Shanghai"
    #: working days until a new concern is due, by category ...
    due_working_days: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: DEFAULT_DUE_WORKING_DAYS
    )
    #: ... and for categories not listed
    default_due_working_days: int = 5
    #: public holidays (no working day), besides Saturdays and Sundays ...
    holidays: frozenset[dt.date] = frozenset()
    #: ... and weekend days worked instead (调休)
    extra_workdays: frozenset[dt.date] = frozenset()

    def due_working_days_for(self, category: str) -> int:
        return self.due_working_days.get(category, self.default_due_working_days)
