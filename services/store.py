"""The phone's local store: one SQLite file per signed-in user (skeleton; being filled in).

Every write puts the local row and its outbox mutation in ONE transaction and returns the new
entity id; rows created or changed locally and not yet acknowledged read back with
``"pending": True``. Reads return plain dicts. See docs/contracts.md ("Phone store").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class Store:
    """The offline store of one signed-in user (all methods synchronous and thread-safe)."""

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the store file at ``path`` and migrate its schema forward."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the underlying connection."""
        raise NotImplementedError

    # ---- user and cursor ----------------------------------------------------------------
    @property
    def user(self) -> dict | None:
        """The signed-in user's UserInfo dict, or None."""
        raise NotImplementedError

    def set_user(self, user: dict) -> None:
        """Remember the signed-in user's UserInfo (id, name, role, estate_ids, district_id)."""
        raise NotImplementedError

    @property
    def device_id(self) -> str:
        """A stable id of this phone store, generated once (ADDED)."""
        raise NotImplementedError

    @property
    def cursor(self) -> str | None:
        """The pull cursor after the last applied page (None = pull from the start)."""
        raise NotImplementedError

    def set_cursor(self, cursor: str | None) -> None:
        raise NotImplementedError

    def reset_scope(self) -> None:
        """Drop pulled rows and the cursor; keep the outbox and rows with pending changes."""
        raise NotImplementedError

    # ---- reads --------------------------------------------------------------------------
    def estates(self, today: dt.date | None = None) -> list[dict]:
        """[{id, name, district_id, kind, household_count, visited_this_month, not_visited_30}]"""
        raise NotImplementedError

    def home_summary(self, today: dt.date | None = None) -> dict:
        """{estates, households, visited_this_month, not_visited_30, my_open_concerns,
        pending, rejected}"""
        raise NotImplementedError

    def households(
        self,
        *,
        estate_id: str | None = None,
        building: str | None = None,
        not_visited_days: int | None = None,
        aged_60: bool = False,
        lives_alone: bool = False,
        query: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[dict]:
        """[{id, estate_id, estate_name, building, unit, room, address, people_count,
        member_count, last_visit_at, open_concerns, pending}]"""
        raise NotImplementedError

    def count_households(self, **filters: Any) -> int:
        """How many households match the same filters as ``households``."""
        raise NotImplementedError

    def buildings(self, estate_id: str) -> list[str]:
        raise NotImplementedError

    def household(self, household_id: str) -> dict | None:
        raise NotImplementedError

    def members(self, household_id: str) -> list[dict]:
        raise NotImplementedError

    def visits(self, household_id: str) -> list[dict]:
        raise NotImplementedError

    def concerns(
        self,
        *,
        household_id: str | None = None,
        status: str | None = None,
        mine: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> list[dict]:
        raise NotImplementedError

    def concern(self, concern_id: str) -> dict | None:
        raise NotImplementedError

    def concern_events(self, concern_id: str) -> list[dict]:
        raise NotImplementedError

    def search_residents(
        self,
        query: str,
        *,
        estate_id: str | None = None,
        aged_60: bool = False,
        lives_alone: bool = False,
        flagged: bool = False,
        offset: int = 0,
        limit: int = 30,
    ) -> list[dict]:
        """[{id, name, household_id, address, estate_name, age, phone_masked, flags, score}]"""
        raise NotImplementedError

    def checklist(self) -> dict | None:
        """The active checklist (latest version): {id, version, title, questions}."""
        raise NotImplementedError

    def questionnaires(self) -> list[dict]:
        raise NotImplementedError

    def responses_to_review(self, offset: int = 0, limit: int = 50) -> list[dict]:
        raise NotImplementedError

    def outbox_counts(self) -> dict:
        """{"pending": n, "rejected": m}"""
        raise NotImplementedError

    def rejected(self) -> list[dict]:
        """[{id, type, entity_id, payload, code, message, created_at}]"""
        raise NotImplementedError

    # ---- writes -------------------------------------------------------------------------
    def record_visit(
        self,
        household_id: str,
        *,
        method: str,
        people_reached: int,
        answers: dict,
        notes: str = "",
        follow_up_date: dt.date | str | None = None,
        visited_at: dt.datetime | str | None = None,
        reached_resident_ids: Iterable[str] = (),
    ) -> str:
        raise NotImplementedError

    def raise_concern(
        self,
        household_id: str,
        *,
        kind: str,
        category: str,
        description: str,
        resident_id: str | None = None,
        visit_id: str | None = None,
    ) -> str:
        raise NotImplementedError

    def comment_concern(self, concern_id: str, text: str) -> str:
        raise NotImplementedError

    def transition_concern(self, concern_id: str, to_status: str, note: str = "") -> str:
        raise NotImplementedError

    def update_household(self, household_id: str, **fields: Any) -> str:
        raise NotImplementedError

    def add_resident(self, household_id: str, *, name: str, **fields: Any) -> str:
        raise NotImplementedError

    def update_resident(self, resident_id: str, **fields: Any) -> str:
        raise NotImplementedError

    def set_flags(self, resident_id: str, flags: Iterable[str]) -> str:
        raise NotImplementedError

    def review_response(self, response_id: str, outcome: str, note: str = "") -> str:
        raise NotImplementedError

    def discard_rejected(self, mutation_id: str) -> None:
        raise NotImplementedError

    def resend_rejected(self, mutation_id: str, payload: dict | None = None) -> None:
        raise NotImplementedError

    # ---- for the sync engine ------------------------------------------------------------
    def outbox_batch(self, limit: int) -> list[dict]:
        """Mutation dicts ready to push, oldest first, not rejected."""
        raise NotImplementedError

    def mark_results(self, results: list[dict]) -> None:
        """Apply per-mutation push results in one transaction."""
        raise NotImplementedError

    def apply_pull_page(self, changes: list[dict], cursor: str) -> None:
        """Apply one pull page and store its cursor, in one transaction."""
        raise NotImplementedError
