"""The scale benchmark runs end to end at a tiny size and prints every figure it promises
(the figures themselves are read by people, not asserted: the machine is shared)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scale_bench_prints_its_figures_on_sqlite():
    done = subprocess.run(
        [
            sys.executable,
            "bench/scale_bench.py",
            "--communities",
            "11",
            "--scale",
            "0.01",
            "--pushes",
            "1",
            "--only",
            "sqlite",
        ],  # fmt: skip
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for figure in (
        "seed 11 communities",
        "11 heads, one community",
        "11 heads, 11 communities",
        "throughput many/one",
        "first full pull, head",
        "pull many/one",
    ):
        assert figure in done.stdout, done.stdout
