"""Annotated value types both sides validate with."""

from __future__ import annotations

from pydantic import StrictBool, StrictFloat, StrictInt

AnswerValue = StrictBool | StrictInt | StrictFloat | str | list[str]
