"""The rules a mutation must pass, the same on both sides: the phone's store runs them before
it queues a mutation, the server before it applies one.

``check_mutation(type, payload, questions=None, created_at=None)`` returns the validated
payload model or raises ``PayloadError(code, field, message)``. In order:

1. the type is known (else ``unknown_type``);
2. the payload is a JSON object at most ``MAX_PAYLOAD_DEPTH`` deep whose every string and
   key is storable text (no NUL, no lone surrogate), every number finite and every integer
   within 64 bits, and whose JSON encoding is at most ``MAX_MUTATION_BYTES`` bytes;
3. it matches its type's model (``MUTATION_PAYLOADS``: every field bounded);
4. ``created_at`` (the envelope's, when given) lies in the time window;
5. with ``questions`` (the checklist version's, or the questionnaire's), ``answers`` holds
   only their keys, each answer of its question's type, choices among its options, numbers
   within its min and max, text within its length (``check_answer_values``).

Everything but ``unknown_type`` is ``invalid_payload``; ``field`` is the dotted path of the
offending value (``answers.household_size``), ``message`` says what is wrong in words.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from services.protocol.entities import Question
from services.protocol.limits import (
    INT64_MAX,
    MAX_ANSWER_TEXT,
    MAX_MUTATION_BYTES,
    MAX_PAYLOAD_DEPTH,
)
from services.protocol.payloads import MUTATION_PAYLOADS
from services.protocol.types import text_problem, time_problem

#: Longest field path a message repeats (paths are made of the sender's keys).
_MAX_FIELD = 120
#: Longest phone-number or address answer as stored (normalised), in characters.
_SHORT_ANSWER = 32


class PayloadError(ValueError):
    """A mutation refused before it is queued or applied: a protocol reject ``code``
    (``invalid_payload`` or ``unknown_type``), the ``field`` at fault and a ``message`` in
    words. ``str(err)`` is ``"field: message"``, the text a rejection carries."""

    def __init__(self, code: str, field: str, message: str):
        # a field path is made of the sender's keys: keep the message short whatever they are
        field = field if len(field) <= _MAX_FIELD else field[: _MAX_FIELD - 3] + "..."
        super().__init__(f"{field}: {message}")
        self.code = code
        self.field = field
        self.message = message


def _invalid(field: str, message: str) -> PayloadError:
    return PayloadError("invalid_payload", field, message)


def describe_problem(error: Mapping[str, Any], default_field: str = "payload") -> tuple[str, str]:
    """(dotted field, message in plain words) of one pydantic error: the path without
    pydantic's ``[key]`` markers, cut to a readable length (it is made of the sender's keys),
    and the message without its ``Value error,`` prefix."""
    field = ".".join(str(p) for p in error.get("loc", ()) if p != "[key]") or default_field
    if len(field) > _MAX_FIELD:
        field = field[: _MAX_FIELD - 3] + "..."
    return field, str(error.get("msg", "invalid")).removeprefix("Value error, ")


def describe_validation_error(err: ValidationError) -> tuple[str, str]:
    """(dotted field, message) of the first error pydantic found, in plain words."""
    return describe_problem(err.errors(include_url=False)[0])


#: a place in the payload: (value, the place it sits in, its key or index there, depth)
_Place = tuple[Any, "_Place | None", "str | int", int]


def _path(place: _Place | None) -> str:
    """The dotted path of a place, built only when a message needs it."""
    keys: list[str] = []
    while place is not None and place[1] is not None:
        keys.append(str(place[2]))
        place = place[1]
    return ".".join(reversed(keys)) or "payload"


def _scan(payload: Any) -> None:
    """Refuse what no model should ever see: depth, unstorable text, non-finite numbers,
    integers beyond 64 bits. Walks without recursion, so no nesting can overflow the stack."""
    stack: list[_Place] = [(payload, None, "", 0)]
    while stack:
        place = stack.pop()
        value, _, _, depth = place
        if isinstance(value, str):
            # (text_problem's own first test, inline: most text is ASCII without NUL)
            if "\x00" in value or not value.isascii():
                problem = text_problem(value)
                if problem:
                    raise _invalid(_path(place), problem)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if not -INT64_MAX - 1 <= value <= INT64_MAX:
                raise _invalid(_path(place), "is an integer beyond 64 bits")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise _invalid(_path(place), "is not a finite number")
        elif isinstance(value, dict):
            if depth >= MAX_PAYLOAD_DEPTH:
                raise _invalid(_path(place), f"is nested more than {MAX_PAYLOAD_DEPTH} levels deep")
            for key, item in value.items():
                if not isinstance(key, str):
                    raise _invalid(_path(place), "has a key that is not text")
                if "\x00" in key or not key.isascii():
                    problem = text_problem(key)
                    if problem:
                        raise _invalid(f"{_path(place)} (a key)", problem)
                stack.append((item, place, key, depth + 1))
        elif isinstance(value, list):
            if depth >= MAX_PAYLOAD_DEPTH:
                raise _invalid(_path(place), f"is nested more than {MAX_PAYLOAD_DEPTH} levels deep")
            stack.extend((item, place, i, depth + 1) for i, item in enumerate(value))
        else:
            raise _invalid(_path(place), f"is a {type(value).__name__}, not a JSON value")


#: compact JSON as ``payload_size`` measures it (one encoder for every call)
_COMPACT = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def payload_size(payload: Any) -> int:
    """Bytes of ``payload`` as compact UTF-8 JSON (the measure of ``MAX_MUTATION_BYTES``)."""
    text = _COMPACT.encode(payload)
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def check_mutation(
    mutation_type: str,
    payload: Any,
    questions: Sequence[Question | Mapping[str, Any]] | None = None,
    *,
    created_at: dt.datetime | str | None = None,
) -> BaseModel:
    """The validated payload model of one mutation, or ``PayloadError`` (see the module)."""
    model = MUTATION_PAYLOADS.get(mutation_type)
    if model is None:
        raise PayloadError("unknown_type", "type", f"unknown mutation type {mutation_type!r:.80}")
    if not isinstance(payload, dict):
        raise _invalid("payload", "must be a JSON object")
    _scan(payload)
    size = payload_size(payload)
    if size > MAX_MUTATION_BYTES:
        raise _invalid("payload", f"is {size} bytes, more than {MAX_MUTATION_BYTES}")
    try:
        parsed = model.model_validate(payload)
    except ValidationError as err:
        raise _invalid(*describe_validation_error(err)) from None
    if created_at is not None:
        check_created_at(created_at)
    answers = getattr(parsed, "answers", None)
    if questions is not None and answers is not None:
        check_answer_values(questions, answers)
    return parsed


def check_created_at(created_at: dt.datetime | str) -> None:
    """Refuse a mutation's ``created_at`` outside the time window (``PayloadError``)."""
    if isinstance(created_at, str):
        try:
            created_at = dt.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
        except ValueError:
            raise _invalid("created_at", "is not an ISO-8601 timestamp") from None
    if created_at.tzinfo is None:
        raise _invalid("created_at", "has no UTC offset")
    problem = time_problem(created_at)
    if problem:
        raise _invalid("created_at", problem)


