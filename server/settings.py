"""Server settings: what an operator may tune, with the documented defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt

from server.domain.pull import MAX_PULL_BYTES


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
