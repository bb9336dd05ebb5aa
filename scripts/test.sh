#!/usr/bin/env bash
# The test command README promises: bootstrap a fresh machine, then run every test
# (server on SQLite and PostgreSQL, phone store + sync engine under faults, app views,
# questionnaires, end to end in headless Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
# -rfER: the summary names every failure, error and rerun (a rerun is a flake to look at)
exec .venv/bin/python -m pytest -q -rfER "$@"