def text_limit(question: Question) -> int:
    """Longest answer a question takes: a text question's ``max`` (characters) when given."""
    if question.type == "text" and question.max is not None and 1 <= question.max < MAX_ANSWER_TEXT:
        return int(question.max)
    return MAX_ANSWER_TEXT


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _answer_problem(q: Question, value: Any) -> str | None:
    if q.type == "yes_no":
        return None if isinstance(value, bool) else "must be yes or no (true/false)"
    if q.type == "number":
        if not _is_number(value):
            return "must be a number"
        if q.min is not None and value < q.min:
            return f"is less than the smallest allowed, {q.min:g}"
        if q.max is not None and value > q.max:
            return f"is more than the largest allowed, {q.max:g}"
        return None
    if q.type == "choice":
        if not isinstance(value, str) or value not in {o.value for o in q.options}:
            return "is not one of the question's options"
        return None
    if q.type == "multi_choice":
        options = {o.value for o in q.options}
        if not isinstance(value, list) or any(v not in options for v in value):
            return "must be a list of the question's options"
        if len(set(value)) != len(value):
            return "names an option twice"
        return None
    if q.type in ("text", "phone", "building_unit_room"):
        if not isinstance(value, str):
            return "must be a text"
        limit = text_limit(q) if q.type == "text" else _SHORT_ANSWER
        if len(value) > limit:
            return f"is longer than {limit} characters"
        return None
    return f"answers a question of unknown type {q.type}"


def check_answer_values(
    questions: Sequence[Question | Mapping[str, Any]], answers: Mapping[str, Any]
) -> None:
    """Refuse (``PayloadError``, field ``answers.<key>``) an answer to no question, or one
    that does not fit its question's type, options, bounds or length. Unanswered questions
    are fine: a visit may skip some."""
    by_key: dict[str, Question | None] = {}
    for q in questions:
        if isinstance(q, Question):
            by_key[q.key] = q
            continue
        try:
            by_key[str(q.get("key"))] = Question.model_validate(q)
        except ValidationError:
            # a question this side cannot read (a type from a newer server): its answer is
            # held to the general bounds only, never refused for the reader's age
            by_key[str(q.get("key"))] = None
    for key, value in answers.items():
        if key not in by_key:
            raise _invalid(f"answers.{key}", "is not a question of this form")
        q = by_key[key]
        problem = _answer_problem(q, value) if q is not None else None
        if problem:
            raise _invalid(f"answers.{key}", problem)
