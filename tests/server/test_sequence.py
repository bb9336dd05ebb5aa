"""The change sequences' seam: numbers are reserved consecutively, the floor only rises and
never passes the counter, and nothing outside ``server.db.sequence`` touches a counter row."""

from __future__ import annotations

from pathlib import Path

from server.db.engine import write_tx
from server.db.sequence import current_seq, history_floor, next_seqs, raise_floor
from server.domain.communities import sole_community

ROOT = Path(__file__).resolve().parents[2]


def test_next_seqs_reserves_consecutive_numbers_after_the_counter(engine):
    with write_tx(engine) as conn:
        top = current_seq(conn, sole_community(conn))
        first = next_seqs(conn, sole_community(conn), 3)
        second = next_seqs(conn, sole_community(conn), 1)
        assert (first, second, current_seq(conn, sole_community(conn))) == (
            top + 1,
            top + 4,
            top + 4,
        )


def test_history_floor_rises_only_and_stays_at_or_below_the_counter(engine):
    with write_tx(engine) as conn:
        top = current_seq(conn, sole_community(conn))
        assert raise_floor(conn, sole_community(conn), top - 5) == top - 5
        assert raise_floor(conn, sole_community(conn), 0) == top - 5  # never down
        assert (
            raise_floor(conn, sole_community(conn), top + 100) == top
        )  # never past what was handed out
        assert history_floor(conn, sole_community(conn)) == top


def test_only_the_sequence_module_touches_the_counter_rows():
    """Server code serialises on and stamps with the sequences through their seam (the schema
    and frozen migrations aside), so their storage can change in one place."""
    allowed = {ROOT / "server/db/sequence.py", ROOT / "server/db/schema.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "server").rglob("*.py")
        if "migrations" not in path.parts
        and path not in allowed
        and "change_sequences" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
