"""Neighbour heads under load, for Locust: each simulated user is one head on one phone,
speaking the real sync protocol to a real server.

    .venv/bin/locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8000 \\
        --heads head01,head02 --users 2 --spawn-rate 2 --run-time 30s

A head signs in with its own login (``--heads``: one per user, handed out in order), pulls its
whole scope, then loops: one push of ``--visits-per-push`` visits (answers to the published
checklist's questions, passed through ``check_mutation`` as the phone's store does before it
queues them), raising a concern on some of them, then an incremental pull from its cursor.
A push counts as failed unless every mutation in it comes back ``applied``; a pull fails
unless it parses as the protocol's ``PullResponse``. ``--load-summary FILE`` writes, as JSON
when the run ends, the mutations the server applied and each request's count, failures, p50
and p95.

``bench/load_bench.py`` seeds a database, starts the server, runs this and prints the figures.
"""

from __future__ import annotations

import json
import random
import threading
from typing import NoReturn

import gevent
from locust import FastHttpUser, events, task
from locust.exception import StopUser

from services.protocol import (
    API_PREFIX,
    CONCERN_CATEGORIES,
    MAX_PULL_LIMIT,
    ConcernCreate,
    LoginRequest,
    LoginResponse,
    Mutation,
    PullResponse,
    PushRequest,
    PushResponse,
    Question,
    check_mutation,
    new_id,
    utc_now,
)
from services.simulate import answers_for

_logins_lock = threading.Lock()
_next_login = 0
applied = {"visit.record": 0, "concern.create": 0}
_run: dict = {}
busy_logins = [0]


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument("--heads", default="head01", help="comma-separated head logins")
    parser.add_argument("--password", default="demo1234")
    parser.add_argument("--visits-per-push", type=int, default=10)
    parser.add_argument("--concern-rate", type=float, default=0.1, help="concerns per visit")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between rounds")
    parser.add_argument("--load-summary", default="", help="write applied mutations here")


@events.init.add_listener
def _keep(environment, **_kw) -> None:
    _run["environment"] = environment


