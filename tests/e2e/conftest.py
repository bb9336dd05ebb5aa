"""End-to-end fixtures: the real server (small seed) and the real app in web mode, driven by
Debian's headless Chromium through Playwright. A missing browser fails, never skips."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.services.serverproc import REPO, ServerProcess, free_port, seed_small

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = REPO / "test-output" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def browser_present():
    # A missing browser is a broken machine, not a reason to skip: CI must run this test.
    assert os.path.exists(CHROMIUM), "install Debian's chromium: apt-get install -y chromium"


class AppProcess:
    """``python -m app`` in web mode on a free loopback port; with ``clock`` (ISO 8601) the
    app's clock starts at that moment, in Beijing time (see tests/e2e/frozen_app.py)."""

    def __init__(
        self, server_url: str, data_dir: Path, log_path: Path, *, clock: str | None = None
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.data_dir = data_dir
        env = dict(
            os.environ,
            FLET_SERVER_PORT=str(self.port),
            FLET_SERVER_IP="127.0.0.1",
            FLET_FORCE_WEB_SERVER="true",
            FLET_WEB_NO_CDN="true",
            XIANGLIN_SERVER=server_url,
            XIANGLIN_DATA_DIR=str(data_dir),
            PYTHONPATH=str(REPO),
        )
        env.pop("FLET_APP_STORAGE_DATA", None)
        module = "app"
        if clock:
            env.update(XIANGLIN_CLOCK=clock, TZ="Asia/Shanghai")
            module = "tests.e2e.frozen_app"
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, deadline: float = 60.0) -> AppProcess:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url, timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling a child process that is still binding its port
        raise TimeoutError(f"app on {self.url} not ready after {deadline} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def e2e_stack(tmp_path_factory):
    """A seeded server and the app in web mode, each in its own process."""
    base = tmp_path_factory.mktemp("e2e")
    db = base / "server.db"
    seed_small(db)
    server = ServerProcess(db).start()
    app = AppProcess(server.url, base / "phone", base / "app.log").wait_ready()
    yield server, app
    app.stop()
    server.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """One stack for a module's tests. A rerun keeps it (pytest-rerunfailures redoes only
    failed setups), so a test that leaves state behind takes ``fresh_stack`` instead."""
    yield from e2e_stack(tmp_path_factory)


@pytest.fixture
def fresh_stack(tmp_path_factory):
    """A stack for one test run: a rerun gets a new one, not the failed run's leftovers."""
    yield from e2e_stack(tmp_path_factory)


@pytest.fixture
def browser():
    """A headless Chromium per test: after a long walk in one browser, the next context's
    text fields were seen refusing the keyboard focus."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
