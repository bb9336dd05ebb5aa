"""The change sequence: the counter that stamps change-log rows, its lock and its floor.

Gap safety. A pull reads "changes with seq > cursor". If a writer could take seq 11 and
commit before another writer that took seq 10, a reader might see 11, move its cursor past
10, and never see 10. So numbers come from one counter row incremented inside the writing
transaction: the row lock it takes (PostgreSQL) or the database write lock (SQLite,
``BEGIN IMMEDIATE``) is held until commit, so writers holding numbers commit in number order
and a later number is never visible before an earlier one.

The history floor is the lowest cursor still served: changes at or below it may have been
compacted away (``server.domain.retention``) or fenced off after a restore
(``server.db.fence``), so a cursor below it is answered 410.

Nothing else reads or writes the counter row; everything that stamps, serialises on, reads or
moves the sequence goes through this module.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from server.db.schema import meta

_COUNTER = "seq"
_FLOOR = "history_floor"


def lock_sequence(conn: Connection) -> None:
    """Serialise this write transaction behind every other writer of the sequence, until it
    commits. On SQLite the transaction's ``BEGIN IMMEDIATE`` already holds the database's write
    lock; on PostgreSQL the counter row is locked."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(meta.c.int_value).where(meta.c.key == _COUNTER).with_for_update())


def next_seqs(conn: Connection, n: int = 1) -> int:
    """Reserve ``n`` consecutive sequence numbers; returns the first. Locks the sequence until
    the caller's transaction ends."""
    last = conn.execute(
        update(meta)
        .where(meta.c.key == _COUNTER)
        .values(int_value=meta.c.int_value + n)
        .returning(meta.c.int_value)
    ).scalar_one()
    return last - n + 1


def current_seq(conn: Connection) -> int:
    """The highest number handed out (visible in this transaction's snapshot)."""
    return conn.execute(select(meta.c.int_value).where(meta.c.key == _COUNTER)).scalar_one()


def history_floor(conn: Connection) -> int:
    """Cursors below this are no longer served."""
    return conn.execute(select(meta.c.int_value).where(meta.c.key == _FLOOR)).scalar_one()


def raise_floor(conn: Connection, to: int) -> int:
    """Raise the history floor to ``to``, never past the counter and never down; returns the
    floor now in force."""
    floor = min(max(to, history_floor(conn)), current_seq(conn))
    conn.execute(update(meta).where(meta.c.key == _FLOOR).values(int_value=floor))
    return floor


def shift_sequence(conn: Connection, offset: int) -> None:
    """Move the counter and the floor up by ``offset`` (the change rows are the caller's)."""
    conn.execute(
        update(meta)
        .where(meta.c.key.in_([_COUNTER, _FLOOR]))
        .values(int_value=meta.c.int_value + offset)
    )