@events.quit.add_listener
def _write_summary(**_kw) -> None:
    # ``quit`` fires after the users have stopped, so the figures are final (Locust's CSV
    # files are rewritten on a timer and can miss the last seconds)
    environment = _run["environment"]
    path = environment.parsed_options.load_summary
    if not path:
        return
    stats = environment.runner.stats
    requests = {
        name: {
            "count": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
        for (name, _method), entry in stats.entries.items()
    }
    total = {"count": stats.total.num_requests, "failures": stats.total.num_failures}
    with open(path, "w") as f:
        json.dump(
            {
                "applied": applied,
                "requests": requests,
                "total": total,
                "busy_logins": busy_logins[0],
            },
            f,
        )


def _take_login(heads: list[str]) -> str | None:
    global _next_login
    with _logins_lock:
        if _next_login >= len(heads):
            return None
        _next_login += 1
        return heads[_next_login - 1]


class Head(FastHttpUser):
    def wait_time(self) -> float:
        return self.environment.parsed_options.pause

    def on_start(self) -> None:
        opts = self.environment.parsed_options
        heads = [h.strip() for h in opts.heads.split(",") if h.strip()]
        login = _take_login(heads)
        if login is None:
            # more users than logins: a head never shares its login with another phone
            raise StopUser()
        self.login = login
        self.device_id = f"load-{login}"
        self.rng = random.Random(login)
        self.client.auth_header = f"Bearer {self.sign_in(login, opts.password)}"
        self.cursor: str | None = None
        self.households: list[str] = []
        self.checklist: dict | None = None
        self.pull("pull full")
        if not self.households or self.checklist is None:
            self.fail("pull full", f"{login}: no households or no active checklist in scope")
        self.questions = [Question.model_validate(q) for q in self.checklist["questions"]]

    def fail(self, name: str, message: str) -> NoReturn:
        """Count a failure Locust did not see as a request, and stop this head."""
        self.environment.events.request.fire(
            request_type="step",
            name=name,
            response_time=0,
            response_length=0,
            exception=RuntimeError(message),
            context={},
        )
        raise StopUser()

    def sign_in(self, login: str, password: str) -> str:
        """The login's token. A 503 (every password-check slot busy) is the server's designed
        answer to a crowd signing in at once: like a person tapping again, the head waits
        Retry-After and retries; those answers are counted apart, not as errors."""
        body = LoginRequest(username=login, password=password, device_id=self.device_id)
        for attempt in range(10):
            with self.client.post(
                API_PREFIX + "/auth/login",
                json=body.model_dump(),
                name="login" if attempt == 0 else "login (again after busy)",
                catch_response=True,
            ) as r:
                if r.status_code == 200:
                    return LoginResponse.model_validate_json(r.content).token
                if r.status_code != 503:
                    r.failure(f"login {login}: HTTP {r.status_code}")
                    raise StopUser()
                r.success()
                busy_logins[0] += 1
                retry_after = r.headers.get("Retry-After", "1")
            gevent.sleep(float(retry_after) if retry_after.isdigit() else 1.0)
        self.fail("login", f"{login}: still busy after 10 tries")

    def pull(self, name: str) -> None:
        """Pull every page from the cursor, keeping the households and the active checklist."""
        while True:
            params = {"limit": MAX_PULL_LIMIT} | ({"cursor": self.cursor} if self.cursor else {})
            with self.client.get(
                API_PREFIX + "/sync/pull", params=params, name=name, catch_response=True
            ) as r:
                if r.status_code != 200:
                    r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                    return
                page = PullResponse.model_validate_json(r.content)
            for c in page.changes:
                if c.entity == "household" and c.op == "upsert":
                    self.households.append(c.id)
                elif c.entity == "checklist" and c.data and c.data.get("active"):
                    self.checklist = c.data
            self.cursor = page.cursor
            if not page.has_more:
                return

    def visit(self) -> Mutation:
        people = self.rng.randint(1, 4)
        payload = {
            "household_id": self.rng.choice(self.households),
            "visited_at": utc_now().isoformat(),
            "method": self.rng.choice(("in_person", "in_person", "phone")),
            "people_reached": people,
            "checklist_version": self.checklist["version"],
            "answers": answers_for(self.checklist, self.rng, people),
            "notes": self.rng.choice(("", "老人身体尚好", "需要回访")),
        }
        return self.mutation("visit.record", payload, self.questions)

    def concern(self, visit: Mutation) -> Mutation:
        payload = ConcernCreate(
            household_id=visit.payload["household_id"],
            kind=self.rng.choice(("request", "complaint", "suggestion")),
            category=self.rng.choice(tuple(CONCERN_CATEGORIES)),
            description="走访中居民提出的诉求",
            visit_id=visit.entity_id,
        )
        return self.mutation("concern.create", payload.model_dump(mode="json", exclude_none=True))

    def mutation(self, kind: str, payload: dict, questions=None) -> Mutation:
        created_at = utc_now()
        checked = check_mutation(kind, payload, questions, created_at=created_at)
        return Mutation(
            id=new_id(),
            type=kind,
            entity_id=new_id(),
            payload=checked.model_dump(mode="json", exclude_unset=True),
            created_at=created_at,
        )

    @task
    def visit_round(self) -> None:
        opts = self.environment.parsed_options
        mutations: list[Mutation] = []
        for _ in range(opts.visits_per_push):
            v = self.visit()
            mutations.append(v)
            if self.rng.random() < opts.concern_rate:
                mutations.append(self.concern(v))
        body = PushRequest(device_id=self.device_id, mutations=mutations)
        with self.client.post(
            API_PREFIX + "/sync/push",
            data=body.model_dump_json(),
            headers={"Content-Type": "application/json"},
            name="push",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                return
            results = PushResponse.model_validate_json(r.content).results
            refused = [x for x in results if x.status != "applied"]
            if refused or len(results) != len(mutations):
                r.failure(f"{len(refused)} of {len(mutations)} not applied: {refused[:2]}")
            kinds = {str(m.id): m.type for m in mutations}
            for x in results:
                if x.status == "applied":
                    applied[kinds[x.id]] += 1
        self.pull("pull")
