"""The office's administration (staff only; anyone else gets 403): logins (``users``),
districts and estates (``places``), questionnaires and their posters (``questionnaires``),
the visit checklist (``checklist``) and the phone-number reveal audit (``reveals``). Each
route calls the same domain function as the matching command, and what phones must see goes
through the change log in the same transaction."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from server.api.deps import require_staff
from server.api.office.admin import checklist, places, questionnaires, reveals, users

router = APIRouter(prefix="/admin", dependencies=[Depends(require_staff)])
for module in (users, places, questionnaires, checklist, reveals):
    router.include_router(module.router)

__all__ = ["router"]
