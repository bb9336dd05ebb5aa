"""The request log: one JSON line per request with route template, status, duration, user
id, and no personal data, token or body."""

from __future__ import annotations

import json
import logging

from server.logging_setup import JsonFormatter
from tests.server.helpers import concern, visit


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


async def test_one_json_line_per_request_without_personal_data(login, demo):
    capture = _Capture()
    logger = logging.getLogger("xianglin.access")
    logger.addHandler(capture)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        head = await login("head01")
        secret_note = "住户电话13812345678"
        hh = demo.household_of("head01")
        await head.push(visit(hh, notes=secret_note), concern(hh, description=secret_note))
        _, cursor = await head.pull_all()
        await head.pull("garbage")
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    records = [json.loads(line) for line in capture.lines]
    assert [(r["method"], r["route"], r["status"]) for r in records] == [
        ("POST", "/api/v1/auth/login", 200),
        ("POST", "/api/v1/sync/push", 200),
        ("GET", "/api/v1/sync/pull", 200),
        ("GET", "/api/v1/sync/pull", 400),
    ]
    assert all(r["user_id"] == head.user["id"] for r in records)
    assert all(isinstance(r["duration_ms"], float) for r in records)
    text = "\n".join(capture.lines)
    for secret in (
        secret_note,
        "13812345678",
        head.user["name"],
        head.token,
        cursor,
        "garbage",
        "head01",
    ):
        assert secret not in text


async def test_unhandled_error_is_a_bare_500_and_logs_no_values(login, monkeypatch):
    from server.api import sync as sync_api

    def boom(*_args, **_kwargs):
        raise RuntimeError("phone 13812345678 leaked into a message")

    monkeypatch.setattr(sync_api, "pull_page", boom)
    capture = _Capture()
    logger = logging.getLogger("xianglin")
    logger.addHandler(capture)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        head = await login("head01")
        r = await head.pull()
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    assert r.status_code == 500 and r.json() == {"detail": "internal server error"}
    records = [json.loads(line) for line in capture.lines]
    [error] = [x for x in records if x["event"] == "unhandled error"]
    assert error["exc_type"] == "RuntimeError" and error["route"] == "/api/v1/sync/pull"
    assert ("GET", "/api/v1/sync/pull", 500) in [
        (x.get("method"), x.get("route"), x.get("status")) for x in records
    ]
    assert "13812345678" not in "\n".join(capture.lines)
