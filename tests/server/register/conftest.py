"""A fresh copy of the small seeded demo community for each register test."""

from __future__ import annotations

import shutil

import pytest

from server.db.engine import open_engine


@pytest.fixture
def engine(tmp_path, sqlite_template):
    path = tmp_path / "reg.db"
    shutil.copyfile(sqlite_template, path)
    eng = open_engine(str(path))
    yield eng
    eng.dispose()
