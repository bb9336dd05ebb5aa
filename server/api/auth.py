"""Login, logout, and who am I.

Login answers the same 401 whether the username is unknown, the password wrong or the user
inactive, and spends one password verification in every case so timing does not tell them
apart. Each attempt is counted as a failure before its password is checked
(server.domain.login_limits says against which limits); over a limit: 429 with
``Retry-After``. The password check itself runs in a bounded number of hashing slots per
process (server.domain.hash_gate); when none comes free soon: 503 with ``Retry-After``, and
the attempt is not counted.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, Row, select, update
from starlette.background import BackgroundTask

from server.api.deps import EngineDep, TokenDep, UserDep
from server.api.errors import error_responses
from server.db.engine import write_tx
from server.db.fifo import queued_writer
from server.db.schema import users
from server.domain import known_logins, passwords, ratelimit
from server.domain.hash_gate import Busy, HashGate
from server.domain.login_limits import LoginLimits, login_limits
from server.domain.tokens import issue_token, load_principal, revoke_token
from server.settings import Settings
from services.protocol import LoginRequest, LoginResponse, UserInfo

router = APIRouter(tags=["auth"])

BAD_CREDENTIALS = "wrong username or password"
TOO_MANY = "too many failed logins for this account or from this address; try again later"
BUSY = "the server is busy checking other logins; try again in a moment"


def hash_gate(request: Request) -> HashGate:
    """The app's hashing slots (made by create_app from its settings)."""
    return request.app.state.hash_gate


@dataclasses.dataclass(frozen=True)
class _Attempt:
    user: Row | None
    limits: LoginLimits
    admission: ratelimit.Admission


def _admit(engine: Engine, settings: Settings, body: LoginRequest, address: str) -> _Attempt:
    with queued_writer(engine), write_tx(engine) as conn:
        user = conn.execute(
            select(users.c.id, users.c.password_hash, users.c.active).where(
                users.c.username == body.username.strip()
            )
        ).first()
        known = user is not None and known_logins.is_known(
            conn, user.id, device_id=body.device_id, address=address
        )
        limits = login_limits(
            settings,
            username=body.username,
            address=address,
            device_id=body.device_id,
            known=known,
        )
        # counted as a failure before the password is checked (ratelimit.admit)
        admission = ratelimit.admit(conn, limits.enforced, counted=limits.counted)
    return _Attempt(user, limits, admission)


def _check(user: Row | None, password: str) -> tuple[bool, str | None]:
    if user is None:
        passwords.spend_verify()
        return False, None
    ok, new_hash = passwords.check(user.password_hash, password)
    return (True, new_hash) if ok and user.active else (False, None)


def _sign_in(
    engine: Engine,
    settings: Settings,
    attempt: _Attempt,
    body: LoginRequest,
    address: str,
    new_hash: str | None,
) -> dict[str, Any] | None:
    user = attempt.user
    with queued_writer(engine), write_tx(engine) as conn:
        principal = load_principal(conn, user.id)
        if principal is None:  # deactivated meanwhile: the attempt stays counted
            return None
        ratelimit.forget(conn, attempt.admission.event_ids)
        for key in attempt.limits.cleared_on_success:
            ratelimit.clear(conn, key)
        known_logins.remember(conn, user.id, device_id=body.device_id, address=address)
        if new_hash is not None:  # made with older parameters: store the current cost
            conn.execute(
                update(users)
                .where(users.c.id == user.id, users.c.password_hash == user.password_hash)
                .values(password_hash=new_hash)
            )
        token, expires = issue_token(conn, user.id, body.device_id, settings.token_ttl)
    return {"token": token, "user": principal.user_info(), "expires_at": expires}


def _forget(engine: Engine, event_ids: list[int]) -> None:
    with queued_writer(engine), write_tx(engine) as conn:
        ratelimit.forget(conn, event_ids)


def _busy(retry_after: int) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE, detail=BUSY, headers={"Retry-After": str(retry_after)}
    )


@router.post(
    "/auth/login",
    response_model=LoginResponse,
    responses=error_responses(
        400,
        (401, "wrong username or password, or the user is inactive"),
        422,
        (429, "too many failures; see Retry-After"),
        (503, "password checks busy; see Retry-After"),
    ),
)
async def login(body: LoginRequest, request: Request) -> dict | JSONResponse:
    settings: Settings = request.app.state.settings
    engine: Engine = request.app.state.engine
    gate = hash_gate(request)
    if gate.saturated:  # refused before any database work: a flood costs next to nothing
        raise _busy(gate.retry_after)
    address = request.client.host if request.client else ""
    attempt = await run_in_threadpool(_admit, engine, settings, body, address)
    if not attempt.admission.admitted:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=TOO_MANY,
            headers={"Retry-After": str(attempt.admission.wait)},
        )
    try:
        ok, new_hash = await gate.run(_check, attempt.user, body.password)
    except Busy as busy:
        # no password was checked, so the attempt is no failure: its count is taken back
        # once the refusal has been sent, so the refusal itself waits for no database work
        forget = BackgroundTask(_forget, engine, attempt.admission.event_ids)
        return JSONResponse(
            {"detail": BUSY},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(busy.retry_after)},
            background=forget,
        )
    signed_in = None
    if ok:
        signed_in = await run_in_threadpool(
            _sign_in, engine, settings, attempt, body, address, new_hash
        )
    if signed_in is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=BAD_CREDENTIALS,
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.user_id = signed_in["user"]["id"]
    return signed_in


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401),
    response_class=Response,
)
def logout(_user: UserDep, token: TokenDep, engine: EngineDep) -> Response:
    with write_tx(engine) as conn:
        revoke_token(conn, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserInfo, responses=error_responses(401))
def me(user: UserDep) -> dict:
    return user.user_info()
