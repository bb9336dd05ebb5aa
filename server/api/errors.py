"""Every error the API sends as JSON is an ``ErrorBody``: ``{"detail": "<what is wrong>"}``.

FastAPI's own request validation (a list of objects) and any HTTPException whose detail is
not text become one sentence naming the fields. Text that JSON cannot carry as UTF-8 (a lone
surrogate the sender put in a key) is escaped, so an error never turns into a 500. A 405 names
in ``Allow`` every method the path takes (Starlette names only those of the first route with
that path).

``error_responses(...)`` declares statuses for the OpenAPI document with the ErrorBody schema
(``create_app`` publishes ErrorBody among the components); ``html_responses(...)`` declares
the public form's pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from services.protocol import ErrorBody, describe_problem

#: What each status means wherever it is sent; a route may say more.
STATUS_MEANING: dict[int, str] = {
    400: "the request could not be read (a body that is not UTF-8 JSON, a bad header or cursor)",
    401: "missing, invalid, revoked or expired bearer token",
    403: "the signed-in role may not do this",
    404: "not found",
    409: "conflicts with what is stored",
    410: "gone: start again",
    413: "the body is too large",
    415: "unsupported content type",
    422: "the request does not match its schema; the detail names the field",
    429: "too many requests: try again after Retry-After seconds",
    503: "busy: try again after Retry-After seconds",
}

_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds", "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "seconds", "schema": {"type": "string"}}},
}

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_MAX_PROBLEMS = 5


Status = int | tuple[int, str]


def error_responses(*statuses: Status) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a JSON route: each status with the ErrorBody schema. A status may
    come with what it means on this route: ``error_responses(401, (410, "start again"))``."""
    # the content is spelled out (not ``model=``): FastAPI would file a model under the route's
    # own media type, and an HTML page's JSON error is still JSON
    json = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return {code: {"content": json, **entry} for code, entry in _entries(statuses)}


def html_responses(*statuses: Status) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a page of the public form: each status is an HTML page."""
    html = {"text/html": {"schema": {"type": "string"}}}
    return {code: {"content": html, **entry} for code, entry in _entries(statuses)}


def _entries(statuses: Sequence[Status]):
    for status in statuses:
        code, meaning = status if isinstance(status, tuple) else (status, STATUS_MEANING[status])
        entry: dict[str, Any] = {"description": meaning}
        if code in _HEADERS:
            entry["headers"] = _HEADERS[code]
        yield code, entry


def describe_problems(errors: Sequence[Mapping[str, Any]]) -> str:
    """pydantic/FastAPI errors as one sentence: ``body.username: Field required; ...``."""
    parts = ["{}: {}".format(*describe_problem(err, "request")) for err in errors[:_MAX_PROBLEMS]]
    more = len(errors) - _MAX_PROBLEMS
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def error_response(
    status: int, detail: Any, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    if not isinstance(detail, str):
        if isinstance(detail, Sequence) and all(isinstance(e, Mapping) for e in detail):
            detail = describe_problems(detail)
        else:
            detail = str(detail)
    # a lone surrogate from the sender's keys cannot be encoded as UTF-8: show it escaped
    detail = detail.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse(
        ErrorBody(detail=detail).model_dump(), status_code=status, headers=dict(headers or {})
    )


def install(app: FastAPI) -> None:
    """Make ``app`` answer every error with an ErrorBody."""

    async def on_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, describe_problems(exc.errors()))

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(exc.status_code, exc.detail, headers)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


def _allowed_methods(request: Request) -> list[str]:
    """The methods some route of the app takes at this path, asked of the router itself."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
