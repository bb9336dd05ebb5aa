"""One pull page: the changes after a cursor, inside the principal's scope, masked for role.

The page is read in one read transaction (a single snapshot: REPEATABLE READ on PostgreSQL,
one WAL snapshot on SQLite). Because change sequence numbers become visible in order (see
``server.db.sequence``), "seq > cursor ORDER BY seq" never skips a row that commits late.
When the page is the last one, the cursor moves to the counter value in the same snapshot,
so the next pull does not rescan rows outside the scope.

A page is bounded twice: at most ``limit`` changes and about ``MAX_PULL_BYTES`` bytes of
encoded changes. The page that reaches the byte budget ends early with ``has_more``; a single
change larger than the budget still goes, alone, so paging always moves forward.

Each change is encoded on its own (strict JSON, valid UTF-8). One that cannot be (a stored
NaN, a lone surrogate, unreadable JSON) is left out of the page and logged with its entity and
id, never its content: one bad row must not stop anybody's downloads. Migration 0002 repairs
such rows written by older versions; nothing new can write them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Text, cast, select

from server.db.engine import read_tx
from server.db.schema import changes
from server.db.sequence import positions
from server.domain.cursor import CursorAhead, StaleCursor, decode_cursor, encode_cursor
from server.domain.principal import Principal
from server.domain.scope import mask_for, pull_filter, scope_fingerprint

log = logging.getLogger("xianglin.pull")

#: Byte budget of one pull page's encoded changes (the envelope adds a few hundred bytes).
MAX_PULL_BYTES = 2 * 1024 * 1024

_FETCH_BATCH = 200


@dataclass(frozen=True)
class PullPage:
    """An encoded page: ``body`` is the JSON document ``{"changes", "cursor", "has_more"}``."""

    body: bytes
    count: int
    cursor: str
    has_more: bool
    skipped: int


class UnservableRow(ValueError):
    """A stored change that cannot be sent as strict JSON."""


def pull_page(
    engine: Engine,
    principal: Principal,
    cursor: str | None,
    limit: int,
    *,
    max_bytes: int = MAX_PULL_BYTES,
) -> PullPage:
    """The next page after ``cursor``: at most ``limit`` changes and about ``max_bytes``.

    A user of one community reads that community's log; a street user reads its communities'
    logs one after another, the cursor holding a position in each.

    Raises MalformedCursor (400) or StaleCursor (410; CursorAhead when the cursor is past
    this database's counter, which on a lagging standby means "read from the primary").
    """
    fingerprint = scope_fingerprint(principal)
    communities = principal.community_ids
    after = [0] * len(communities)
    if cursor:
        after, taken_under = decode_cursor(cursor)
        if taken_under != fingerprint or len(after) != len(communities):
            raise StaleCursor("your scope changed; start again from no cursor")
    page = _Page(principal, limit, max_bytes)
    with read_tx(engine) as conn:
        held = positions(conn, communities)
        held_after = list(zip(communities, after, strict=True)) if cursor else []
        if any(a > held[c][1] for c, a in held_after):
            raise CursorAhead("cursor is ahead of this database's history; start again")
        if any(a < held[c][0] for c, a in held_after):
            raise StaleCursor("cursor is older than the retained history; start again")
        scope = pull_filter(conn, principal)
        for i, community in enumerate(communities):
            if page.count == limit:  # full at the end of the previous log
                page.has_more = True
                break
            last = page.read(conn, community, after[i], scope)
            if page.has_more:
                after[i] = last
                break
            # the whole log read in this snapshot: later pulls start from its counter
            after[i] = max(last, held[community][1])
    next_cursor = encode_cursor(after, fingerprint)
    envelope = json.dumps({"cursor": next_cursor, "has_more": page.has_more})
    body = b'{"changes":[' + b",".join(page.pieces) + b"]," + envelope[1:].encode()
    return PullPage(body, len(page.pieces), next_cursor, page.has_more, page.skipped)


class _Page:
    """A pull page being filled, community log by community log."""

    def __init__(self, principal: Principal, limit: int, max_bytes: int) -> None:
        self.principal, self.limit, self.max_bytes = principal, limit, max_bytes
        self.pieces: list[bytes] = []
        self.size = self.skipped = 0
        self.has_more = False

    @property
    def count(self) -> int:
        return len(self.pieces) + self.skipped

    def read(self, conn: Connection, community: str, after: int, scope: ColumnElement) -> int:
        """Add ``community``'s changes after ``after``; returns the last seq taken (``after``
        if none). Sets ``has_more`` when the page filled before the log ended."""
        last = after
        result = conn.execute(
            select(
                changes.c.seq,
                changes.c.entity,
                changes.c.entity_id,
                changes.c.op,
                changes.c.version,
                # the raw text, parsed per row below, so one unreadable value fails only its row
                cast(changes.c.data, Text).label("data"),
            )
            .where(changes.c.community_id == community, changes.c.seq > after, scope)
            .order_by(changes.c.seq)
            .limit(self.limit - self.count + 1)
            .execution_options(yield_per=_FETCH_BATCH)
        )
        try:
            for row in result:
                if self.count == self.limit:
                    self.has_more = True
                    break
                try:
                    piece = encode_change(self.principal, row)
                except UnservableRow as exc:
                    log.warning(
                        "pull skipped a stored change it cannot encode",
                        extra={"entity": row.entity, "entity_id": row.entity_id, "why": str(exc)},
                    )
                    self.skipped += 1
                    last = row.seq
                    continue
                if self.pieces and self.size + len(piece) > self.max_bytes:
                    self.has_more = True
                    break
                self.pieces.append(piece)
                self.size += len(piece) + 1
                last = row.seq
        finally:
            result.close()
        return last


def encode_change(principal: Principal, row: Any) -> bytes:
    """One change as strict JSON in UTF-8, masked for the principal's role.

    Raises UnservableRow, naming what is wrong but never the value.
    """
    data = None
    if row.op == "upsert":
        parsed = _parse(row.data)
        try:
            data = mask_for(principal, row.entity, parsed)
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            # a stored shape the masking does not expect (say, a list where a field name goes)
            raise UnservableRow(f"data of an unexpected shape ({type(exc).__name__})") from None
    change = {
        "entity": row.entity,
        "id": row.entity_id,
        "op": row.op,
        "version": row.version,
        "data": data,
    }
    try:
        text = json.dumps(change, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise UnservableRow("a number that is not finite") from None
    except RecursionError:
        raise UnservableRow("nested too deeply") from None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise UnservableRow("a lone surrogate in a string") from None


def _parse(text: str | None) -> dict | None:
    if text is None:
        return None
    try:
        data = json.loads(text)
    except RecursionError:
        raise UnservableRow("nested too deeply") from None
    except ValueError:
        raise UnservableRow("stored data is not JSON") from None
    if data is not None and not isinstance(data, dict):
        raise UnservableRow("stored data is not an object")
    return data
