"""Change-log retention: dropping old tombstones, which makes older cursors unusable."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select, update

from server.db.engine import write_tx
from server.db.schema import changes, meta


def compact_history(engine: Engine, keep_after_seq: int) -> int:
    """Delete tombstones with ``seq <= keep_after_seq`` and raise the history floor to it,
    so a cursor below the floor gets 410 (it may have missed a dropped tombstone). Returns
    how many tombstones were dropped. The floor never goes down."""
    with write_tx(engine) as conn:
        floor = conn.execute(
            select(meta.c.int_value).where(meta.c.key == "history_floor")
        ).scalar_one()
        top = conn.execute(select(meta.c.int_value).where(meta.c.key == "seq")).scalar_one()
        keep_after_seq = min(max(keep_after_seq, floor), top)
        dropped = conn.execute(
            delete(changes).where(changes.c.op == "delete", changes.c.seq <= keep_after_seq)
        ).rowcount
        conn.execute(
            update(meta).where(meta.c.key == "history_floor").values(int_value=keep_after_seq)
        )
        return dropped


def tombstone_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(changes.c.op == "delete")).scalar_one()
