"""Annotated value types both sides validate with.

Every value that crosses the wire must survive every reader and store on the way: Python's
and the browser's JSON, SQLite and PostgreSQL (whose text cannot hold NUL, and whose UTF-8
encoder refuses lone surrogates), and ``utc_iso`` (which overflows near year 1 and 9999).
So text refuses NUL and lone surrogates, numbers are finite and bounded, integers fit their
columns, and timestamps lie in a window: from 2000-01-01T00:00:00Z to one day after now (a
phone whose clock runs up to a day fast still syncs).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
)

from services.protocol.limits import (
    INT32_MAX,
    INT64_MAX,
    MAX_ANSWER_ITEMS,
    MAX_ANSWER_KEYS,
    MAX_ANSWER_NUMBER,
    MAX_ANSWER_TEXT,
)

#: The earliest timestamp either side accepts; the latest is ``TIME_WINDOW_AHEAD`` after now.
TIME_WINDOW_START = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
TIME_WINDOW_AHEAD = dt.timedelta(days=1)
#: Dates (a follow-up day) lie within these years.
DATE_WINDOW = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored everywhere ("contains a NUL character", "contains a lone
    surrogate"), or None when it can."""
    if "\x00" in text:
        return "contains a NUL character"
    if text.isascii():  # the common case, and no surrogate is ASCII
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode)"
    return None


def _safe_text(text: str) -> str:
    problem = text_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def time_problem(value: dt.datetime, now: dt.datetime | None = None) -> str | None:
    """Why an aware timestamp lies outside the window, or None when it is inside."""
    latest = (now or dt.datetime.now(dt.UTC)) + TIME_WINDOW_AHEAD
    if value < TIME_WINDOW_START:
        return "is before 2000-01-01"
    if value > latest:
        return "is more than a day in the future"
    return None


def _in_window(value: dt.datetime) -> dt.datetime:
    problem = time_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _date_in_window(value: dt.date) -> dt.date:
    if not DATE_WINDOW[0] <= value <= DATE_WINDOW[1]:
        raise ValueError("must lie between 2000-01-01 and 2100-12-31")
    return value


#: Text any reader and store takes; give each use its length (``Field(max_length=...)``).
#: The published schema says "no NUL" as a pattern (JSON cannot carry a lone surrogate as
#: valid text, so that half needs no words there); the validator says it in words.
SafeText = Annotated[
    str, AfterValidator(_safe_text), Field(json_schema_extra={"pattern": "^[^\\u0000]*$"})
]
#: An integer that fits a 32-bit column (versions, counts).
Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
#: An integer that fits a 64-bit column.
Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
#: A record's version: 1 and up, within 32 bits.
Version = Annotated[int, Field(ge=1, le=INT32_MAX)]
#: A finite number (no NaN, no infinity) of magnitude at most ``MAX_ANSWER_NUMBER``.
FiniteNumber = Annotated[
    StrictFloat, Field(allow_inf_nan=False, ge=-MAX_ANSWER_NUMBER, le=MAX_ANSWER_NUMBER)
]
#: An aware timestamp within the window (2000-01-01 .. now + 1 day).
Timestamp = Annotated[AwareDatetime, AfterValidator(_in_window)]
#: A calendar date in 2000..2100.
Day = Annotated[dt.date, AfterValidator(_date_in_window)]

#: A question key, as ``Question.key``.
AnswerKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
AnswerText = Annotated[SafeText, Field(max_length=MAX_ANSWER_TEXT)]
AnswerInt = Annotated[StrictInt, Field(ge=-MAX_ANSWER_NUMBER, le=MAX_ANSWER_NUMBER)]


def _answer_value(value: object) -> object:
    """Say in words what is wrong with an answer before the union below says it in six ways."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("is not a finite number")
        if abs(value) > MAX_ANSWER_NUMBER:
            raise ValueError(f"is larger than {MAX_ANSWER_NUMBER:,} in magnitude")
        return value
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and len(value) > MAX_ANSWER_ITEMS:
        raise ValueError(f"has more than {MAX_ANSWER_ITEMS} items")
    for item in items:
        if not isinstance(item, str):
            raise ValueError("must be yes/no, a number, a text or a list of texts")
        problem = text_problem(item)
        if problem:
            raise ValueError(problem)
        if len(item) > MAX_ANSWER_TEXT:
            raise ValueError(f"is longer than {MAX_ANSWER_TEXT} characters")
    return value


#: One answer: yes/no, a number, a text, or the values picked in a multiple choice.
AnswerValue = Annotated[
    StrictBool
    | AnswerInt
    | FiniteNumber
    | AnswerText
    | Annotated[list[AnswerText], Field(max_length=MAX_ANSWER_ITEMS)],
    BeforeValidator(_answer_value),
]
#: Answers by question key, bounded in keys, items, text and magnitude.
Answers = Annotated[dict[AnswerKey, AnswerValue], Field(max_length=MAX_ANSWER_KEYS)]
