"""Change-log retention: dropping old tombstones, which makes older cursors unusable."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select

from server.db.engine import write_tx
from server.db.schema import changes
from server.db.sequence import lock_sequence, raise_floor


def compact_history(engine: Engine, community: str, keep_after_seq: int) -> int:
    """Delete ``community``'s tombstones with ``seq <= keep_after_seq`` and raise its history
    floor to it, so a cursor below the floor gets 410 (it may have missed a dropped
    tombstone). Returns how many tombstones were dropped. The floor never goes down."""
    with write_tx(engine) as conn:
        lock_sequence(conn, community)
        floor = raise_floor(conn, community, keep_after_seq)
        return conn.execute(
            delete(changes).where(
                changes.c.community_id == community,
                changes.c.op == "delete",
                changes.c.seq <= floor,
            )
        ).rowcount


def tombstone_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(changes.c.op == "delete")).scalar_one()
