"""Login, logout, and who am I.

Login answers the same 401 whether the username is unknown, the password wrong or the user
inactive, and spends one password verification in every case so timing does not tell them
apart. Failures are rate-limited per username and per client address, each attempt counted before
its password is checked (server.domain.ratelimit); over the limit: 429 with ``Retry-After``.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select

from server.api.deps import EngineDep, TokenDep, UserDep
from server.db.engine import write_tx
from server.db.schema import users
from server.domain import ratelimit
from server.domain.passwords import spend_verify, verify_password
from server.domain.text_guard import nul_path
from server.domain.tokens import issue_token, load_principal, revoke_token
from services.protocol import ErrorBody, LoginRequest, LoginResponse, UserInfo

router = APIRouter(tags=["auth"])

BAD_CREDENTIALS = "wrong username or password"


@router.post(
    "/auth/login",
    response_model=LoginResponse,
    responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}},
)
def login(body: LoginRequest, request: Request, engine: EngineDep) -> dict:
    settings = request.app.state.settings
    bad = nul_path(body.model_dump())
    if bad:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"{bad}: contains a NUL character"
        )
    user_key = ratelimit.user_key(body.username)
    client_key = ratelimit.client_key(request.client.host if request.client else "")
    limits = [
        ratelimit.Limit(user_key, settings.login_failures_per_user),
        ratelimit.Limit(client_key, settings.login_failures_per_client),
    ]
    with write_tx(engine) as conn:
        # counted as a failure before the password is checked (ratelimit.admit)
        wait, attempt_ids = ratelimit.admit(conn, limits, settings.login_window)
        user = conn.execute(
            select(users.c.id, users.c.password_hash, users.c.active).where(
                users.c.username == body.username.strip()
            )
        ).first()
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many failed logins; try again later",
            headers={"Retry-After": str(wait)},
        )
    # the slow hash runs outside any transaction
    if user is None:
        spend_verify()
        ok = False
    else:
        ok = verify_password(user.password_hash, body.password) and bool(user.active)
    principal = None
    if ok:
        with write_tx(engine) as conn:
            principal = load_principal(conn, user.id)
            if principal is not None:  # (else the attempt stays counted as a failure)
                ratelimit.settle(conn, attempt_ids, user_key)
                token, expires = issue_token(conn, user.id, body.device_id, settings.token_ttl)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=BAD_CREDENTIALS,
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.user_id = principal.id
    return {"token": token, "user": principal.user_info(), "expires_at": expires}


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={401: {"model": ErrorBody}},
    response_class=Response,
)
def logout(_user: UserDep, token: TokenDep, engine: EngineDep) -> Response:
    with write_tx(engine) as conn:
        revoke_token(conn, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserInfo, responses={401: {"model": ErrorBody}})
def me(user: UserDep) -> dict:
    return user.user_info()
