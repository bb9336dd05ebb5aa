"""The visit checklist's published versions: read for checking the answers a visit brings,
listed and published by the office."""

from __future__ import annotations

import logging
import uuid
import weakref
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Connection, Engine, func, select, update

from server.db.changelog import record_changes
from server.db.schema import checklists
from server.domain.entities import change_row, checklist_data
from server.domain.questionnaires import check_questions
from services.protocol import LocalizedText, Question, utc_now

log = logging.getLogger("xianglin.checklists")


#: engine -> {version: questions} of versions already read: a published version never changes
#: (a restore, which could change one, is done with the server stopped), so a push reads each
#: version's questions once per process instead of once per push
_published: weakref.WeakKeyDictionary[Engine, dict[int, list[Question]]] = (
    weakref.WeakKeyDictionary()
)


def checklist_questions(engine: Engine, versions: set[int]) -> dict[int, list[Question]]:
    """version -> its questions, for the published ``versions`` among those asked. A version
    whose stored questions do not read as ``Question`` is left out (and logged): its answers
    are then held to the protocol's general bounds only, never refused for the server's
    own fault."""
    known = _published.setdefault(engine, {})
    missing = sorted(v for v in versions if v not in known)
    if missing:
        with engine.connect() as conn:
            rows = conn.execute(
                select(checklists.c.version, checklists.c.questions).where(
                    checklists.c.version.in_(missing)
                )
            ).all()
        for version, questions in rows:
            try:
                known[version] = [Question.model_validate(q) for q in questions or []]
            except ValidationError:
                log.warning("checklist questions unreadable", extra={"version": version})
    return {v: known[v] for v in versions if v in known}


class ChecklistDefinition(BaseModel):
    """A new version of the visit checklist, as the office writes it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: LocalizedText
    questions: list[Question] = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _consistent(self) -> ChecklistDefinition:
        check_questions(self.questions)
        return self


def list_checklists(conn: Connection) -> list[dict[str, Any]]:
    """Every published version, newest first (the active one is the one phones ask)."""
    rows = conn.execute(select(checklists).order_by(checklists.c.version.desc()))
    return [{**checklist_data(r), "created_at": r.created_at} for r in rows]


def publish_checklist(conn: Connection, definition: ChecklistDefinition) -> dict[str, Any]:
    """Publish ``definition`` as the next version and make it the only active one. Published
    versions never change otherwise: a visit keeps the questions it was recorded against.
    Both the new version and the one it retires go through the change log (community-wide),
    so phones pull the new questions."""
    latest = conn.execute(select(func.max(checklists.c.version))).scalar() or 0
    retired = conn.execute(select(checklists).where(checklists.c.active.is_(True))).all()
    conn.execute(update(checklists).where(checklists.c.active.is_(True)).values(active=False))
    row = {
        "id": str(uuid.uuid4()),
        "version": latest + 1,
        "title": definition.title.model_dump(),
        "questions": [q.model_dump(exclude_none=True) for q in definition.questions],
        "active": True,
        "created_at": utc_now().isoformat(),
    }
    conn.execute(checklists.insert().values(**row))
    log = [{**r._mapping, "active": False} for r in retired] + [row]
    record_changes(
        conn,
        [
            change_row(
                "checklist",
                checklist_data(r),
                version=r["version"],
                estate_id=None,
                district_id=None,
            )
            for r in log
        ],
    )
    return {**checklist_data(row), "created_at": row["created_at"]}
