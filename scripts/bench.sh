#!/usr/bin/env bash
# Every benchmark, one after another; each prints its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
for b in bench/server_bench.py bench/phone_bench.py bench/app_bench.py bench/questionnaire_bench.py bench/login_bench.py bench/load_bench.py; do
  [ -f "$b" ] && { echo "== $b"; .venv/bin/python "$b"; }
done
