"""Request dependencies: the engine, where reads go, the signed-in user, the staff gate.

Those that only read the request are ``async def``: FastAPI runs a plain ``def`` dependency in
a worker thread, a hop that costs more than what it does. The signed-in user is looked up in
the database, so ``current_user`` runs in a worker thread.

``current_user`` answers 401 (with ``WWW-Authenticate: Bearer``) for a missing, malformed,
unknown, revoked or expired token, or an inactive user; ``require_staff`` answers 403 for
anyone but staff.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from server.db.engine import autocommit
from server.db.replica import ReadRoute
from server.domain.principal import Principal
from server.domain.tokens import principal_for_token

_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/auth/login")


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_reads(request: Request) -> ReadRoute:
    return request.app.state.reads


def unauthorized(detail: str = "missing or invalid token") -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise unauthorized()
    return credentials.credentials


def current_user(
    request: Request,
    token: Annotated[str, Depends(bearer_token)],
    engine: Annotated[Engine, Depends(get_engine)],
) -> Principal:
    with autocommit(engine) as conn:  # a request's first read: no transaction round trips
        principal = principal_for_token(conn, token)
    if principal is None:
        raise unauthorized()
    request.state.user_id = principal.id  # for the request log (an id, never a name)
    return principal


async def require_staff(user: Annotated[Principal, Depends(current_user)]) -> Principal:
    if user.role != "staff":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="staff only")
    return user


EngineDep = Annotated[Engine, Depends(get_engine)]
#: where pulls, reports and exports read (a hot standby when serve has --read-replica)
ReadsDep = Annotated[ReadRoute, Depends(get_reads)]
UserDep = Annotated[Principal, Depends(current_user)]
StaffDep = Annotated[Principal, Depends(require_staff)]
TokenDep = Annotated[str, Depends(bearer_token)]

__all__ = [
    "EngineDep",
    "ReadsDep",
    "StaffDep",
    "TokenDep",
    "UserDep",
    "Principal",
    "bearer_token",
    "current_user",
    "get_engine",
    "get_reads",
    "require_staff",
]
