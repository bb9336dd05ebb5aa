"""``python -m app`` with its clock started at a fixed moment (``XIANGLIN_CLOCK``, ISO 8601),
running on from there: screenshots show dates, ages, "this month" and "3 days ago", which
must not change with the day the tests run."""

from __future__ import annotations

import os
import runpy

import time_machine

if __name__ == "__main__":
    with time_machine.travel(os.environ["XIANGLIN_CLOCK"], tick=True):
        runpy.run_module("app", run_name="__main__", alter_sys=True)
