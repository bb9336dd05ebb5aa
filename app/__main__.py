"""``python -m app``: the neighbour-head app. Without a display it serves web mode (no CDN)
on ``FLET_SERVER_PORT``; the server address is preset from ``XIANGLIN_SERVER``."""

from __future__ import annotations

import os
from pathlib import Path

import flet as ft
from flet.utils.platform_utils import is_embedded

from app.main import main
from services.failures import configure_phone_logging

ASSETS = str(Path(__file__).resolve().parent.parent / "assets")


def run() -> None:
    configure_phone_logging()
    if is_embedded():  # a phone build (flet build apk): the packaged Flutter client hosts us
        ft.run(main, assets_dir=ASSETS)
        return
    headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if headless:
        os.environ.setdefault("FLET_FORCE_WEB_SERVER", "true")
    os.environ.setdefault("FLET_WEB_NO_CDN", "true")
    web = os.environ.get("FLET_FORCE_WEB_SERVER", "").lower() == "true"
    ft.run(
        main,
        assets_dir=ASSETS,
        view=ft.AppView.WEB_BROWSER if web else ft.AppView.FLET_APP,
        port=int(os.environ.get("FLET_SERVER_PORT", "0") or 0),
        host=os.environ.get("FLET_SERVER_IP") or None,
        no_cdn=True,
    )


if __name__ == "__main__":
    run()
