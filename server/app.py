"""The FastAPI application: ``create_app(engine)``.

Routers: auth, sync, health and the office's (reports, meetings, exports) under ``/api/v1``,
and the public questionnaire form. The OpenAPI schema (``/openapi.json``, ``/docs``) also
lists every mutation payload schema and every pulled entity's data schema, keyed by type in
``PushRequest`` / ``Change`` descriptions.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

from server.api import auth, errors, health, office, public_form, sync
from server.api.turns import Turns
from server.db.replica import ReadRoute
from server.domain.hash_gate import HashGate
from server.logging_setup import RequestLogMiddleware
from server.settings import Settings
from services.protocol import API_PREFIX, ENTITY_DATA, MUTATION_PAYLOADS, PROTOCOL_VERSION


def create_app(
    engine: Engine, settings: Settings | None = None, *, read_engine: Engine | None = None
) -> FastAPI:
    """The app serving ``engine``'s database (already migrated); pulls, reports and exports
    read from ``read_engine`` (a hot standby of it) when given."""
    app = FastAPI(
        title="巷鄰 Xianglin sync API",
        version=f"{PROTOCOL_VERSION}",
        description="Sync backend of the neighbour-head visit app (protocol version 1).",
    )
    app.state.engine = engine
    app.state.reads = ReadRoute(engine, read_engine)
    app.state.settings = settings = settings or Settings()
    app.state.hash_gate = HashGate(
        settings.login_hash_slots,
        settings.login_hash_wait.total_seconds(),
        settings.login_hash_queue,
    )
    app.state.push_turns = Turns(settings.push_turns)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    app.include_router(sync.router, prefix=API_PREFIX)
    app.include_router(office.router, prefix=API_PREFIX)
    app.include_router(public_form.router)
    errors.install(app)
    app.add_middleware(RequestLogMiddleware)
    app.openapi = lambda: _openapi(app)
    return app


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    ref = "#/components/schemas/{model}"

    def add(model) -> str:
        js = model.model_json_schema(ref_template=ref)
        for name, sub in js.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components.setdefault(model.__name__, js)
        return model.__name__

    from services.protocol import ErrorBody, PushRequest

    add(PushRequest)
    add(ErrorBody)
    payloads = {t: add(m) for t, m in MUTATION_PAYLOADS.items()}
    entities = {e: add(m) for e, m in ENTITY_DATA.items()}
    push = components["PushRequest"]
    push["x-mutation-payloads"] = {t: ref.format(model=n) for t, n in payloads.items()}
    push["description"] = "Mutation payload schema by type: " + ", ".join(
        f"{t} → {n}" for t, n in payloads.items()
    )
    if "Change" in components:
        components["Change"]["x-entity-data"] = {
            e: ref.format(model=n) for e, n in entities.items()
        }
        components["Change"]["description"] = "Pulled data schema by entity: " + ", ".join(
            f"{e} → {n}" for e, n in entities.items()
        )
    app.openapi_schema = schema
    return schema
