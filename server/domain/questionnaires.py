"""Questionnaires: definitions, versioning, the community's built-in set, and answers.

A questionnaire is one row per ``slug``; changing its content bumps ``version`` and re-stamps
it in the change log, so phones pull the new version. Answers (``questionnaire_responses``)
record the version they were given against.

Definitions come from JSON or YAML files (``assets/questionnaires/*.json`` for the built-in
set, ``python -m server import-questionnaires`` for staff edits) and are validated with the
protocol's ``Question`` model before anything is written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator
from sqlalchemy import Connection, select

from server.db.changelog import record_change
from server.db.schema import estates, households, questionnaires
from services.protocol import LocalizedText, Question, utc_now

_ID_NAMESPACE = uuid.UUID("6f1c3f0e-8d2a-4b7e-9a55-2f0c6d1e7a10")

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "assets" / "questionnaires"

#: Question types that offer options to pick from.
CHOICE_TYPES = frozenset({"choice", "multi_choice"})


def check_questions(questions: list[Question]) -> None:
    """The rules a form's questions keep together (a questionnaire's or a checklist's):
    unique keys, options exactly for choice questions, no repeated option, min <= max.
    Raises ValueError naming the question."""
    keys = [q.key for q in questions]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate question keys: {', '.join(dupes)}")
    for q in questions:
        values = [o.value for o in q.options]
        if q.type in CHOICE_TYPES and not values:
            raise ValueError(f"question {q.key!r} ({q.type}) needs options")
        if q.type not in CHOICE_TYPES and values:
            raise ValueError(f"question {q.key!r} ({q.type}) must not have options")
        if len(set(values)) != len(values):
            raise ValueError(f"question {q.key!r} has duplicate option values")
        if q.min is not None and q.max is not None and q.min > q.max:
            raise ValueError(f"question {q.key!r}: min is greater than max")


class QuestionnaireDefinition(BaseModel):
    """What a definition file holds for one questionnaire."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    title: LocalizedText
    intro: LocalizedText = LocalizedText(zh="", en="")
    questions: list[Question] = Field(min_length=1, max_length=60)
    # 0 or "yes" for active is a mistake in a definition, never a switch to coerce
    active: StrictBool = True

    @model_validator(mode="after")
    def _consistent(self) -> QuestionnaireDefinition:
        check_questions(self.questions)
        return self

    def content(self) -> dict[str, Any]:
        """The versioned content (everything but the slug), as stored."""
        return {
            "title": self.title.model_dump(),
            "intro": self.intro.model_dump(),
            "questions": [q.model_dump(exclude_none=True) for q in self.questions],
            "active": self.active,
        }


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message names the file and the problem."""


def load_definitions(path: Path) -> list[QuestionnaireDefinition]:
    """Read one JSON or YAML file holding a questionnaire object or a list of them.

    Raises ``DefinitionError`` naming the file (and item and field) on any problem.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path}: cannot read: {exc}") from exc
    try:
        if path.suffix.lower() in {".yaml", ".yml"}:
            import yaml  # only YAML imports need it

            raw = yaml.safe_load(text)
        else:
            raw = json.loads(text)
    except Exception as exc:  # a parse error of either format
        raise DefinitionError(
            f"{path}: not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}"
        ) from exc
    items = raw if isinstance(raw, list) else [raw]
    result = []
    for i, item in enumerate(items):
        where = f"{path}" if not isinstance(raw, list) else f"{path} item {i + 1}"
        try:
            result.append(QuestionnaireDefinition.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
            )
            raise DefinitionError(f"{where}: {problems}") from exc
    return result


# ---------------------------------------------------------------------------------------------
# Stored questionnaires
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Questionnaire:
    id: str
    slug: str
    version: int
    title: dict[str, str]
    intro: dict[str, str]
    questions: list[dict[str, Any]]
    active: bool

    def data(self) -> dict[str, Any]:
        """The pull data (``protocol.QuestionnaireData``)."""
        return {
            "id": self.id,
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "intro": self.intro,
            "questions": self.questions,
            "active": self.active,
        }

    def parsed_questions(self) -> list[Question]:
        return [Question.model_validate(q) for q in self.questions]


def _from_row(row: Any) -> Questionnaire:
    return Questionnaire(
        id=row.id,
        slug=row.slug,
        version=row.version,
        title=dict(row.title),
        intro=dict(row.intro),
        questions=list(row.questions),
        active=bool(row.active),
    )


def get_questionnaire(conn: Connection, slug: str) -> Questionnaire | None:
    row = conn.execute(select(questionnaires).where(questionnaires.c.slug == slug)).first()
    return _from_row(row) if row else None


