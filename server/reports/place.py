"""Where a report looks: the whole community, one district or one estate, as the principal
may see it. Staff see everything; a district head their own district (asking for none means
theirs); a neighbour head no report at all."""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, Connection, Select, select, true

from server.db.schema import districts, estates
from server.domain.principal import Principal


class ReportRefused(Exception):  # noqa: N818 - a refusal the route turns into 403
    """The principal may not see this place's figures."""


class UnknownPlace(LookupError):
    """No such district or estate (404)."""


class PlaceMismatch(ValueError):
    """The estate does not lie in the district asked for (422)."""


@dataclasses.dataclass(frozen=True)
class Place:
    district_id: str | None = None
    estate_id: str | None = None

    def estates_clause(self) -> ColumnElement[bool]:
        """The WHERE clause on ``estates`` that keeps the place's estates."""
        if self.estate_id is not None:
            return estates.c.id == self.estate_id
        if self.district_id is not None:
            return estates.c.district_id == self.district_id
        return true()

    def estate_ids(self) -> Select:
        """The place's estate ids, as a subquery for ``column.in_(...)``."""
        return select(estates.c.id).where(self.estates_clause())

    @property
    def is_community(self) -> bool:
        return self.district_id is None and self.estate_id is None


def report_place(
    conn: Connection, principal: Principal, district_id: str | None, estate_id: str | None
) -> Place:
    """The place the principal asked for, checked against what they may see."""
    if principal.role not in ("staff", "district_head"):
        raise ReportRefused("figures are for staff and district heads")
    if district_id is not None:
        found = conn.execute(select(districts.c.id).where(districts.c.id == district_id)).first()
        if found is None:
            raise UnknownPlace(f"district {district_id} does not exist")
    if estate_id is not None:
        estate_district = conn.execute(
            select(estates.c.district_id).where(estates.c.id == estate_id)
        ).scalar_one_or_none()
        if estate_district is None:
            raise UnknownPlace(f"estate {estate_id} does not exist")
        if district_id is not None and estate_district != district_id:
            raise PlaceMismatch(f"estate {estate_id} is not in district {district_id}")
    else:
        estate_district = None
    if principal.role == "district_head":
        mine = principal.district_id
        if mine is None:
            raise ReportRefused("this district head has no district")
        if district_id is not None and district_id != mine:
            raise ReportRefused("a district head sees their own district only")
        if estate_district is not None and estate_district != mine:
            raise ReportRefused("a district head sees their own district's estates only")
        district_id = mine
    return Place(district_id=district_id, estate_id=estate_id)
