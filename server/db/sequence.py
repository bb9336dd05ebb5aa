"""The change sequences: one per community, each a counter that stamps that community's
change-log rows, with its lock and its floor.

Gap safety. A pull reads "changes with seq > cursor". If a writer could take seq 11 and
commit before another writer that took seq 10, a reader might see 11, move its cursor past
10, and never see 10. So numbers come from one counter row per community incremented inside the
writing transaction: the row lock it takes (PostgreSQL) or the database write lock (SQLite,
``BEGIN IMMEDIATE``) is held until commit, so writers holding numbers commit in number order
and a later number is never visible before an earlier one. Communities have separate
counters, so writers in different communities never wait for each other on PostgreSQL (SQLite
has one writer at a time whatever it writes).

The history floor is the lowest cursor still served: changes at or below it may have been
compacted away (``server.domain.retention``) or fenced off after a restore
(``server.db.fence``), so a cursor below it is answered 410.

Nothing else reads or writes the counter rows; everything that stamps, serialises on, reads or
moves the sequence goes through this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select, update

from server.db.schema import change_sequences as _seqs

# every push runs these two: built once (building a statement costs more than running it)
_LOCK = select(_seqs.c.seq).where(_seqs.c.community_id == bindparam("community")).with_for_update()
_NEXT = (
    update(_seqs)
    .where(_seqs.c.community_id == bindparam("community"))
    .values(seq=_seqs.c.seq + bindparam("n"))
    .returning(_seqs.c.seq)
)


def create_sequence(conn: Connection, community: str) -> None:
    """Start a new community's sequence at zero."""
    conn.execute(_seqs.insert().values(community_id=community, seq=0, history_floor=0))


def sequenced_communities(conn: Connection) -> list[str]:
    """Every community that has a sequence (every community), in id order."""
    return list(conn.execute(select(_seqs.c.community_id).order_by(_seqs.c.community_id)).scalars())


def lock_sequence(conn: Connection, community: str) -> None:
    """Serialise this write transaction behind every other writer of ``community``'s sequence,
    until it commits. On SQLite the transaction's ``BEGIN IMMEDIATE`` already holds the
    database's write lock; on PostgreSQL the community's counter row is locked."""
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK, {"community": community}).scalar_one()


def lock_sequences(conn: Connection, communities: Iterable[str]) -> None:
    """``lock_sequence`` for several communities, always in one order (no deadlocks)."""
    for community in sorted(set(communities)):
        lock_sequence(conn, community)


def next_seqs(conn: Connection, community: str, n: int = 1) -> int:
    """Reserve ``n`` consecutive numbers of ``community``'s sequence; returns the first.
    Locks the sequence until the caller's transaction ends."""
    last = conn.execute(_NEXT, {"community": community, "n": n}).scalar_one()
    return last - n + 1


def current_seq(conn: Connection, community: str) -> int:
    """The highest number handed out (visible in this transaction's snapshot)."""
    return conn.execute(select(_seqs.c.seq).where(_seqs.c.community_id == community)).scalar_one()


def positions(conn: Connection, communities: Iterable[str]) -> dict[str, tuple[int, int]]:
    """{community: (history floor, counter)} in one statement (one snapshot)."""
    rows = conn.execute(
        select(_seqs.c.community_id, _seqs.c.history_floor, _seqs.c.seq).where(
            _seqs.c.community_id.in_(sorted(set(communities)))
        )
    )
    return {r.community_id: (r.history_floor, r.seq) for r in rows}


def history_floor(conn: Connection, community: str) -> int:
    """Cursors below this are no longer served."""
    return conn.execute(
        select(_seqs.c.history_floor).where(_seqs.c.community_id == community)
    ).scalar_one()


def raise_floor(conn: Connection, community: str, to: int) -> int:
    """Raise ``community``'s history floor to ``to``, never past the counter and never down;
    returns the floor now in force."""
    floor = min(max(to, history_floor(conn, community)), current_seq(conn, community))
    conn.execute(update(_seqs).where(_seqs.c.community_id == community).values(history_floor=floor))
    return floor


def shift_sequence(conn: Connection, community: str, offset: int) -> None:
    """Move ``community``'s counter and floor up by ``offset`` (the change rows are the
    caller's)."""
    conn.execute(
        update(_seqs)
        .where(_seqs.c.community_id == community)
        .values(seq=_seqs.c.seq + offset, history_floor=_seqs.c.history_floor + offset)
    )


def copy_position(conn: Connection, template: str, communities: list[str]) -> None:
    """Set ``communities``' counters and floors to ``template``'s (their change rows are copies
    of its rows, with the same numbers: ``server.domain.seed_city``)."""
    seq, floor = conn.execute(
        select(_seqs.c.seq, _seqs.c.history_floor).where(_seqs.c.community_id == template)
    ).one()
    for start in range(0, len(communities), 500):
        conn.execute(
            update(_seqs)
            .where(_seqs.c.community_id.in_(communities[start : start + 500]))
            .values(seq=seq, history_floor=floor)
        )
