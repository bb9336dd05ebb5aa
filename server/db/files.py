"""The SQLite database's files are the owner's alone: they hold residents' full phone and ID
numbers.

``make_private(path)`` runs before a database file is opened: a missing directory is created
0700, a missing database file is created empty with 0600 (SQLite takes an empty file as a new
database), and an existing database file and its ``-wal``/``-shm``/``-journal`` files are set
to 0600. SQLite creates its ``-wal``, ``-shm`` and ``-journal`` files with the database file's
own permissions, so they follow. An existing directory is left as it is (it may hold other
things); ``open_to_others`` tells whether others may enter it, for ``serve`` to warn.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) as 0700 if it does not exist."""
    if not path.exists():
        path.mkdir(mode=DIR_MODE, parents=True)
        path.chmod(DIR_MODE)  # parents=True leaves intermediate dirs to the umask; this one not


def make_private(path: str | Path) -> None:
    """Make the SQLite database at ``path`` and its side files owner-only (see above)."""
    path = Path(path)
    private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for f in (path, *(Path(f"{path}{s}") for s in SIDE_FILES)):
        try:
            if stat.S_IMODE(f.stat().st_mode) != FILE_MODE:
                f.chmod(FILE_MODE)
        except FileNotFoundError:
            continue


def open_to_others(path: str | Path) -> bool:
    """Whether users other than the owner may enter the directory holding ``path``."""
    return bool(stat.S_IMODE(Path(path).resolve().parent.stat().st_mode) & 0o077)
