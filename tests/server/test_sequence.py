"""The change sequence's seam: numbers are reserved consecutively, the floor only rises and
never passes the counter, and nothing outside ``server.db.sequence`` touches the counter row."""

from __future__ import annotations

import re
from pathlib import Path

from server.db.engine import write_tx
from server.db.sequence import current_seq, history_floor, next_seqs, raise_floor

ROOT = Path(__file__).resolve().parents[2]


def test_next_seqs_reserves_consecutive_numbers_after_the_counter(engine):
    with write_tx(engine) as conn:
        top = current_seq(conn)
        first = next_seqs(conn, 3)
        second = next_seqs(conn, 1)
        assert (first, second, current_seq(conn)) == (top + 1, top + 4, top + 4)


def test_history_floor_rises_only_and_stays_at_or_below_the_counter(engine):
    with write_tx(engine) as conn:
        top = current_seq(conn)
        assert raise_floor(conn, top - 5) == top - 5
        assert raise_floor(conn, 0) == top - 5  # never down
        assert raise_floor(conn, top + 100) == top  # never past what was handed out
        assert history_floor(conn) == top


def test_only_the_sequence_module_names_the_counter_row():
    """Server code serialises on and stamps with the sequence through its seam (frozen
    migrations aside), so the sequence's storage can change in one place."""
    counter_key = re.compile(r"""meta\.c\.key\s*==\s*["'](seq|history_floor)["']""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "server").rglob("*.py")
        if "migrations" not in path.parts
        and path != ROOT / "server/db/sequence.py"
        and counter_key.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
