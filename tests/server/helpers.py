"""Test helpers: an API client speaking the protocol, mutation builders, and the demo
community's facts read straight from the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import httpx
from sqlalchemy import Engine, select

from server.db.schema import districts, estates, households, residents, user_estates, users


def uid() -> str:
    return str(uuid.uuid4())


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def mutation(type_: str, payload: dict[str, Any], entity_id: str | None = None, **extra) -> dict:
    return {
        "id": extra.pop("id", None) or uid(),
        "type": type_,
        "entity_id": entity_id or uid(),
        "payload": payload,
        "created_at": extra.pop("created_at", None) or now(),
    }


def visit(household_id: str, *, entity_id: str | None = None, **fields) -> dict:
    payload = {
        "household_id": household_id,
        "visited_at": now(),
        "method": "in_person",
        "people_reached": 1,
        "checklist_version": 1,
        "answers": {},
        "notes": "",
    }
    payload.update(fields)
    return mutation("visit.record", payload, entity_id)


def concern(household_id: str, *, entity_id: str | None = None, **fields) -> dict:
    payload = {
        "household_id": household_id,
        "kind": "request",
        "category": "repair",
        "description": "楼道灯坏了",
    }
    payload.update(fields)
    return mutation("concern.create", payload, entity_id)


def transition(concern_id: str, to_status: str, note: str = "") -> dict:
    return mutation(
        "concern.transition", {"concern_id": concern_id, "to_status": to_status, "note": note}
    )


@dataclasses.dataclass
class Api:
    """A signed-in protocol client over the real app."""

    client: httpx.AsyncClient
    token: str
    user: dict

    @classmethod
    async def sign_in(cls, client: httpx.AsyncClient, username: str, password: str) -> Api:
        r = await client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": password, "device_id": f"dev-{username}"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        return cls(client, body["token"], body["user"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def push_raw(self, body: Any, **kw) -> httpx.Response:
        return await self.client.post("/api/v1/sync/push", json=body, headers=self.headers, **kw)

    async def push(self, *mutations: dict) -> list[dict]:
        r = await self.push_raw(
            {"device_id": f"dev-{self.user['id']}", "mutations": list(mutations)}
        )
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert [res["id"] for res in results] == [m["id"] for m in mutations]
        return results

    async def pull(self, cursor: str | None = None, limit: int = 1000) -> httpx.Response:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        return await self.client.get("/api/v1/sync/pull", params=params, headers=self.headers)

    async def pull_all(
        self, cursor: str | None = None, limit: int = 1000
    ) -> tuple[list[dict], str]:
        """Every change from ``cursor`` to the end; returns (changes in order, final cursor)."""
        out: list[dict] = []
        while True:
            r = await self.pull(cursor, limit)
            assert r.status_code == 200, r.text
            page = r.json()
            out.extend(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return out, cursor

    async def state(self) -> dict[tuple[str, str], dict]:
        """The scope as a phone would hold it after a full pull: (entity, id) -> change."""
        changes, _ = await self.pull_all()
        return latest(changes)


def latest(changes: list[dict]) -> dict[tuple[str, str], dict]:
    state: dict[tuple[str, str], dict] = {}
    for ch in changes:
        key = (ch["entity"], ch["id"])
        if ch["op"] == "delete":
            state.pop(key, None)
        else:
            state[key] = ch
    return state


def ok(results: list[dict]) -> list[str]:
    return [r["status"] for r in results]


@dataclasses.dataclass
class Demo:
    """Facts about the seeded demo community, for choosing rows in and out of scope."""

    users: dict[str, dict]  # username -> {id, role, district_id, estate_ids}
    estate_district: dict[str, str]
    households_by_estate: dict[str, list[str]]
    residents_by_household: dict[str, list[str]]
    district_ids: list[str]

    @classmethod
    def load(cls, engine: Engine) -> Demo:
        with engine.connect() as conn:
            ue: dict[str, set[str]] = {}
            for user_id, estate_id in conn.execute(select(user_estates)):
                ue.setdefault(user_id, set()).add(estate_id)
            users_ = {
                u.username: {
                    "id": u.id,
                    "role": u.role,
                    "district_id": u.district_id,
                    "estate_ids": ue.get(u.id, set()),
                }
                for u in conn.execute(select(users))
            }
            estate_district = dict(conn.execute(select(estates.c.id, estates.c.district_id)).all())
            hh: dict[str, list[str]] = {}
            for h_id, e_id in conn.execute(
                select(households.c.id, households.c.estate_id).order_by(households.c.id)
            ):
                hh.setdefault(e_id, []).append(h_id)
            res: dict[str, list[str]] = {}
            for r_id, h_id in conn.execute(
                select(residents.c.id, residents.c.household_id).order_by(residents.c.id)
            ):
                res.setdefault(h_id, []).append(r_id)
            district_ids = sorted(conn.execute(select(districts.c.id)).scalars())
        return cls(users_, estate_district, hh, res, district_ids)

    def household_of(self, username: str) -> str:
        """A household in the user's first estate."""
        estate = sorted(self.users[username]["estate_ids"])[0]
        return self.households_by_estate[estate][0]

    def household_outside(self, username: str) -> str:
        """A household in an estate the head does NOT have (and, for a head, in another
        district than their estates if possible)."""
        mine = self.users[username]["estate_ids"]
        my_districts = {self.estate_district[e] for e in mine}
        others = [e for e in sorted(self.households_by_estate) if e not in mine]
        others.sort(key=lambda e: self.estate_district[e] in my_districts)
        return self.households_by_estate[others[0]][0]

    def household_in_district(self, district_id: str, *, inside: bool = True) -> str:
        for estate, hhs in sorted(self.households_by_estate.items()):
            if (self.estate_district[estate] == district_id) == inside:
                return hhs[0]
        raise LookupError(district_id)

    def resident_in(self, household_id: str) -> str:
        return self.residents_by_household[household_id][0]
