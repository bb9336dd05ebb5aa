"""One pull page: the changes after a cursor, inside the principal's scope, masked for role.

The page is read in one read transaction (a single snapshot: REPEATABLE READ on PostgreSQL,
one WAL snapshot on SQLite). Because change sequence numbers become visible in order (see
``server.db.changelog``), "seq > cursor ORDER BY seq" never skips a row that commits late.
When the page is the last one, the cursor moves to the counter value in the same snapshot,
so the next pull does not rescan rows outside the scope.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from server.db.changelog import current_seq, history_floor
from server.db.engine import read_tx
from server.db.schema import changes
from server.domain.cursor import StaleCursor, decode_cursor, encode_cursor
from server.domain.principal import Principal
from server.domain.scope import mask_for, pull_filter, scope_fingerprint


def pull_page(
    engine: Engine, principal: Principal, cursor: str | None, limit: int
) -> dict[str, Any]:
    """``{"changes": [...], "cursor": str, "has_more": bool}``.

    Raises MalformedCursor (400) or StaleCursor (410).
    """
    fingerprint = scope_fingerprint(principal)
    after = 0
    if cursor:
        after, taken_under = decode_cursor(cursor)
        if taken_under != fingerprint:
            raise StaleCursor("your scope changed; start again from no cursor")
    with read_tx(engine) as conn:
        top = current_seq(conn)
        if cursor and (after < history_floor(conn) or after > top):
            raise StaleCursor("cursor is older than the retained history; start again")
        rows = conn.execute(
            select(
                changes.c.seq,
                changes.c.entity,
                changes.c.entity_id,
                changes.c.op,
                changes.c.version,
                changes.c.data,
            )
            .where(changes.c.seq > after, pull_filter(conn, principal))
            .order_by(changes.c.seq)
            .limit(limit + 1)
        ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    out = [
        {
            "entity": r.entity,
            "id": r.entity_id,
            "op": r.op,
            "version": r.version,
            "data": mask_for(principal, r.entity, _as_dict(r.data)) if r.op == "upsert" else None,
        }
        for r in rows
    ]
    last = rows[-1].seq if rows else after
    next_seq = last if has_more else max(last, top)
    return {"changes": out, "cursor": encode_cursor(next_seq, fingerprint), "has_more": has_more}


def _as_dict(data: Any) -> dict | None:
    if isinstance(data, str):  # some drivers hand JSON back as text
        return json.loads(data)
    return data
