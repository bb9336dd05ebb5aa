"""Helpers for tests that drive real phones (store + engine) against the real server."""

from __future__ import annotations

import random
from pathlib import Path

from services.auth import login
from services.store import Store
from services.sync import SyncEngine

PASSWORD = "demo1234"


async def open_phone(
    url: str, username: str, path: Path, **engine_kwargs
) -> tuple[Store, SyncEngine]:
    """A signed-in phone: its store file at ``path`` and a sync engine (not yet synced)."""
    store = Store(path)
    token, user = await login(url, username, PASSWORD, store.device_id)
    store.set_user(user)
    engine_kwargs.setdefault("backoff_base", 0.02)
    engine_kwargs.setdefault("backoff_max", 0.5)
    return store, SyncEngine(store, url, token, **engine_kwargs)


def record_offline(
    store: Store, visits: int, *, concern_every: int = 5, seed: int = 1
) -> tuple[list[str], list[str]]:
    """Record ``visits`` visits (and a concern every ``concern_every``) in the store only."""
    rng = random.Random(seed)
    households = store.households(limit=100_000)
    assert households, "pull the scope first"
    visit_ids, concern_ids = [], []
    for i in range(visits):
        h = rng.choice(households)
        vid = store.record_visit(
            h["id"],
            method="in_person",
            people_reached=rng.randint(0, 4),
            answers={"household_size": 2},
        )
        visit_ids.append(vid)
        if concern_every and i % concern_every == 0:
            concern_ids.append(
                store.raise_concern(
                    h["id"],
                    kind="request",
                    category="repair",
                    description=f"第{i}号诉求",
                    visit_id=vid,
                )
            )
    return visit_ids, concern_ids
