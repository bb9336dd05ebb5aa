"""Who the office may give a concern to: the active staff of the asker's community and the
district heads of the districts the asker sees (a district head takes their own district's
concerns only; ``concern.assign`` refuses anyone else)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, or_, select

from server.db.schema import users
from server.domain.principal import Principal
from server.reports.place import ReportRefused
from services.protocol import runs_concern_workflow


def list_assignees(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """``[{id, name, role, district_id}]`` by name; staff and district heads only ask."""
    if not runs_concern_workflow(principal.role):
        raise ReportRefused("only district heads and staff give concerns to people")
    districts = (
        principal.district_ids
        if principal.role == "staff"
        else frozenset({principal.district_id} - {None})
    )
    community = principal.community_id
    rows = conn.execute(
        select(users.c.id, users.c.name, users.c.role, users.c.district_id)
        .where(
            users.c.active.is_(True),
            or_(
                and_(users.c.role == "staff", users.c.community_id == community),
                and_(users.c.role == "district_head", users.c.district_id.in_(districts)),
            ),
        )
        .order_by(users.c.name, users.c.id)
    )
    return [
        {
            "id": r.id,
            "name": r.name,
            "role": r.role,
            "district_id": r.district_id if r.role == "district_head" else None,
        }
        for r in rows
    ]
