"""Where the phone keeps its data: Flet's app-storage directory when the platform gives one
(``FLET_APP_STORAGE_DATA``, set by flet build on phones), else ``XIANGLIN_DATA_DIR``, else a
folder in the user's home."""

from __future__ import annotations

import os
import re
from pathlib import Path


def data_dir() -> Path:
    raw = os.environ.get("FLET_APP_STORAGE_DATA") or os.environ.get("XIANGLIN_DATA_DIR")
    path = Path(raw) if raw else Path.home() / ".xianglin"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_path(base: Path, user_id: str) -> Path:
    """One store file per signed-in user, so two accounts on one device never mix."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", user_id)
    return base / f"store-{safe}.sqlite"


#: A phone build's preset server address: written into the package before ``flet build``
#: (docs/phone-build.md), so a volunteer's login screen asks only for username and password.
PRESET_SERVER_FILE = Path(__file__).resolve().parent / "preset_server.txt"


def preset_server(file: Path = PRESET_SERVER_FILE) -> str:
    """The server address to start from: ``XIANGLIN_SERVER`` from the environment, else the
    build's ``preset_server.txt``, else empty (the login screen then opens 高级 to ask)."""
    from_env = os.environ.get("XIANGLIN_SERVER", "").strip()
    if from_env:
        return from_env
    try:
        return file.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
