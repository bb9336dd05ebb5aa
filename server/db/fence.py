"""The history fence applied after a restore from backup.

A restored database's change log is older than what phones have already pulled: a phone may
hold a cursor at seq 5,000 while the backup ends at 4,200. Left alone, the next 800 changes
written after the restore would get seqs 4,201..5,000 and that phone would never pull them.
The fence shifts the whole change log, the counter and the history floor up by a large
offset: order and contents stay the same, but every cursor handed out before the restore now
lies below the history floor, so the phone is answered 410 and downloads again from the start
(its unsent outbox entries are pushed again; pushes are idempotent by mutation id).
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from server.db.schema import changes
from server.db.sequence import (
    lock_sequences,
    positions,
    sequenced_communities,
    shift_sequence,
)

#: The offset is a multiple of this, at least this much above the highest seq in the database,
#: so cursors survive as "too old" unless more than this many changes were written between
#: the backup and the restore.
FENCE_STEP = 1_000_000_000


def fence_offset(top: int) -> int:
    """The shift for a database whose highest seq (counter, change row or floor) is ``top``:
    a round multiple of FENCE_STEP greater than ``top + FENCE_STEP``."""
    return (top // FENCE_STEP + 2) * FENCE_STEP


def fence_history(conn: Connection) -> int:
    """Shift ``changes.seq`` and every community's sequence counter and history floor up by
    one offset inside the caller's write transaction; returns the offset.

    Every shifted value is above every unshifted one (the offset exceeds the largest seq), so
    the single ``UPDATE`` never collides with the UNIQUE constraint on ``(community_id, seq)`` however
    the database orders the rows or when it checks the constraint (row by row on both SQLite
    and PostgreSQL for a non-deferred UNIQUE)."""
    communities = sequenced_communities(conn)
    lock_sequences(conn, communities)  # first: concurrent writers wait
    held = positions(conn, communities)
    highest = conn.execute(select(func.max(changes.c.seq))).scalar_one() or 0
    offset = fence_offset(max([highest, *(top for _, top in held.values())]))
    conn.execute(update(changes).values(seq=changes.c.seq + offset))
    for community in communities:
        shift_sequence(conn, community, offset)
    return offset
