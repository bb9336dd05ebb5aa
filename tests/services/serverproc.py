"""A real sync server in a subprocess (``python -m server serve``) over a given database file,
with health polling: start, stop, kill -9 and restart on the same port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def seed_small(db_path: Path, *, seed: int = 7, scale: float = 0.05) -> dict:
    """Create a seeded demo database (in this process, through the server's own code)."""
    from server.db.engine import migrate, open_engine
    from server.domain.seed import seed_demo

    engine = open_engine(str(db_path))
    try:
        migrate(engine)
        return seed_demo(engine, seed=seed, scale=scale)
    finally:
        engine.dispose()


class ServerProcess:
    """``python -m server serve --db DB`` on 127.0.0.1. ``db`` is a SQLite file path or a
    ``postgresql://`` URL (then ``log_path`` is required); ``log_level`` is the server's;
    ``env`` adds environment variables (``XIANGLIN_*`` settings)."""

    def __init__(
        self,
        db_path: Path | str,
        *,
        port: int | None = None,
        log_path: Path | None = None,
        extra_args: list[str] | None = None,
        log_level: str = "warning",
        env: dict[str, str] | None = None,
    ):
        self.db = str(db_path)
        self.env = dict(env or {})
        is_url = "://" in self.db
        if is_url and log_path is None:
            raise ValueError("a database URL needs an explicit log_path")
        self.db_path = None if is_url else Path(db_path)
        self.extra_args = list(extra_args or [])
        self.log_level = log_level
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or self.db_path.with_suffix(".server.log")
        self.proc: subprocess.Popen | None = None

    def start(self, deadline: float = 30.0) -> ServerProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child owns it)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--db",
                self.db,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                self.log_level,
                *self.extra_args,
            ],
            cwd=REPO,
            env={**subprocess_env(), **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_healthy(deadline)
        return self

    def wait_healthy(self, deadline: float) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode}: "
                    + self.log_path.read_text(errors="replace")[-2000:]
                )
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # polling interval while waiting for a child process to bind
        raise TimeoutError(f"server on {self.url} not healthy after {deadline} s")

    def kill(self) -> None:
        """SIGKILL: the server dies at whatever instant it is in."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()
