"""Applying a push: one write transaction, one savepoint per mutation.

Per mutation, in request order: a mutation id already applied (earlier, or earlier in this
batch) is ``duplicate``; an unknown type is ``unknown_type``; ``questionnaire.response`` from a
phone is ``forbidden``; a payload that fails ``check_mutation`` (the protocol's rules, with
the checklist version's questions for a visit) is ``invalid_payload`` naming the field; then
its handler runs inside a savepoint, so a rejected mutation leaves no trace and does not stop
the ones after it. Applied mutations are remembered in ``mutations``. The
change-log rows of all applied mutations are stamped once, at the end, in the same
transaction.

Pushes in one community are serialised: the transaction locks the community's change
sequence (``server.db.sequence.lock_sequence``, the lock every change-log writer there needs
anyway, held to commit) first, so duplicate checks and state-machine checks see every earlier
push; a batch of new visits only, on the fast path, takes it with its first write, the
numbering of its change-log rows (see ``_apply_once``). Pushes in different communities do not wait for each other on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from server.db.engine import write_tx
from server.db.fifo import queued_writer
from server.db.schema import mutations
from server.db.sequence import lock_sequence
from server.domain.checklists import checklist_questions
from server.domain.mutations import HANDLERS, ChangeSink, Ctx, Reject
from server.domain.principal import Principal
from server.domain.timeutil import now_iso
from server.settings import Settings
from services.protocol import (
    INT32_MAX,
    MUTATION_PAYLOADS,
    PHONE_MUTATION_TYPES,
    Mutation,
    PayloadError,
    Question,
    VisitRecord,
    check_mutation,
)

log = logging.getLogger("xianglin.push")


def _result(mid: str, status: str, code: str | None = None, message: str = "") -> dict:
    out: dict[str, Any] = {"id": mid, "status": status, "error": None}
    if code:
        out["error"] = {"code": code, "message": message}
    return out


def apply_push(
    engine: Engine,
    principal: Principal,
    device_id: str,
    batch: list[Mutation],
    settings: Settings | None = None,
) -> list[dict]:
    """Apply ``batch`` for ``principal``; returns one result dict per mutation, in order."""
    settings = settings or Settings()
    if principal.community_id is None:  # a street user reads only
        return [
            _result(str(m.id), "rejected", "forbidden", "this account may not write") for m in batch
        ]
    # checked before queueing for the write lock: published checklists never change
    questions = checklist_questions(engine, _checklist_versions(batch))
    checked = [_validate(m, questions) for m in batch]
    with queued_writer(engine):
        try:
            return _apply_once(
                engine, principal, device_id, batch, checked, set(questions), settings, safe=False
            )
        except _RetrySafely:
            return _apply_once(
                engine, principal, device_id, batch, checked, set(questions), settings, safe=True
            )


class _RetrySafely(Exception):  # noqa: N818 - control flow, not an error
    """A fast-path mutation hit an unexpected database error: redo the push with savepoints."""


#: handlers that check everything before their one and only write, so on the fast path they
#: need no savepoint (a rejection cannot leave a half-written mutation behind). On the fast
#: path new visit rows are written together just before the push's bookkeeping
#: (``Ctx.defer_visits``); a database error there, too, redoes the push with savepoints.
SINGLE_WRITE = frozenset({"visit.record", "concern.comment"})


def _checklist_versions(batch: list[Mutation]) -> set[int]:
    return {
        v
        for m in batch
        if m.type == "visit.record"
        and isinstance(v := m.payload.get("checklist_version"), int)
        and 1 <= v <= INT32_MAX
    }


def _validate(
    m: Mutation, questions: dict[int, list[Question]]
) -> tuple[dict | None, object | None]:
    """(result if decided without the handler or the database, validated payload otherwise)."""
    if m.type not in MUTATION_PAYLOADS:  # (also catches a type holding NUL)
        return _result(
            str(m.id), "rejected", "unknown_type", f"unknown mutation type {m.type!r}"
        ), None
    if m.type not in PHONE_MUTATION_TYPES:
        return _result(str(m.id), "rejected", "forbidden", f"{m.type!r} cannot be pushed"), None
    form = questions.get(m.payload.get("checklist_version")) if m.type == "visit.record" else None
    try:
        return None, check_mutation(m.type, m.payload, form, created_at=m.created_at)
    except PayloadError as err:
        return _result(str(m.id), "rejected", err.code, str(err)), None


def _apply_once(
    engine: Engine,
    principal: Principal,
    device_id: str,
    batch: list[Mutation],
    checked: list[tuple[dict | None, object | None]],
    published: set[int],
    settings: Settings,
    *,
    safe: bool,
) -> list[dict]:
    # A batch of new visits takes the sequence lock only with its writes (numbering its
    # change-log rows, the first of them, locks the sequence: one statement less than a
    # lock and then a numbering), so pushes in one community queue for the writes alone.
    # What it reads before cannot go stale
    # meanwhile (households, checklists and residents' households never change) except which
    # visit and mutation ids exist: a concurrent push of the same ids is refused by their
    # primary keys, which redoes this push safely, with the lock first. Every other batch
    # takes the lock first, so its checks see every earlier push.
    late_lock = not safe and all(
        decided is not None or m.type == "visit.record"
        for m, (decided, _) in zip(batch, checked, strict=True)
    )
    with write_tx(engine) as conn:
        if not late_lock:
            lock_sequence(conn, principal.community_id)
        ids = [str(m.id) for m in batch]
        entity_ids = [str(m.entity_id) for m in batch]
        push_sink = ChangeSink()
        ctx = Ctx(
            conn, principal, device_id, push_sink, "", dt.datetime.now(dt.UTC), settings=settings
        )
        ctx.defer_visits = not safe
        ctx.known_checklists(published)
        known = ctx.prefetch(  # the mutation ids applied before
            ids,
            {str(p.household_id) for _, p in checked if getattr(p, "household_id", None)},
            {
                eid
                for eid, (_, p) in zip(entity_ids, checked, strict=True)
                if isinstance(p, VisitRecord)
            },
        )
        applied_rows: list[dict] = []
        applied_at = now_iso()
        results = []
        for m, mid, eid, (decided, payload) in zip(batch, ids, entity_ids, checked, strict=True):
            if mid in known:  # applied before, or by an earlier copy in this batch
                decided = _result(mid, "duplicate")
            if decided is not None:
                results.append(decided)
                continue
            ctx.next_mutation(mid, m.created_at)
            fast = not safe and m.type in SINGLE_WRITE
            savepoint = None if fast else conn.begin_nested()
            try:
                HANDLERS[m.type](ctx, m, payload)
                if savepoint is not None:
                    savepoint.commit()
            except Reject as rej:
                if savepoint is not None:
                    savepoint.rollback()
                results.append(_result(mid, "rejected", rej.code, rej.message))
                continue
            except DBAPIError as exc:
                if savepoint is None:
                    raise _RetrySafely from exc  # the transaction rolls back on the way out
                if not isinstance(exc, IntegrityError):
                    raise
                # a constraint the handler did not foresee: refuse this one, keep the rest
                savepoint.rollback()
                log.warning(
                    "mutation refused by a constraint",
                    extra={"type": m.type, "error": type(exc.orig).__name__},
                )
                results.append(
                    _result(mid, "rejected", "entity_exists", "conflicts with an existing record")
                )
                continue
            push_sink.take(ctx.sink)
            known.add(mid)
            # remembered in the same transaction as the change itself (written below)
            applied_rows.append(
                {
                    "id": mid,
                    "user_id": principal.id,
                    "device_id": device_id,
                    "type": m.type,
                    "entity_id": eid,
                    "created_at": ctx.created_iso,
                    "applied_at": applied_at,
                }
            )
            results.append(_result(mid, "applied"))
        if late_lock:
            # numbering the change rows takes the sequence lock (next_seqs): it comes first
            push_sink.flush(conn, principal.community_id, ctx.district_communities)
        try:
            # the visits and the mutation ids together (an id a concurrent push wrote)
            ctx.write_deferred((mutations, applied_rows))
        except DBAPIError as exc:
            if safe:
                raise
            raise _RetrySafely from exc  # the transaction rolls back on the way out
        if not late_lock:
            push_sink.flush(conn, principal.community_id, ctx.district_communities)
    return results
