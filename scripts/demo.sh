#!/usr/bin/env bash
# The demo command README promises: bootstrap, then start the backend with the demo
# community and the app in the browser (web mode, no CDN) on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec .venv/bin/python -m app.demo "$@"
