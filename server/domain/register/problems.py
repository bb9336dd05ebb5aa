"""What the import has to say about a place in the file: refusals and notes, as values.

A ``Problem`` holds a message code (``messages.MESSAGES``), where it is (sheet, row as the
spreadsheet shows it, column header as written) and the message's parameters; it renders in
either language, so the command line and the office console show the same words.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from server.domain.register.messages import CONSOLE, DEFAULT_LANG, MESSAGES, text, where


@dataclasses.dataclass(frozen=True)
class Problem:
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = DEFAULT_LANG, *, console: bool = False) -> str:
        """The message in ``lang``; ``console``: as the office console words its advice."""
        # a parameter named ``*_code`` is itself a message, rendered in the same language
        params = {
            (k.removesuffix("_code") if k.endswith("_code") else k): (
                text(v, lang, console=console) if k.endswith("_code") else v
            )
            for k, v in self.params
        }
        template = ((console and CONSOLE.get(self.code)) or MESSAGES[self.code])[0]
        # a message that names its sheet, row or column itself ("表头在第 3 行") takes it as a
        # parameter, and the place before it leaves that part out
        place_parts = {"sheet": self.sheet, "row": self.row, "column": self.column}
        for key in list(place_parts):
            if "{" + key + "}" in template:
                params.setdefault(key, place_parts[key])
                place_parts[key] = None
        place = where(lang, place_parts["sheet"], place_parts["row"], place_parts["column"] or "")
        if "{where}" in template:
            return text(self.code, lang, console=console, where=place, **params)
        return place + text(self.code, lang, console=console, **params)

    def __str__(self) -> str:
        return self.text()


def problem(
    code: str, sheet: str | None = None, row: int | None = None, column: str = "", **params: Any
) -> Problem:
    return Problem(code, sheet, row, column, tuple(params.items()))


class RegisterFileError(ValueError):
    """The file cannot be read as a register at all (type, encoding, size, damage)."""

    def __init__(self, code: str, sheet: str | None = None, row: int | None = None, **params):
        self.problem = problem(code, sheet, row, **params)
        super().__init__(self.problem.text())

    @property
    def code(self) -> str:
        return self.problem.code

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return self.problem.text(lang)
