"""Published checklists, read for checking the answers a visit brings."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from sqlalchemy import Engine, select

from server.db.schema import checklists
from services.protocol import Question

log = logging.getLogger("xianglin.checklists")


def checklist_questions(engine: Engine, versions: set[int]) -> dict[int, list[Question]]:
    """version -> its questions, for the published ``versions`` among those asked. A version
    whose stored questions do not read as ``Question`` is left out (and logged): its answers
    are then held to the protocol's general bounds only, never refused for the server's
    own fault."""
    if not versions:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(checklists.c.version, checklists.c.questions).where(
                checklists.c.version.in_(sorted(versions))
            )
        ).all()
    out: dict[int, list[Question]] = {}
    for version, questions in rows:
        try:
            out[version] = [Question.model_validate(q) for q in questions or []]
        except ValidationError:
            log.warning("checklist questions unreadable", extra={"version": version})
    return out
