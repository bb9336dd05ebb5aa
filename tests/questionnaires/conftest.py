"""Fixtures for the questionnaire tests: a small seeded demo database (``seed_demo(scale=0.05)``,
seeded once per session and copied per test), the real app over ASGI, and helpers that fill
in the public form the way a browser does."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine, func, select

from server.app import create_app
from server.db.engine import migrate, open_engine
from server.db.schema import estates, households, questionnaire_responses, user_estates, users
from server.domain.seed import seed_demo

TOKEN_RE = re.compile(r'name="_token" value="([^"]+)"')

#: A complete, valid answer to the built-in "resident-info" questionnaire.
VALID_RESIDENT_INFO = {
    "address": "3-2-401",
    "name": "王秀英",
    "phone": "13812345678",
    "people_count": "3",
    "has_elderly": "yes",
    "lives_alone": "no",
    "housing": "owner",
    "note": "",
}


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("qtemplate") / "demo.db"
    engine = open_engine(str(path))
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.05, demo_responses=False)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return str(path)


@pytest.fixture
def db_path(seeded_template, tmp_path) -> str:
    path = tmp_path / "server.db"
    shutil.copyfile(seeded_template, path)
    return str(path)


@pytest.fixture
def engine(db_path) -> Engine:
    eng = open_engine(db_path)
    yield eng
    eng.dispose()


@pytest.fixture
def app(engine):
    return create_app(engine)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass(frozen=True)
class Place:
    estate_id: str
    estate_name: str
    district_id: str
    household_id: str


@pytest.fixture
def place(engine) -> Place:
    """An estate of head01's, and one of its households."""
    with engine.connect() as conn:
        row = conn.execute(
            select(estates.c.id, estates.c.name, estates.c.district_id, households.c.id)
            .join(user_estates, user_estates.c.estate_id == estates.c.id)
            .join(users, users.c.id == user_estates.c.user_id)
            .join(households, households.c.estate_id == estates.c.id)
            .where(users.c.username == "head01")
            .order_by(households.c.id)
            .limit(1)
        ).one()
    return Place(*row)


def response_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(questionnaire_responses)).scalar_one()


def token_of(html: str) -> str:
    m = TOKEN_RE.search(html)
    assert m, "the form carries a render token"
    return m.group(1)


async def open_form(
    client: httpx.AsyncClient, slug: str, place: Place | None = None, *, household=True
) -> str:
    """GET the form as a phone that scanned the QR would; returns the page."""
    params = {}
    if place is not None:
        params["e"] = place.estate_id
        if household:
            params["h"] = place.household_id
    r = await client.get(f"/q/{slug}", params=params)
    assert r.status_code == 200, r.text
    return r.text


async def submit(
    client: httpx.AsyncClient, slug: str, token: str, answers: dict, *, lang: str = "zh"
) -> httpx.Response:
    data = [("_token", token), ("_lang", lang)]
    for key, value in answers.items():
        for v in value if isinstance(value, list) else [value]:
            data.append((key, v))
    return await client.post(
        f"/q/{slug}",
        content=httpx.QueryParams(data).__str__().encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
