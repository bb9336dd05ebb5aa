"""``python -m app.demo [--port-api P] [--port-app Q] [--dir D] [--scale S]``: the whole demo
on this machine. Seeds the demo community (once, if the database is absent), starts the sync
server (``python -m server serve``) and the app in web mode (no CDN) on loopback, prints the
URL to open and the demo logins, and stops both on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOGINS = [
    ("staff", "社区工作人员 / community staff"),
    ("district1…district3", "片长 / district heads"),
    ("head01…head11", "巷邻长 / neighbour heads"),
]
PASSWORD = "demo1234"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, what: str, deadline: float = 90.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)  # polling a child process that is still starting
    raise SystemExit(f"{what} did not answer on {url} within {deadline:.0f} s")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port-api", type=int, default=0, help="sync server port (default: a free one)"
    )
    parser.add_argument("--port-app", type=int, default=0, help="app port (default: a free one)")
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "xianglin-demo",
        help="where the demo database and phone data live",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="community size (1.0 = 11,000+ residents)"
    )
    args = parser.parse_args(argv)

    # the server refuses to keep its database where other users can read it
    args.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    args.dir.chmod(0o700)
    db = args.dir / "server.db"
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if not db.exists():
        print(f"seeding the demo community into {db} …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "server",
                "seed-demo",
                "--db",
                str(db),
                "--scale",
                str(args.scale),
            ],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    api_port = args.port_api or _free_port()
    app_port = args.port_app or _free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    app_url = f"http://127.0.0.1:{app_port}/"
    server = app = None
    try:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                str(api_port),
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )
        _wait_http(api_url + "/api/v1/health", server, "the sync server")
        app_env = dict(
            env,
            FLET_FORCE_WEB_SERVER="true",
            FLET_WEB_NO_CDN="true",
            FLET_SERVER_IP="127.0.0.1",
            FLET_SERVER_PORT=str(app_port),
            XIANGLIN_SERVER=api_url,
            XIANGLIN_DATA_DIR=str(args.dir / "phone"),
        )
        app = subprocess.Popen([sys.executable, "-m", "app"], cwd=REPO, env=app_env)
        _wait_http(app_url, app, "the app")
        print("\n巷邻长 demo is running.")
        print(f"  open the app:   {app_url}   (a phone-sized window, 412x915, looks best)")
        print(f"  sync server:    {api_url}   (API docs: {api_url}/docs)")
        print(f"  logins (password {PASSWORD}):")
        for who, role in LOGINS:
            print(f"    {who:22s} {role}")
        print("Ctrl-C stops both.", flush=True)
        while server.poll() is None and app.poll() is None:
            time.sleep(0.5)
        return 1  # one of them died on its own
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(app)
        _stop(server)


if __name__ == "__main__":
    sys.exit(main())
