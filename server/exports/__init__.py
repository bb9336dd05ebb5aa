"""Ledgers (台账) as Excel workbooks: ``export_ledger(engine, principal, kind, ...)`` answers
``GET /exports/{kind}.xlsx`` and ``python -m server export``.

Places and periods follow the reports' rules (server.reports): staff any place, a district
head their district, a neighbour head nothing. Whole phone and ID-card numbers only for staff
(or the operator at the command line) who say why; every export, masked or not, is recorded
in ``ledger_exports``. Refusals: ``ReportRefused`` / ``ExportRefused`` (403), ``UnknownPlace``
(404), ``PlaceMismatch`` / ``BadPeriod`` / ``BadExport`` (422).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from server.db.engine import read_tx, write_tx
from server.db.schema import ledger_exports
from server.domain.principal import Principal
from server.domain.timeutil import now_iso
from server.exports import ledgers
from server.exports.ledgers import KINDS
from server.exports.workbook import new_workbook
from server.reports.period import Period, local_today
from server.reports.place import report_place
from services.protocol import MAX_EXPORT_REASON, new_id

#: the reason for a full-value export: required, and kept short
MAX_REASON = MAX_EXPORT_REASON


#: who the command line exports as: the operator at the server sees what staff see
_OPERATOR = Principal(id="", username="cli", name="", role="staff", estate_ids=frozenset())


class ExportRefused(Exception):  # noqa: N818 - a refusal the route turns into 403
    """Whole numbers asked for by someone who is not staff."""


class BadExport(ValueError):
    """An unknown kind, half a period, or whole numbers without a reason (422)."""


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database stores it
        return False
    return True


@dataclasses.dataclass(frozen=True)
class Ledger:
    filename: str
    content: bytes
    rows: int


def export_ledger(
    engine: Engine,
    principal: Principal | None,
    kind: str,
    *,
    timezone: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
    district_id: str | None = None,
    estate_id: str | None = None,
    full: bool = False,
    reason: str = "",
    today: dt.date | None = None,
    reader: Engine | None = None,
) -> Ledger:
    """The ``kind`` ledger of a place (and period) as an .xlsx. ``principal`` None is the
    operator at the server's command line, who may see everything. The ledger is read from
    ``reader`` (a hot standby) when given; the audit row is always written to ``engine``."""
    if kind not in KINDS:
        raise BadExport(f"kind must be one of {', '.join(KINDS)}")
    if (first is None) != (last is None):
        raise BadExport("give both from and to, or neither")
    period = Period.of(first, last, timezone) if first is not None else None
    reason = reason.strip()
    if full:
        if principal is not None and not principal.is_staff:
            raise ExportRefused("whole phone and ID numbers are for staff only")
        if not reason:
            raise BadExport("say why whole phone and ID numbers are needed (reason)")
        if len(reason) > MAX_REASON or "\x00" in reason or not _encodable(reason):
            raise BadExport(f"reason: at most {MAX_REASON} characters of plain text")
    zone = ZoneInfo(timezone)
    buffer = io.BytesIO()
    wb = new_workbook(buffer)
    with read_tx(reader or engine) as conn:
        place = report_place(conn, principal or _OPERATOR, district_id, estate_id)
        if kind == "visits":
            n = ledgers.write_visits(wb, conn, place, period, zone)
        elif kind == "concerns":
            n = ledgers.write_concerns(
                wb, conn, place, period, zone, today or local_today(timezone)
            )
        elif kind == "residents":
            n = ledgers.write_residents(wb, conn, place, full=full)
        else:
            n = ledgers.write_responses(wb, conn, place, period, zone, full=full)
    wb.close()
    with write_tx(engine) as conn:
        conn.execute(
            ledger_exports.insert(),
            {
                "id": new_id(),
                "user_id": principal.id if principal else None,
                "operator": principal.username if principal else "cli",
                "kind": kind,
                "district_id": place.district_id,
                "estate_id": place.estate_id,
                "period_from": first.isoformat() if first else None,
                "period_to": last.isoformat() if last else None,
                "full_values": full,
                "reason": reason,
                "rows": n,
                "exported_at": now_iso(),
            },
        )
    span = f"-{first:%Y%m%d}-{last:%Y%m%d}" if first and last else ""
    return Ledger(f"{kind}{span}.xlsx", buffer.getvalue(), n)


__all__ = ["KINDS", "MAX_REASON", "BadExport", "ExportRefused", "Ledger", "export_ledger"]
