"""Hostile input for the sync push and the public form, shared by the property tests: raw JSON
values no encoder would write, a way to splice them into otherwise valid mutations, the real
server process the tests push at, and a puller that asserts every page of what changed is
served."""

from __future__ import annotations

import json

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.db.schema import changes

API = "/api/v1"
PASSWORD = "demo1234"
#: a settings profile that keeps each property to a few seconds per database (fixed examples,
#: so a run in CI is the run on a developer's machine)
RUN = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)

ENVELOPE_KEYS = ["id", "type", "entity_id", "created_at", "payload", "surplus"]

# ---- hostile JSON, as raw text (no encoder would write most of it) --------------------------

NUMBERS = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1e999",
        "-1e999",
        "1e308",
        str(2**31),
        str(2**63),
        str(-(2**63) - 1),
        str(10**400),
        "-0.0",
        "0",
        "-1",
    ]
)
STRINGS = st.one_of(
    st.sampled_from(
        [
            '"\\udc00"',
            '"\\ud800x"',
            '"a\\u0000b"',
            json.dumps("长" * 70_000),
            json.dumps("x" * 1001),
            '"9999-12-31T23:59:59-10:00"',
            '"0001-01-01T00:00:00+10:00"',
            '"2026-13-45T25:61:00Z"',
            '"not-a-uuid"',
        ]
    ),
    st.text(max_size=30).map(json.dumps),  # escapes lone surrogates as \udxxx
)
NESTING = st.integers(1, 1200).map(lambda d: "[" * d + "]" * d)
WRONG_TYPES = st.sampled_from(
    ["null", "true", "[]", "{}", '[1,"a",null]', '{"x":{"y":1}}', '""', '{"\\u0000":1}']
)
RAW_VALUES = st.one_of(NUMBERS, STRINGS, NESTING, WRONG_TYPES)


def spoil(m: dict, edits, marks: dict[str, str]) -> None:
    for where, key, raw in edits:
        mark = f"@{len(marks)}@"
        marks[mark] = raw
        if where == "envelope":
            m[key] = mark
        elif where == "payload" and isinstance(m.get("payload"), dict):
            m["payload"][key] = mark
        elif where == "answers" and isinstance(m.get("payload"), dict):
            m["payload"].setdefault("answers", {})
            if isinstance(m["payload"]["answers"], dict):
                m["payload"]["answers"][key] = mark
        elif where == "fields" and isinstance(m.get("payload"), dict):
            if isinstance(m["payload"].get("fields"), dict):
                m["payload"]["fields"][key] = mark


def body(mutations: list[dict], marks: dict[str, str]) -> bytes:
    text = json.dumps({"device_id": "dev-hostile", "mutations": mutations})
    for mark, raw in marks.items():
        text = text.replace(json.dumps(mark), raw)
    return text.encode()


# ---- the server ------------------------------------------------------------------------------


class Puller:
    """Pulls what changed since its last pull, asserting every page is served."""

    def __init__(self, client: httpx.Client):
        self.client, self.cursor, self.seen = client, None, {}

    def pull(self) -> None:
        while True:
            params = {"limit": 500} | ({"cursor": self.cursor} if self.cursor else {})
            r = self.client.get(f"{API}/sync/pull", params=params)
            assert r.status_code == 200, r.text[:500]
            page = r.json()
            for ch in page["changes"]:
                self.seen[(ch["entity"], ch["id"])] = ch
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return


def push_spoiled(client: httpx.Client, batch: list[dict], marks: dict[str, str]) -> list[dict]:
    """Push ``batch`` with its marks replaced by raw hostile JSON. The server may refuse the
    whole body (413, 422) but never answers a 5xx; per-mutation refusals carry a code and a
    message. Returns the per-mutation results (none when the body was refused)."""
    r = client.post(
        f"{API}/sync/push",
        content=body(batch, marks),
        headers={"content-type": "application/json"},
    )
    assert r.status_code < 500, r.text[:500]
    assert r.status_code in (200, 413, 422), r.text[:500]
    if r.status_code != 200:
        return []
    results = r.json()["results"]
    assert len(results) == len(batch)
    for res in results:
        if res["status"] == "rejected":
            assert res["error"]["code"] and res["error"]["message"]
    return results


def assert_everything_pulls(client: httpx.Client, engine) -> Puller:
    """A pull of everything from the start serves every row the change log holds: nothing
    stored by a hostile push is skipped or breaks the pull."""
    everything = Puller(client)
    everything.pull()
    with engine.connect() as conn:
        logged = conn.execute(select(func.count()).select_from(changes)).scalar_one()
    assert len(everything.seen) == logged
    return everything
