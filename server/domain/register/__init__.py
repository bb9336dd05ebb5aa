"""Importing the community's resident register (居民花名册) from .xlsx or .csv.

``import_register(engine, path, ...)`` returns an ``ImportReport``: what was read, created,
updated, moved, skipped and refused, each refusal and note a ``Problem`` that renders in
Chinese or English. docs/register-format.md is the user's side of it.
"""

from server.domain.register.importer import ImportReport, import_register
from server.domain.register.layout import FIELDS, REQUIRED, column_map, field_of
from server.domain.register.messages import LANGS, text
from server.domain.register.problems import Problem, RegisterFileError

__all__ = [
    "FIELDS",
    "LANGS",
    "REQUIRED",
    "ImportReport",
    "Problem",
    "RegisterFileError",
    "column_map",
    "field_of",
    "import_register",
    "text",
]
