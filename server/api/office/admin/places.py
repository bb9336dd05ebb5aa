"""Districts and estates: list, create, rename (``server.domain.places``). Phones whose scope
holds the place pull the new name. Staff see and change their own community's places: another
community's are not found (404), and names need only be unique within the community."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, status

from server.api.deps import EngineDep, StaffDep
from server.api.errors import error_responses
from server.domain import places
from services.protocol.admin import DistrictOut, EstateCreate, EstateOut, NameIn, PlaceList

router = APIRouter(tags=["admin"])

_ERRORS = error_responses(
    400,
    401,
    (403, "not staff"),
    (404, "no such district or estate"),
    (422, "an empty or too long name, or one that is (nearly) another's; the detail says which"),
)


def _call(fn, *args, **kwargs) -> dict:
    try:
        return fn(*args, **kwargs)
    except places.PlaceNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except places.PlaceError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None


@router.get("/places", response_model=PlaceList, responses=error_responses(401, (403, "not staff")))
def list_places(engine: EngineDep, staff: StaffDep) -> dict:
    with engine.connect() as conn:
        return {"districts": places.list_places(conn, staff.community_id)}


@router.post(
    "/districts", status_code=status.HTTP_201_CREATED, response_model=DistrictOut, responses=_ERRORS
)
def create_district(body: NameIn, engine: EngineDep, staff: StaffDep) -> dict:
    return _call(places.create_district, engine, name=body.name, community=staff.community_id)


@router.put("/districts/{district_id}", response_model=DistrictOut, responses=_ERRORS)
def rename_district(
    district_id: uuid.UUID, body: NameIn, engine: EngineDep, staff: StaffDep
) -> dict:
    return _call(
        places.rename_district,
        engine,
        str(district_id),
        name=body.name,
        community=staff.community_id,
    )


@router.post(
    "/estates", status_code=status.HTTP_201_CREATED, response_model=EstateOut, responses=_ERRORS
)
def create_estate(body: EstateCreate, engine: EngineDep, staff: StaffDep) -> dict:
    return _call(
        places.create_estate,
        engine,
        district_id=body.district_id,
        name=body.name,
        kind=body.kind,
        community=staff.community_id,
    )


@router.put("/estates/{estate_id}", response_model=EstateOut, responses=_ERRORS)
def rename_estate(estate_id: uuid.UUID, body: NameIn, engine: EngineDep, staff: StaffDep) -> dict:
    return _call(
        places.rename_estate, engine, str(estate_id), name=body.name, community=staff.community_id
    )
