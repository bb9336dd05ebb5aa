"""The public form on PostgreSQL: the token key is made once, an answer is stored once, a
replay is refused, and the answer is stamped in the change log for its estate."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from server.app import create_app
from server.db.engine import migrate, open_engine
from server.db.schema import changes, meta, questionnaire_responses
from server.domain.seed import seed_demo
from tests.pg import PgCluster
from tests.questionnaires.conftest import VALID_RESIDENT_INFO, open_form, submit, token_of


@pytest.fixture(scope="module")
def pg_engine():
    cluster = PgCluster().start()
    engine = open_engine(cluster.create_database())
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.05, demo_responses=False)
    yield engine
    engine.dispose()
    cluster.stop()


async def test_answer_is_stored_once_on_postgres(pg_engine):
    from server.db.schema import estates, households
    from tests.questionnaires.conftest import Place

    with pg_engine.connect() as conn:
        row = conn.execute(
            select(estates.c.id, estates.c.name, estates.c.district_id, households.c.id)
            .join(households, households.c.estate_id == estates.c.id)
            .limit(1)
        ).one()
    place = Place(*row)
    # two apps on one database (two workers) share the token key
    app_a, app_b = create_app(pg_engine), create_app(pg_engine)
    a = httpx.AsyncClient(transport=httpx.ASGITransport(app=app_a), base_url="http://a")
    b = httpx.AsyncClient(transport=httpx.ASGITransport(app=app_b), base_url="http://b")
    async with a, b:
        token = token_of(await open_form(a, "resident-info", place))
        first = await submit(b, "resident-info", token, VALID_RESIDENT_INFO)
        assert first.status_code == 303
        replay = await submit(a, "resident-info", token, VALID_RESIDENT_INFO)
        assert replay.status_code == 409
    with pg_engine.connect() as conn:
        rows = conn.execute(select(questionnaire_responses)).all()
        secrets = conn.execute(select(meta).where(meta.c.key == "form_token_secret")).all()
        change = conn.execute(
            select(changes).where(changes.c.entity == "questionnaire_response")
        ).one()
    assert len(rows) == 1 and len(secrets) == 1
    assert change.estate_id == place.estate_id and change.district_id == place.district_id


async def test_a_nul_in_an_answer_is_refused_on_postgres(pg_engine):
    """PostgreSQL text cannot hold NUL: the form says so instead of failing the write."""
    from server.db.schema import estates, households
    from tests.questionnaires.conftest import Place

    with pg_engine.connect() as conn:
        row = conn.execute(
            select(estates.c.id, estates.c.name, estates.c.district_id, households.c.id)
            .join(households, households.c.estate_id == estates.c.id)
            .limit(1)
        ).one()
        before = len(conn.execute(select(questionnaire_responses.c.id)).all())
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(pg_engine)), base_url="http://c"
    )
    async with client:
        token = token_of(await open_form(client, "resident-info", Place(*row)))
        answers = {**VALID_RESIDENT_INFO, "note": "楼道\x00灯"}
        r = await submit(client, "resident-info", token, answers)
    assert r.status_code == 200 and "无法保存" in r.text
    with pg_engine.connect() as conn:
        assert len(conn.execute(select(questionnaire_responses.c.id)).all()) == before
