"""The OpenAPI schema: published payload and entity schemas, and a schemathesis run over
every operation with a staff token that must never see a 5xx."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from server.db.engine import write_tx
from server.db.schema import users
from server.domain.tokens import issue_token
from services.protocol import ENTITY_DATA, MUTATION_PAYLOADS


async def test_schema_lists_every_payload_and_entity_schema(http):
    r = await http.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    schemas = spec["components"]["schemas"]
    push = schemas["PushRequest"]
    assert set(push["x-mutation-payloads"]) == set(MUTATION_PAYLOADS)
    for type_, model in MUTATION_PAYLOADS.items():
        assert model.__name__ in schemas and type_ in push["description"]
        assert push["x-mutation-payloads"][type_] == f"#/components/schemas/{model.__name__}"
    change = schemas["Change"]
    assert set(change["x-entity-data"]) == set(ENTITY_DATA)
    for model in ENTITY_DATA.values():
        assert model.__name__ in schemas
    assert "/api/v1/sync/push" in spec["paths"] and "/api/v1/sync/pull" in spec["paths"]
    body = spec["paths"]["/api/v1/sync/push"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/PushRequest")
    assert (await http.get("/docs")).status_code == 200


@pytest.fixture
def staff_token(engine) -> str:
    with write_tx(engine) as conn:
        staff_id = conn.execute(select(users.c.id).where(users.c.username == "staff")).scalar_one()
        token, _ = issue_token(conn, staff_id, "schemathesis", dt.timedelta(hours=1))
    return token


def test_no_operation_answers_5xx(app, staff_token):
    """Every operation, fed schemathesis-generated requests (valid and invalid) with a staff
    token, answers below 500. Uses schemathesis' Python API with hypothesis directly (its
    pytest plugin does not load under this pytest version)."""
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {staff_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
                )

        check()
    assert failures == []
