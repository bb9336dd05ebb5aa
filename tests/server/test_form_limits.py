"""The public form's limits (submissions and forms handed out, per client address) are kept
in the database: a real server process restarted in the middle still refuses, on SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from server.db.schema import questionnaire_responses
from tests.services.serverproc import ServerProcess

TOKEN_RE = re.compile(r'name="_token" value="([^"]+)"')
LIMITS = {"XIANGLIN_FORM_SUBMISSIONS_PER_CLIENT": "2", "XIANGLIN_FORM_TOKENS_PER_CLIENT": "3"}
ANSWERS = {"topic": "service", "content": "多开展老年活动"}


@pytest.fixture
def server(engine, tmp_path):
    """The seeded test database served by a real server process with small form limits."""
    url = engine.url.render_as_string(hide_password=False)
    db = url.replace("postgresql+psycopg://", "postgresql://").replace("sqlite:///", "")
    proc = ServerProcess(db, log_path=tmp_path / "server.log", env=LIMITS).start(deadline=60)
    yield proc
    proc.stop()


def open_form(client: httpx.Client) -> httpx.Response:
    return client.get("/q/suggestions")


def submit(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/q/suggestions", data={"_token": token, **ANSWERS})


def stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(questionnaire_responses)).scalar_one()


def test_form_limits_survive_a_server_restart(server, engine):
    before = stored(engine)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        tokens = [TOKEN_RE.search(open_form(client).text).group(1) for _ in range(3)]
        refused = open_form(client)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "打开问卷太频繁" in refused.text and "_token" not in refused.text
        assert [submit(client, t).status_code for t in tokens] == [303, 303, 429]
    server.restart()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert open_form(client).status_code == 429
        r = submit(client, tokens[2])
        assert r.status_code == 429 and "提交太频繁" in r.text
    assert stored(engine) == before + 2
