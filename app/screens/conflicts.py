"""Open field conflicts for staff and district heads: where (household address or resident's
name), which field in words, the server's value against the phone's, who and when, and a
choice to keep one of them. A decision is written through ``store.resolve_conflict`` (local
row and outbox mutation together) and the engine uploads it; keeping the phone's value
reaches the record with the next pull."""

from __future__ import annotations

import logging
from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen
from components.empty_state import empty_state
from services.protocol import HouseholdFields, ResidentFields, mask_id_number, mask_phone

log = logging.getLogger(__name__)

#: Roles that may decide conflicts (the server refuses anyone else).
RESOLVER_ROLES = ("staff", "district_head")

#: Fields a conflict can be about, per entity (each has a ``conflict.field.*`` entry).
CONFLICT_FIELDS: dict[str, tuple[str, ...]] = {
    "household": tuple(HouseholdFields.model_fields),
    "resident": tuple(ResidentFields.model_fields),
}

#: Personal numbers are shown masked here whatever the role (the list needs no whole ones).
_MASKS = {"phone": mask_phone, "contact_phone": mask_phone, "id_number": mask_id_number}


def may_resolve(state) -> bool:
    """Whether the signed-in role decides conflicts."""
    return state.role in RESOLVER_ROLES


def open_count(state) -> int:
    """How many open conflicts this phone holds (0 for roles that do not decide them)."""
    if state.store is None or not may_resolve(state):
        return 0
    try:
        return len(state.store.conflicts())
    except Exception:  # a count must never break the screen that shows it
        log.exception("conflict count failed")
        return 0


def build(state) -> ft.View:
    t = state.t
    items = ft.Column(spacing=12, key="conflicts-list")

    def fill() -> None:
        try:
            rows = state.store.conflicts() if may_resolve(state) else []
        except Exception:
            log.exception("conflicts read failed")
            items.controls = [empty_state(t("error.generic"), icon=ft.Icons.ERROR_OUTLINE)]
            return
        if not rows:
            items.controls = [
                empty_state(
                    t("conflict.none"), icon=ft.Icons.VERIFIED_OUTLINED, key="conflicts-empty"
                )
            ]
        else:
            items.controls = [_card(state, c, fill) for c in rows]

    def on_status(changed: bool) -> None:
        if changed:
            fill()

    fill()
    view = screen(
        state,
        route="/conflicts",
        title=t("conflict.title"),
        body=[ft.Text(t("conflict.intro"), color=ft.Colors.ON_SURFACE_VARIANT), items],
        on_status=on_status,
    )
    view.data["fill"] = fill
    return view


def field_words(t, entity: str, field: str) -> str:
    key = f"conflict.field.{entity}.{field}"
    return t(key) if t.has(key) else field


def value_words(t, field: str, value: Any) -> str:
    """A conflicting value as a person reads it (flags, gender, vaccination in words)."""
    if value is None or value == "" or value == []:
        return t("common.none")
    if field in _MASKS and isinstance(value, str):
        return _MASKS[field](value) or value
    if field == "flags" and isinstance(value, list):
        return t("conflict.sep").join(
            t(f"flag.{f}") if t.has(f"flag.{f}") else str(f) for f in value
        )
    if field in ("gender", "vaccination"):
        key = f"gender.{value}" if field == "gender" else f"vacc.{value}"
        return (t(key) if t.has(key) else "") or t("common.unknown")
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    return str(value)


def _where(state, c: dict) -> str:
    """The household's estate and address, or the resident's name and address."""
    store = state.store
    try:
        if c.get("entity") == "resident":
            r = store.resident(c.get("entity_id")) or {}
            house = store.household(r.get("household_id")) or {} if r else {}
            parts = [r.get("name") or state.t("conflict.unknown_record"), fmt.address(house)]
        else:
            house = store.household(c.get("entity_id")) or {}
            if not house:
                return state.t("conflict.unknown_record")
            parts = [house.get("estate_name") or "", fmt.address(house)]
    except Exception:  # a label must never break the list
        log.exception("conflict place lookup failed")
        return state.t("conflict.unknown_record")
    return " ".join(p for p in parts if p)


def _card(state, c: dict, fill) -> ft.Control:
    t = state.t
    cid = c["id"]
    field = c.get("field", "")

    def decide(keep: str):
        def handler(e=None) -> None:
            try:
                state.store.resolve_conflict(cid, keep)
            except Exception:
                log.exception("conflict resolve failed")
                state.toast(t("error.generic"), error=True)
                return
            fill()
            state.after_write()
            state.toast(t("conflict.resolved"))

        return handler

    def value_row(label: str, value: Any, key: str) -> ft.Row:
        return ft.Row(
            [
                ft.Text(label, size=14, color=ft.Colors.ON_SURFACE_VARIANT, width=110),
                ft.Text(
                    value_words(t, field, value),
                    size=16,
                    weight=ft.FontWeight.W_600,
                    expand=True,
                    key=key,
                ),
            ]
        )

    return ft.Container(
        content=ft.Column(
            [
                ft.Text(
                    _where(state, c),
                    size=16,
                    weight=ft.FontWeight.W_600,
                    key=f"conflict-where-{cid}",
                ),
                ft.Text(
                    t("conflict.field", field=field_words(t, c.get("entity", ""), field)),
                    key=f"conflict-field-{cid}",
                ),
                value_row(
                    t("conflict.server_value"), c.get("server_value"), f"conflict-server-{cid}"
                ),
                value_row(
                    t("conflict.client_value"), c.get("client_value"), f"conflict-client-{cid}"
                ),
                ft.Text(
                    t(
                        "conflict.by",
                        name=c.get("user_name") or t("common.unknown"),
                        when=fmt.date_time(c.get("created_at")),
                    ),
                    size=14,
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
                ft.Row(
                    [
                        ft.FilledTonalButton(
                            t("conflict.keep_server"),
                            icon=ft.Icons.CLOUD_OUTLINED,
                            on_click=decide("server"),
                            key=f"keep-server-{cid}",
                        ),
                        ft.FilledButton(
                            t("conflict.keep_client"),
                            icon=ft.Icons.PHONE_ANDROID,
                            on_click=decide("client"),
                            key=f"keep-client-{cid}",
                        ),
                    ],
                    wrap=True,
                ),
            ],
            spacing=6,
        ),
        padding=12,
        border_radius=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        key=f"conflict-{cid}",
    )
