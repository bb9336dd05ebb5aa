"""``GET /api/v1/health``: the phone's connectivity probe."""

from __future__ import annotations

from fastapi import APIRouter

from server.domain.timeutil import now_utc
from services.protocol import HealthResponse

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse)
def health() -> HealthResponse:
    return HealthResponse(status="ok", server_time=now_utc())
