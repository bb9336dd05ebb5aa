#!/usr/bin/env bash
# Regenerate the reference screenshots (tests/e2e/reference/) from the app as it is now, then
# OPEN every changed image before committing it: a reference that shows a bug encodes the bug.
# Extra arguments go to pytest (e.g. -k english).
set -euo pipefail
cd "$(dirname "$0")/.."
XIANGLIN_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest -q -p no:randomly \
    tests/e2e/test_screens_e2e.py "$@"
git status --short tests/e2e/reference/
