"""``POST /sync/push`` and ``GET /sync/pull``.

Push checks the body before anything is applied: more than ``MAX_PUSH_BYTES`` bytes (declared
or actually sent) or more than ``MAX_PUSH_MUTATIONS`` mutations is 413; not JSON or not a
``PushRequest`` is 422. Then each mutation gets its own result (server.domain.push). A
process works on ``Settings.push_turns`` pushes at once; the others wait their turn in
arrival order (server.api.turns).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from server.api.deps import EngineDep, ReadsDep, UserDep
from server.api.errors import describe_problems, error_responses
from server.domain.cursor import CursorAhead, MalformedCursor, StaleCursor
from server.domain.principal import Principal
from server.domain.pull import MAX_PULL_BYTES, pull_page
from server.domain.push import apply_push
from services.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    MAX_PUSH_BYTES,
    MAX_PUSH_MUTATIONS,
    PullResponse,
    PushRequest,
    PushResponse,
)

router = APIRouter(tags=["sync"])


async def _read_limited(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > MAX_PUSH_BYTES:
                raise _too_large(f"body larger than {MAX_PUSH_BYTES} bytes")
        except ValueError:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="bad Content-Length") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PUSH_BYTES:
            raise _too_large(f"body larger than {MAX_PUSH_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=detail)


def _unprocessable(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)


@router.post(
    "/sync/push",
    response_model=PushResponse,
    responses=error_responses(
        (400, "a Content-Length that is not a number"),
        401,
        (413, "more than MAX_PUSH_BYTES or MAX_PUSH_MUTATIONS; nothing applied"),
        (422, "not JSON, or not a PushRequest; nothing applied"),
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}
            },
        }
    },
    description=(
        f"Upload up to {MAX_PUSH_MUTATIONS} mutations ({MAX_PUSH_BYTES} bytes). Each mutation's "
        "payload schema is in components.schemas, keyed by type in the PushRequest "
        "description (x-mutation-payloads)."
    ),
)
async def push(
    request: Request,
    user: UserDep,
    engine: EngineDep,
) -> JSONResponse:
    raw = await _read_limited(request)  # before a turn: a slow upload holds none
    async with request.app.state.push_turns.turn():
        return await _parse_and_apply(request, user, engine, raw)


async def _parse_and_apply(
    request: Request, user: Principal, engine: Engine, raw: bytes
) -> JSONResponse:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _unprocessable("body is not valid JSON") from None
    except RecursionError:
        raise _unprocessable("body is nested too deeply") from None
    if isinstance(body, dict) and isinstance(body.get("mutations"), list):
        if len(body["mutations"]) > MAX_PUSH_MUTATIONS:
            raise _too_large(f"more than {MAX_PUSH_MUTATIONS} mutations in one push")
    try:
        req = PushRequest.model_validate(body)
    except ValidationError as err:
        raise _unprocessable(describe_problems(err.errors(include_url=False))) from None
    if "\x00" in req.device_id:
        raise _unprocessable("device_id: contains a NUL character")
    results = await run_in_threadpool(
        apply_push, engine, user, req.device_id, req.mutations, request.app.state.settings
    )
    return JSONResponse({"results": results})


@router.get(
    "/sync/pull",
    response_model=PullResponse,
    responses=error_responses(
        (400, "malformed cursor"),
        401,
        (410, "cursor too old or scope changed: start again"),
        422,
    ),
    description=(
        f"The changes after `cursor` in the caller's scope: at most `limit` changes and about "
        f"{MAX_PULL_BYTES} bytes (a page that reaches either ends with `has_more`; a single "
        "change larger than the byte budget comes alone)."
    ),
)
def pull(
    request: Request,
    user: UserDep,
    reads: ReadsDep,
    cursor: Annotated[str | None, Query(description="opaque; absent = from the start")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
) -> Response:
    try:
        page = reads.read(
            pull_page,
            user,
            cursor,
            limit,
            max_bytes=request.app.state.settings.pull_max_bytes,
            # a phone that pulled from a fresher source than this standby's replay
            primary_if=(CursorAhead,),
        )
    except MalformedCursor as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from None
    except StaleCursor as exc:
        raise HTTPException(status.HTTP_410_GONE, detail=str(exc)) from None
    return Response(page.body, media_type="application/json")
