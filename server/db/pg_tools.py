"""Where PostgreSQL's client and server programs are: on PATH, or where Debian puts them
(/usr/lib/postgresql/<version>/bin, newest version first), which is not on PATH."""

from __future__ import annotations

import glob
import shutil


def pg_tool(name: str) -> str | None:
    """The path of PostgreSQL program ``name`` (pg_dump, pg_restore, initdb …), or None."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None
