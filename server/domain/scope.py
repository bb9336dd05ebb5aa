"""Scope: which rows a user may read and write, and what personal data leaves for their role.

Everyone reads and writes inside their community (a street user: its communities, read
only); a pull reads only those communities' change logs (``server.domain.pull``).

Write scope is decided on a row's place (estate, district): a head writes only in their
estates, a district head in their district, staff anywhere in their community, a street user
nowhere. Read scope within a community's log is a filter on ``estate_id`` / ``district_id``
(docs/contracts.md): a head gets their estates' rows, the district rows of their estates'
districts and community-wide rows; a district head their district's rows and community-wide
rows; staff and street users everything, including ``STAFF_ONLY``. A street user receives
personal data masked as a district head does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select, true

from server.db.changelog import STAFF_ONLY
from server.db.schema import changes, estates
from server.domain.entities import PERSONAL_FIELDS
from server.domain.principal import Principal
from services.protocol import mask_id_number, mask_phone

_FIELD_MASKS = {"phone": mask_phone, "contact_phone": mask_phone, "id_number": mask_id_number}

#: Personal fields a role other than staff still receives whole. A neighbour head calls the
#: residents of their estates (电话走访 is one of the two visit methods) where a data signal
#: may be missing, so their residents' phone numbers come whole; the app shows them masked
#: and records every reveal (``resident.reveal``). ID numbers and everything for district
#: heads stay masked. Raising this set is a policy change: bump ``MASK_POLICY`` with it.
WHOLE_FOR_ROLE: dict[str, dict[str, frozenset[str]]] = {"head": {"resident": frozenset({"phone"})}}
#: Part of the scope fingerprint, so a cursor taken under another masking policy is refused
#: and the phone pulls again (receiving the rows as the policy now says).
MASK_POLICY = "m2"


def may_write(principal: Principal, estate_id: str | None, district_id: str | None) -> bool:
    """Whether ``principal`` may write a row placed in (estate_id, district_id)."""
    if principal.role == "street":
        return False
    if principal.role == "staff":
        # inside their community: its estates and districts, or a row with no place
        if estate_id is not None:
            return estate_id in principal.estate_ids
        if district_id is not None and district_id != STAFF_ONLY:
            return district_id in principal.district_ids
        return True
    if district_id == STAFF_ONLY:
        return False
    if principal.role == "district_head":
        return district_id is not None and district_id == principal.district_id
    return estate_id is not None and estate_id in principal.estate_ids


def head_districts(conn: Connection, principal: Principal) -> list[str]:
    if not principal.estate_ids:
        return []
    return sorted(
        set(
            conn.execute(
                select(estates.c.district_id).where(estates.c.id.in_(principal.estate_ids))
            ).scalars()
        )
    )


def pull_filter(conn: Connection, principal: Principal) -> ColumnElement[bool]:
    """The WHERE clause on ``changes`` that keeps a pull inside the principal's scope."""
    community_wide = and_(changes.c.estate_id.is_(None), changes.c.district_id.is_(None))
    if principal.role in ("staff", "street"):
        return true()
    if principal.role == "district_head":
        return or_(changes.c.district_id == principal.district_id, community_wide)
    districts = head_districts(conn, principal)
    return or_(
        changes.c.estate_id.in_(sorted(principal.estate_ids)),
        and_(changes.c.estate_id.is_(None), changes.c.district_id.in_(districts)),
        community_wide,
    )


def scope_fingerprint(principal: Principal) -> str:
    """A short hash of what the principal may see; a cursor taken under another scope is
    no longer valid (the phone must start again)."""
    if principal.role == "staff":
        basis = "staff"
    elif principal.role == "street":
        basis = f"street|{MASK_POLICY}|" + ",".join(principal.community_ids)
    elif principal.role == "district_head":
        basis = f"district_head|{principal.district_id}"
    else:
        basis = f"head|{MASK_POLICY}|" + ",".join(sorted(principal.estate_ids))
    return hashlib.sha256(basis.encode()).hexdigest()[:12]


def mask_for(
    principal: Principal, entity: str, data: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Pull data as the principal may receive it: for roles other than staff, whole phone,
    ID-card and contact numbers are removed (their ``*_masked`` forms stay) except those
    ``WHOLE_FOR_ROLE`` grants, and conflicts over such a field carry masked values."""
    if data is None or principal.role == "staff":
        return data
    fields = PERSONAL_FIELDS.get(entity)
    if fields:
        kept = WHOLE_FOR_ROLE.get(principal.role, {}).get(entity, frozenset())
        return {k: v for k, v in data.items() if k not in fields or k in kept}
    if entity == "conflict" and data.get("field") in _FIELD_MASKS:
        mask = _FIELD_MASKS[data["field"]]
        data = dict(data)
        for key in ("server_value", "client_value"):
            value = data.get(key)
            data[key] = mask(value) if isinstance(value, str) else value
    return data
