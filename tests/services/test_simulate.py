"""The field simulator, run as its command against the real server."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.services.conftest import server_rows
from tests.services.serverproc import REPO, subprocess_env


def simulate(*args: str) -> tuple[int, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "services.simulate", *args],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def test_three_phones_record_offline_and_sync_through_faults(server, tmp_path):
    [(before,)] = server_rows(server, "SELECT COUNT(*) FROM visits")
    code, result = simulate(
        "--server", server.url, "--users", "head01,head02,head03", "--password", "demo1234",
        "--visits", "40", "--db-dir", str(tmp_path / "phones"), "--seed", "3",
        "--faults", "0.3", "--deadline", "120",
    )  # fmt: skip
    assert code == 0, result
    assert (result["recorded"], result["pending"], result["rejected"]) == (120, 0, 0)
    assert set(result["users"]) == {"head01", "head02", "head03"}
    [(after,)] = server_rows(server, "SELECT COUNT(*) FROM visits")
    assert after == before + 120
    assert sorted(p.name for p in (tmp_path / "phones").glob("*.db")) == [
        "head01.db", "head02.db", "head03.db",
    ]  # fmt: skip


def test_failed_login_exits_non_zero_with_the_reason(server, tmp_path):
    code, result = simulate(
        "--server", server.url, "--users", "head01", "--password", "wrong",
        "--visits", "5", "--db-dir", str(tmp_path / "phones"),
    )  # fmt: skip
    assert code == 1
    assert result["recorded"] == 0 and "login failed" in result["users"]["head01"]["error"]
