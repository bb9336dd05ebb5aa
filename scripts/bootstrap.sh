#!/usr/bin/env bash
# Bring a fresh machine to the point where the demo and the tests run: Debian packages
# (chromium for the end-to-end tests, the Noto CJK fonts for posters and the font subset,
# PostgreSQL 15 for the server's protocol tests), a virtualenv in .venv, the project with
# its test extra. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in chromium fonts-noto-cjk postgresql; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  # the packaged cluster is not ours: tests start throwaway clusters of their own
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.xianglin-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install -q -e ".[server,test,bench]" 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c "import flet, fastapi, sqlalchemy, sqlite_utils, playwright, locust" 
  touch "$stamp"
fi
