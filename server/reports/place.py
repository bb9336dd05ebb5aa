"""Where a report looks: the whole community, one district or one estate, as the principal
may see it. Staff see their community; a street user its communities; a district head their
own district (asking for none means theirs); a neighbour head no report at all. In a database
of one community "the community" is every row (no community filter to pay for)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, Connection, Select, select, true

from server.db.schema import communities, districts, estates, questionnaire_responses
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
    #: the communities a whole-community report covers; None = the whole database
    community_ids: tuple[str, ...] | None = None

    def estates_clause(self) -> ColumnElement[bool]:
        """The WHERE clause on ``estates`` that keeps the place's estates."""
        if self.estate_id is not None:
            return estates.c.id == self.estate_id
        if self.district_id is not None:
            return estates.c.district_id == self.district_id
        if self.community_ids is not None:
            return estates.c.district_id.in_(
                select(districts.c.id).where(districts.c.community_id.in_(self.community_ids))
            )
        return true()

    def estate_ids(self) -> Select:
        """The place's estate ids, as a subquery for ``column.in_(...)``."""
        return select(estates.c.id).where(self.estates_clause())

    def responses_clause(self) -> ColumnElement[bool]:
        """The WHERE clause on ``questionnaire_responses`` that keeps the place's answers: its
        estates', or for whole communities also their answers given with no estate."""
        if self.district_id is None and self.estate_id is None:
            if self.community_ids is None:
                return true()
            return questionnaire_responses.c.community_id.in_(self.community_ids)
        return questionnaire_responses.c.estate_id.in_(self.estate_ids())

    @property
    def is_community(self) -> bool:
        """The whole database: no place filter at all."""
        return self.district_id is None and self.estate_id is None and self.community_ids is None


def report_place(
    conn: Connection, principal: Principal, district_id: str | None, estate_id: str | None
) -> Place:
    """The place the principal asked for, checked against what they may see."""
    if principal.role not in ("staff", "district_head", "street"):
        raise ReportRefused("figures are for staff, district heads and streets")
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
    if principal.community_ids and _several_communities(conn):
        if district_id is not None and district_id not in principal.district_ids:
            raise ReportRefused("that district is in another community")
        if estate_id is not None and estate_id not in principal.estate_ids:
            raise ReportRefused("that estate is in another community")
        return Place(district_id, estate_id, tuple(principal.community_ids))
    return Place(district_id=district_id, estate_id=estate_id)


def _several_communities(conn: Connection) -> bool:
    return len(conn.execute(select(communities.c.id).limit(2)).all()) > 1