def list_questionnaires(conn: Connection, *, active_only: bool = True) -> list[Questionnaire]:
    stmt = select(questionnaires).order_by(questionnaires.c.slug)
    if active_only:
        stmt = stmt.where(questionnaires.c.active.is_(True))
    return [_from_row(r) for r in conn.execute(stmt)]


UpsertOutcome = Literal["created", "updated", "unchanged"]


def upsert_questionnaire(
    conn: Connection, definition: QuestionnaireDefinition
) -> tuple[UpsertOutcome, Questionnaire]:
    """Create the questionnaire, or bump its version if its content changed; an unchanged
    definition writes nothing. Every write is stamped in the change log (community-wide)."""
    content = definition.content()
    existing = conn.execute(
        select(questionnaires).where(questionnaires.c.slug == definition.slug)
    ).first()
    now = utc_now().isoformat()
    if existing is None:
        # the id follows from the slug, so the same definitions give the same ids everywhere
        qid, version = str(uuid.uuid5(_ID_NAMESPACE, f"questionnaire:{definition.slug}")), 1
        conn.execute(
            questionnaires.insert().values(
                id=qid,
                slug=definition.slug,
                version=version,
                created_at=now,
                updated_at=now,
                **content,
            )
        )
        outcome: UpsertOutcome = "created"
    else:
        stored = {
            "title": existing.title,
            "intro": existing.intro,
            "questions": existing.questions,
            "active": bool(existing.active),
        }
        if _canonical(stored) == _canonical(content):
            return "unchanged", _from_row(existing)
        qid, version = existing.id, existing.version + 1
        conn.execute(
            questionnaires.update()
            .where(questionnaires.c.id == qid)
            .values(version=version, updated_at=now, **content)
        )
        outcome = "updated"
    q = Questionnaire(id=qid, slug=definition.slug, version=version, **content)
    record_change(conn, "questionnaire", qid, version=version, data=q.data())
    return outcome, q


def set_questionnaire_active(
    conn: Connection, slug: str, active: bool
) -> tuple[UpsertOutcome, Questionnaire] | None:
    """Activate or retire a questionnaire (a new version when that changes it); None if
    there is no such slug. Retired questionnaires leave the phones' lists and the public
    form, and their answers stay."""
    q = get_questionnaire(conn, slug)
    if q is None:
        return None
    definition = QuestionnaireDefinition.model_validate(
        {
            "slug": slug,
            "title": q.title,
            "intro": q.intro,
            "questions": q.questions,
            "active": active,
        }
    )
    return upsert_questionnaire(conn, definition)


def _canonical(content: dict[str, Any]) -> str:
    # re-validate stored JSON so that defaults and key order never count as a change
    normal = dict(content)
    normal["questions"] = [
        Question.model_validate(q).model_dump(exclude_none=True) for q in content["questions"]
    ]
    return json.dumps(normal, sort_keys=True, ensure_ascii=False)


def builtin_definitions(directory: Path = BUILTIN_DIR) -> list[QuestionnaireDefinition]:
    """The community's own questionnaires, shipped in ``assets/questionnaires``."""
    result: list[QuestionnaireDefinition] = []
    for path in sorted(directory.glob("*.json")):
        result.extend(load_definitions(path))
    return result


def seed_builtin_questionnaires(conn: Connection) -> int:
    """Create (or bring up to date) the community's questionnaires from
    ``assets/questionnaires``; idempotent. Returns how many built-in questionnaires exist."""
    definitions = builtin_definitions()
    for definition in definitions:
        upsert_questionnaire(conn, definition)
    return len(definitions)


def import_definitions(
    conn: Connection, definitions: Iterable[QuestionnaireDefinition]
) -> list[tuple[UpsertOutcome, Questionnaire]]:
    return [upsert_questionnaire(conn, d) for d in definitions]


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an answer is attributed: an estate (and its district), maybe a household."""

    estate_id: str
    estate_name: str
    district_id: str
    household_id: str | None = None


def find_place(conn: Connection, estate_id: str | None, household_id: str | None) -> Place | None:
    """The estate and household a QR names, or None if either does not exist or the
    household is not in that estate. A household alone implies its estate."""
    if household_id:
        hh_estate = conn.execute(
            select(households.c.estate_id).where(households.c.id == household_id)
        ).scalar()
        if hh_estate is None or (estate_id and hh_estate != estate_id):
            return None
        estate_id = hh_estate
    if not estate_id:
        return None
    estate = conn.execute(select(estates).where(estates.c.id == estate_id)).first()
    if estate is None:
        return None
    return Place(estate.id, estate.name, estate.district_id, household_id or None)
