"""schemathesis against a live server (``python -m server serve`` on a small seeded SQLite
file), every operation, all checks: statuses, content types, headers and bodies conform to the
OpenAPI document, no 5xx, invalid input refused, valid input accepted, authentication never
ignored, unsupported methods answered 405 with ``Allow``. Bounded by ``--max-time``.

Two staff tokens come from real logins: one for every operation, one only for logout (which
revokes it). Real questionnaire slugs and estate ids are offered alongside generated values,
so the form and poster routes are reached beyond their 404s.

Where the schema cannot say what a valid value is, the expected statuses are widened, each
with its reason: a pull cursor and a form token are opaque and only ones this server issued
are accepted (400 malformed, 410 stale); a meeting's id must name a meeting (404); a report's
and an agenda's place and period follow rules across parameters (``from`` not after ``to``,
days within 2000..2100, the estate inside the district asked for; a ledger's period given
whole, and whole numbers only with a reason), refused with 422, and a district or estate id
must name one (404). A register upload must be a readable register (its type by name, its
encoding, its workbook structure), which no schema can say: 422. The administration's writes
follow rules of the stored data: a username must be free and name a user (422, 404), a
password long enough, a place's name not (nearly) another's, a district or estate id must name
one (404), a questionnaire's slug must match its body and its questions hold together (422).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys

import httpx

from tests.services.serverproc import ServerProcess, seed_small

MAX_TIME = int(os.environ.get("XIANGLIN_SCHEMATHESIS_SECONDS", "60"))

CONFIG = """
headers = {{ Authorization = "Bearer {token}" }}

[dictionaries.slugs]
values = {slugs}

[dictionaries.posters]
values = {posters}

[dictionaries.estates]
values = {estates}

[parameters]
"path.slug" = {{ dictionary = "slugs", probability = 0.5 }}
"path.name" = {{ dictionary = "posters", probability = 0.3 }}
"query.e" = {{ dictionary = "estates", probability = 0.5 }}
"query.estate" = {{ dictionary = "estates", probability = 0.5 }}

[[operations]]
include-name = "POST /api/v1/auth/logout"
headers = {{ Authorization = "Bearer {logout_token}" }}

[[operations]]
include-name = "GET /api/v1/sync/pull"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "410"]

[[operations]]
include-name = "GET /api/v1/reports/summary"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "GET /api/v1/reports/weeks"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "GET /api/v1/reports/concerns"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "GET /api/v1/reports/households"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "GET /api/v1/meetings/agenda"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "GET /api/v1/meetings/{{meeting_id}}/minutes"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404"]

[[operations]]
include-name = "GET /api/v1/exports/{{kind}}.xlsx"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "POST /api/v1/register/import"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "413", "422"]

[[operations]]
include-name = "POST /api/v1/admin/users"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/users/{{username}}/password"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/users/{{username}}/active"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/users/{{username}}/assignment"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "POST /api/v1/admin/estates"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/estates/{{estate_id}}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/districts/{{district_id}}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "POST /api/v1/admin/districts"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/questionnaires/{{slug}}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "PUT /api/v1/admin/questionnaires/{{slug}}/active"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "POST /api/v1/admin/checklists"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-name = "POST /q/{{slug}}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404", "409", "429"]
"""


def _login(url: str, device: str) -> str:
    body = {"username": "staff", "password": "demo1234", "device_id": device}
    r = httpx.post(url + "/api/v1/auth/login", json=body, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def test_live_server_conforms_to_its_openapi_document(tmp_path):
    db = tmp_path / "server.db"
    seed_small(db)
    with sqlite3.connect(db) as conn:
        slugs = [s for (s,) in conn.execute("SELECT slug FROM questionnaires ORDER BY slug")]
        estates = [e for (e,) in conn.execute("SELECT id FROM estates ORDER BY id LIMIT 5")]
    seed = os.environ.get("XIANGLIN_SCHEMATHESIS_SEED") or str(random.randrange(2**32))
    server = ServerProcess(db).start()
    try:
        config = tmp_path / "schemathesis.toml"
        config.write_text(
            CONFIG.format(
                token=_login(server.url, "schemathesis"),
                logout_token=_login(server.url, "schemathesis-logout"),
                slugs=json.dumps(slugs),
                posters=json.dumps([f"{s}.{kind}" for s in slugs[:2] for kind in ("png", "pdf")]),
                estates=json.dumps(estates),
            )
        )
        run = subprocess.run(
            [
                *(sys.executable, "-m", "schemathesis.cli", "--no-color"),
                *("--config-file", str(config), "run", server.url + "/openapi.json"),
                *("--checks", "all", "--max-time", str(MAX_TIME), "--workers", "1"),
                *("--seed", seed, "--request-timeout", "30"),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=MAX_TIME + 180,
        )
    finally:
        server.stop()
    report = run.stdout[-20000:] + run.stderr[-4000:]
    assert run.returncode == 0, f"seed {seed} (XIANGLIN_SCHEMATHESIS_SEED to repeat)\n{report}"
    assert "generated" in run.stdout and " 0 passed" not in run.stdout, report
