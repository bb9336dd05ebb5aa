"""Logins: list, create, reset a password, disable or enable, assign estates or a district
(``server.domain.accounts``, as the ``create-user`` / ``set-password`` / ``assign``
commands). Staff manage the logins of their own community: another community's are not
found (404), new ones join the staff's community, and street logins are the operator's
(``create-user --role street``)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from server.api.deps import EngineDep, StaffDep
from server.api.errors import error_responses
from server.domain import accounts
from services.protocol.admin import (
    ActiveIn,
    Assignment,
    PasswordReset,
    UserChanged,
    UserCreate,
    UserList,
    UserOut,
)

router = APIRouter(tags=["admin"])

_ERRORS = error_responses(
    400, 401, (403, "not staff"), (404, "no such user"), (422, "refused; the detail says why")
)


def _refused(exc: accounts.AccountError) -> HTTPException:
    code = 404 if str(exc).startswith("no user named") else 422
    return HTTPException(code, detail=str(exc))


def _user_out(engine, username: str, community: str | None) -> UserOut:
    with engine.connect() as conn:
        found = [u for u in accounts.list_users(conn, community) if u["username"] == username]
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no user named {username!r}")
    return UserOut.model_validate(found[0])


@router.get("/users", response_model=UserList, responses=error_responses(401, (403, "not staff")))
def list_users(engine: EngineDep, staff: StaffDep) -> dict:
    with engine.connect() as conn:
        return {"users": accounts.list_users(conn, staff.community_id)}


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=error_responses(
        400,
        401,
        (403, "not staff"),
        (
            422,
            "a bad username, name or role (a street login is the operator's), a short "
            "password, or the username is taken",
        ),
    ),
    description=(
        "Create an active login in the staff's community. Estates or a district come with "
        "PUT .../assignment."
    ),
)
def create_user(body: UserCreate, engine: EngineDep, staff: StaffDep) -> UserOut:
    if body.role == "street":
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="a street login reads several communities: the operator makes it (create-user)",
        )
    try:
        accounts.create_user(
            engine,
            username=body.username,
            name=body.name,
            role=body.role,
            password=body.password,
            community=staff.community_id,
        )
    except accounts.AccountError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return _user_out(engine, body.username, staff.community_id)


@router.put(
    "/users/{username}/password",
    response_model=UserChanged,
    responses=_ERRORS,
    description="Set a new password; every session the user had is ended.",
)
def reset_password(username: str, body: PasswordReset, engine: EngineDep, staff: StaffDep) -> dict:
    try:
        ended = accounts.set_password(
            engine, username=username, password=body.password, community=staff.community_id
        )
    except accounts.AccountError as exc:
        raise _refused(exc) from None
    return {"user": _user_out(engine, username, staff.community_id), "sessions_ended": ended}


@router.put(
    "/users/{username}/active",
    response_model=UserChanged,
    responses=_ERRORS,
    description=(
        "Disable (``active: false``) or enable a login. Disabling ends every session it has: "
        "its phones and browsers get 401 at their next request. Nobody disables themselves."
    ),
)
def set_active(username: str, body: ActiveIn, engine: EngineDep, staff: StaffDep) -> dict:
    try:
        ended = accounts.set_active(
            engine,
            username=username,
            active=body.active,
            acting_user_id=staff.id,
            community=staff.community_id,
        )
    except accounts.AccountError as exc:
        raise _refused(exc) from None
    return {"user": _user_out(engine, username, staff.community_id), "sessions_ended": ended}


@router.put(
    "/users/{username}/assignment",
    response_model=UserChanged,
    responses=_ERRORS,
    description=(
        "A head's estates (``estate_ids``, the whole new set) or a district head's district "
        "(``district_id``). A head's phones start their pull again under the new scope."
    ),
)
def assign(username: str, body: Assignment, engine: EngineDep, staff: StaffDep) -> dict:
    try:
        accounts.assign(
            engine,
            username=username,
            estate_refs=body.estate_ids,
            district_ref=body.district_id,
            community=staff.community_id,
        )
    except accounts.AccountError as exc:
        raise _refused(exc) from None
    return {"user": _user_out(engine, username, staff.community_id)}
