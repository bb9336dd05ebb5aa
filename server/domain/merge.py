"""Field-by-field merge of an edit made on a phone against the version it was based on.

A field the client sends is applied unless the server changed that same field after the
client's ``base_version`` and the two values differ: then the server keeps its value and a
``conflicts`` row records both sides, for staff or a district head to decide later.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass
class MergeResult:
    applied: dict[str, Any]  # field -> client value taken
    conflicts: dict[str, tuple[Any, Any]]  # field -> (server value kept, client value)
    new_version: int  # row version after the merge (unchanged if nothing applied)
    field_versions: dict[str, int]


def merge_fields(
    row: Mapping[str, Any],
    field_versions: Mapping[str, int],
    base_version: int,
    client: Mapping[str, Any],
) -> MergeResult:
    """Merge ``client`` (only the fields the client set) into ``row`` (the server's current
    values, with ``version``). ``field_versions[f]`` is the version at which f last changed;
    a field without an entry has not changed since the row was created (version 1)."""
    version = int(row["version"])
    applied: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for field, value in client.items():
        current = row.get(field)
        if _same(current, value):
            continue
        if int(field_versions.get(field, 1)) > base_version:
            conflicts[field] = (current, value)
        else:
            applied[field] = value
    fv = dict(field_versions)
    new_version = version + 1 if applied else version
    for field in applied:
        fv[field] = new_version
    return MergeResult(applied, conflicts, new_version, fv)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b
