"""What every office read shares: the place asked for (``district_id``, ``estate_id``) with
the community's time zone, as one dependency, and the refusals of ``server.reports`` as HTTP
answers (403, 404, 422)."""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, status

from server.reports import BadPeriod, PlaceMismatch, ReportRefused, UnknownPlace


@dataclasses.dataclass(frozen=True)
class ReportScope:
    """The place of a report (nothing set: the asker's whole scope) and the zone its local
    days are in."""

    timezone: str
    district_id: str | None = None
    estate_id: str | None = None

    def place(self) -> dict[str, Any]:
        """The keyword arguments ``server.reports`` takes for the place and zone."""
        return {
            "timezone": self.timezone,
            "district_id": self.district_id,
            "estate_id": self.estate_id,
        }


def report_scope(
    request: Request,
    district_id: Annotated[uuid.UUID | None, Query()] = None,
    estate_id: Annotated[uuid.UUID | None, Query()] = None,
) -> ReportScope:
    return ReportScope(
        timezone=request.app.state.settings.community_timezone,
        district_id=str(district_id) if district_id else None,
        estate_id=str(estate_id) if estate_id else None,
    )


ScopeDep = Annotated[ReportScope, Depends(report_scope)]


@contextlib.contextmanager
def report_refusals(
    *forbidden: type[Exception], bad: tuple[type[Exception], ...] = ()
) -> Iterator[None]:
    """Turn a report's refusals into HTTP answers: not yours (``ReportRefused`` and
    ``forbidden``) 403, no such place 404, a bad period or place (and ``bad``) 422."""
    try:
        yield
    except (ReportRefused, *forbidden) as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except UnknownPlace as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except (BadPeriod, PlaceMismatch, *bad) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None


__all__ = ["ReportScope", "ScopeDep", "report_refusals", "report_scope"]
