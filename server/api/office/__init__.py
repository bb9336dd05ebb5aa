"""The office console's API (staff and district heads, bearer token): the figures
(``reports``), review meeting reads (``meetings``), ledgers (``exports``) and the resident
register upload (``register``), and the staff's administration (``admin``). What the office
changes goes through push like everything else, so district heads can do it offline."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.office import admin, exports, meetings, register, reports

router = APIRouter()
router.include_router(reports.router)
router.include_router(meetings.router)
router.include_router(exports.router)
router.include_router(register.router)
router.include_router(admin.router)

__all__ = ["router"]
