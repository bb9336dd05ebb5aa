"""A report period: whole local days ``first`` .. ``last`` in the community's time zone, as
the half-open UTC range the stored timestamps are compared with (they sort as text)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from services.protocol import utc_iso

#: Dates a report may ask for; outside them a period is refused, not overflowed.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


class BadPeriod(ValueError):
    """The dates do not make a period (reversed, or outside EARLIEST .. LATEST)."""


@dataclasses.dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    timezone: str

    @classmethod
    def of(cls, first: dt.date, last: dt.date, timezone: str) -> Period:
        if first > last:
            raise BadPeriod(f"from ({first}) is after to ({last})")
        for name, day in (("from", first), ("to", last)):
            if not EARLIEST <= day <= LATEST:
                raise BadPeriod(f"{name} must lie between {EARLIEST} and {LATEST}")
        return cls(first, last, timezone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _midnight(self, day: dt.date) -> str:
        return utc_iso(dt.datetime.combine(day, dt.time.min, self.zone))

    @property
    def start(self) -> str:
        """The first instant of ``first`` (local), as a stored UTC timestamp."""
        return self._midnight(self.first)

    @property
    def end(self) -> str:
        """The first instant after ``last`` (local): the range is ``start <= t < end``."""
        return self._midnight(self.last + dt.timedelta(days=1))

    def end_minus(self, days: int) -> str:
        """The instant ``days`` whole local days before ``end``."""
        return self._midnight(self.last + dt.timedelta(days=1 - days))

    def week_starts(self) -> list[dt.date]:
        """The Mondays of the weeks the period touches, the first on or before ``first``."""
        monday = self.first - dt.timedelta(days=self.first.weekday())
        return [monday + dt.timedelta(weeks=i) for i in range((self.last - monday).days // 7 + 1)]

    def midnight(self, day: dt.date) -> str:
        """The first instant of a local ``day``, as a stored UTC timestamp."""
        return self._midnight(day)


def local_today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()
