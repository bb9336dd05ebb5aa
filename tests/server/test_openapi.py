"""The OpenAPI schema: published payload and entity schemas, every error status documented
with ``ErrorBody``, and every error the API sends really being one (the schemathesis run
against a live server is in test_schemathesis.py)."""

from __future__ import annotations

from services.protocol import ENTITY_DATA, MUTATION_PAYLOADS

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


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


async def test_every_error_status_is_documented_with_error_body(http):
    spec = (await http.get("/openapi.json")).json()
    assert spec["components"]["schemas"]["ErrorBody"]["required"] == ["detail"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    seen = set()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if int(status) < 400:
                    continue
                seen.add(int(status))
                content = response["content"]
                if path.startswith("/q/") and "text/html" in content:  # the public form's pages
                    assert set(content) == {"text/html"}, (method, path, status)
                else:
                    assert content == {"application/json": {"schema": ERROR_BODY}}, (path, status)
            if op.get("parameters") or op.get("requestBody"):  # FastAPI validates these
                assert "422" in op["responses"], (method, path)
            if op.get("security"):
                assert "401" in op["responses"], (method, path)
    assert {400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503} <= seen


async def test_request_validation_errors_are_one_sentence_naming_the_field(http):
    r = await http.post("/api/v1/auth/login", json={"username": "head01", "device_id": "d"})
    assert r.status_code == 422
    assert r.json() == {"detail": "body.password: Field required"}
    r = await http.get(
        "/api/v1/sync/pull", params={"limit": 0}, headers={"Authorization": "Bearer x"}
    )
    assert r.status_code == 401 and r.json() == {"detail": "missing or invalid token"}


async def test_a_nul_character_gets_an_error_body(http):
    body = {"username": "head\x0001", "password": "p", "device_id": "d"}
    r = await http.post("/api/v1/auth/login", json=body)
    assert r.status_code == 422
    assert set(r.json()) == {"detail"} and "NUL" in r.json()["detail"]


async def test_a_push_envelope_error_gets_an_error_body(login):
    head = await login("head01")
    r = await head.push_raw({"device_id": "d", "mutations": [{"id": "not-a-uuid"}]})
    assert r.status_code == 422
    [detail] = r.json().values()
    assert isinstance(detail, str) and detail.startswith("mutations.0.")


async def test_a_lone_surrogate_in_a_key_gets_an_error_body_not_a_500(http, login):
    raw = b'{"username": "a", "password": "b", "device_id": "c", "\\udc00": 1}'
    json_type = {"Content-Type": "application/json"}
    r = await http.post("/api/v1/auth/login", content=raw, headers=json_type)
    assert r.status_code == 422 and set(r.json()) == {"detail"}
    head = await login("head01")
    raw = b'{"device_id": "d", "mutations": [], "\\udc00": 1}'
    r = await head.client.post(
        "/api/v1/sync/push", content=raw, headers={**head.headers, **json_type}
    )
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)


async def test_a_body_that_is_not_utf8_gets_an_error_body(http):
    r = await http.post(
        "/api/v1/auth/login", content=b"\xff", headers={"Content-Type": "application/json"}
    )
    assert r.status_code in (400, 422) and set(r.json()) == {"detail"}


async def test_method_not_allowed_names_every_method_of_the_path(http):
    r = await http.request("OPTIONS", "/q/parking")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert r.json() == {"detail": "Method Not Allowed"}
