"""The Locust load test (bench/load_bench.py) against the real server: simulated heads sign
in, pull, push visits and concerns built with the protocol's models, and pull again."""

from __future__ import annotations

from bench.load_bench import run_locust
from tests.services.conftest import server_rows


def test_two_heads_under_locust_get_every_push_applied_and_stored_once(server, tmp_path):
    before = server_rows(server, "SELECT count(*) FROM visits")[0][0]

    result = run_locust(server.url, ["head01", "head02"], 6, tmp_path, pause=0.2)

    assert result.failures == 0, result.output[-2000:]
    assert result.count("login") == 2 and result.count("pull full") >= 2
    assert result.count("push") >= 2 and result.count("pull") >= 2
    visits = result.applied["visit.record"]
    assert visits == 10 * result.count("push")
    after = server_rows(server, "SELECT count(*) FROM visits")[0][0]
    assert after - before == visits
