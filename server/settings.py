"""Server settings: what an operator may tune, with the documented defaults.

``Settings.from_env()`` reads overrides from ``XIANGLIN_<FIELD>`` environment variables
(``XIANGLIN_LOGIN_HASH_SLOTS=8``; durations in seconds), so a deployment can tune limits
without code; anything not set keeps its default here (docs/operations.md lists them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from types import MappingProxyType

from server.domain.pull import MAX_PULL_BYTES

ENV_PREFIX = "XIANGLIN_"

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

    # Login limits (server.domain.login_limits explains how they combine). Failures count
    # within login_window unless said otherwise.
    login_window: dt.timedelta = dt.timedelta(minutes=5)
    #: failures of one account from one client address
    login_failures_per_account_address: int = 5
    #: failures from one client address, all accounts together
    login_failures_per_client: int = 20
    #: failures of one account from one device that has signed in to it before
    login_failures_per_known_device: int = 10
    #: failures of one account from everywhere within login_account_window; past it only
    #: devices and addresses that have signed in to the account before may still try
    login_failures_per_account: int = 30
    login_account_window: dt.timedelta = dt.timedelta(hours=1)

    # Password hashing (argon2id, server.domain.passwords): at most this many at once per
    # server process; a login waits at most login_hash_wait for a slot, and at most
    # login_hash_queue logins wait at all; the others get 503 with Retry-After at once.
    login_hash_slots: int = 4
    login_hash_wait: dt.timedelta = dt.timedelta(seconds=1)
    login_hash_queue: int = 32

    #: pushes one server process works on at once; more wait their turn (server.api.turns)
    push_turns: int = 2

    # Public questionnaire form, per client address within form_window.
    form_window: dt.timedelta = dt.timedelta(minutes=10)
    #: submissions (POST)
    form_submissions_per_client: int = 10
    #: forms handed out (GET), each with a fresh render token
    form_tokens_per_client: int = 60

    def due_working_days_for(self, category: str) -> int:
        return self.due_working_days.get(category, self.default_due_working_days)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Defaults, then ``XIANGLIN_<FIELD>`` variables, then ``overrides``. A malformed or
        out-of-range value raises ValueError naming the variable."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in dataclasses.fields(cls):
            name = ENV_PREFIX + f.name.upper()
            raw = environ.get(name)
            if raw is None or not isinstance(f.default, int | dt.timedelta | str):
                continue  # only numbers, durations and names come from the environment
            if isinstance(f.default, str):
                values[f.name] = raw
                continue
            try:
                number = float(raw) if isinstance(f.default, dt.timedelta) else int(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, not {raw!r}") from None
            if not number > 0 or number > 10**9:
                raise ValueError(f"{name} must be above 0 and at most 10^9, not {raw!r}")
            values[f.name] = (
                dt.timedelta(seconds=number) if isinstance(f.default, dt.timedelta) else number
            )
        values.update(overrides)
        return cls(**values)
