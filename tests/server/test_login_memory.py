"""A real server process under a burst of wrong logins stays within its memory bound: the
password checks (argon2id, 19 MiB each) run in a bounded number of slots, and the rest are
refused at once with 503. ``bench/login_bench.py`` measures the same with 50."""

from __future__ import annotations

import shutil

from tests.services.login_flood import FORWARDED_ARGS, wrong_login_flood
from tests.services.serverproc import ServerProcess

BOUND_MIB = 256


def test_twenty_concurrent_wrong_logins_stay_within_the_memory_bound(sqlite_template, tmp_path):
    db = tmp_path / "server.db"
    shutil.copyfile(sqlite_template, db)
    server = ServerProcess(db, extra_args=FORWARDED_ARGS).start(deadline=60)
    try:
        result = wrong_login_flood(server.url, server.proc.pid, 20)
    finally:
        server.stop()
    assert set(result.statuses) <= {401, 503}, result.statuses
    assert result.statuses[401] >= 1
    assert result.peak_over_idle_mib < BOUND_MIB, result
