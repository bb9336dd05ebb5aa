"""``among(column)``: the condition "``column`` is one of the list bound as ``ids``", for
statements built once and run with a different list each time.

On PostgreSQL it is ``column = ANY(:ids)``, one array parameter: an ``IN`` list of 50
parameters cost SQLAlchemy a rendering of 50 placeholders, psycopg 50 parameters and the
server the planning of a 50-way ``IN`` on every run. Elsewhere (SQLite) it is the expanding
``IN``, rendered at execution for the list's length.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal


class _Among(ColumnElement[bool]):
    inherit_cache = True
    type = Boolean()
    # a comparison, not a boolean value: SQLite gets no "= 1" after it
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], name: str):
        self.column = column
        self.name = name


def among(column: ColumnElement[Any], name: str = "ids") -> ColumnElement[bool]:
    """``column`` is one of the values bound as ``name`` (a list) at execution."""
    return _Among(column, name)


@compiles(_Among)
def _expanding_in(element: _Among, compiler, **kw) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(_Among, "postgresql")
def _any_array(element: _Among, compiler, **kw) -> str:
    item = element.column.type
    if isinstance(item, String):  # no length: a cast to VARCHAR(n)[] would cut longer values
        item = String()
    values = bindparam(element.name, type_=ARRAY(item))
    return compiler.process(element.column == any_(values), **kw)
