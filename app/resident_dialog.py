"""Add a resident to a household, or update the one of the same name, from values a
questionnaire answer supplied (``services.questionnaire_answers.resident_fields``).

The phone number is entered hidden (tap the eye to see it): the answer carries it whole, and
the head only needs it for the register, not on screen.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import flet as ft

from components.checkbox import checkbox
from components.hidden_field import hidden_field
from services.protocol import mask_phone

log = logging.getLogger(__name__)


def matching_member(members: list[dict], name: str | None) -> dict | None:
    """The household member the answer is about: same name (ignoring spaces), else None."""
    wanted = "".join((name or "").split())
    if not wanted:
        return None
    return next((m for m in members if "".join((m.get("name") or "").split()) == wanted), None)


def changed_fields(member: dict, wanted: dict) -> dict:
    """What ``update_resident`` must send to make ``member`` say what ``wanted`` says.
    A phone is compared by its masked form (the phone keeps no whole numbers)."""
    out: dict = {}
    for key, value in wanted.items():
        if key == "phone":
            if value and mask_phone(value) != member.get("phone_masked"):
                out["phone"] = value
        elif key == "flags":
            if sorted(value) != sorted(member.get("flags") or []):
                out["flags"] = list(value)
        elif value != member.get(key):
            out[key] = value
    return out


def open_resident_dialog(
    state,
    *,
    household: dict,
    fields: dict,
    on_saved: Callable[[str], None],
    extra: list[ft.Control] | None = None,
) -> ft.AlertDialog:
    """Show the dialog prefilled from ``fields`` (name, birth_year, phone, flags). Saving adds
    a resident to ``household`` or updates the member of the same name, then calls
    ``on_saved(resident_id)``; refused input is shown in the dialog and nothing is saved."""
    t = state.t
    store = state.store
    members = store.members(household["id"])
    member = matching_member(members, fields.get("name"))
    where = f"{household.get('estate_name') or ''} {household.get('address') or ''}".strip()

    name = ft.TextField(
        label=t("resident.name"),
        value=fields.get("name") or (member or {}).get("name") or "",
        max_length=64,
        counter=t("field.at_most", n=64),
        key="resident-name",
    )
    birth = fields.get("birth_year") or (member or {}).get("birth_year")
    birth_year = ft.TextField(
        label=t("resident.birth_year"),
        value="" if birth is None else str(birth),
        keyboard_type=ft.KeyboardType.NUMBER,
        key="resident-birth-year",
    )
    phone = hidden_field(
        label=t("resident.phone"),
        value=fields.get("phone") or "",
        show_label=t("field.show_number"),
        hide_label=t("field.hide_number"),
        keyboard_type=ft.KeyboardType.PHONE,
        helper=t("resident.phone_now", phone=member["phone_masked"])
        if member and member.get("phone_masked")
        else None,
        key="resident-phone",
    )
    flags_now = set((member or {}).get("flags") or []) | set(fields.get("flags") or [])
    lives_alone = checkbox(
        t("flag.lives_alone"), value="lives_alone" in flags_now, key="resident-lives-alone"
    )
    message = ft.Text("", color=ft.Colors.ERROR, visible=False, key="resident-message")

    def fail(text: str) -> None:
        message.value, message.visible = text, True
        state.page.update()

    def save(e=None) -> None:
        wanted: dict = {"name": (name.value or "").strip()}
        if not wanted["name"]:
            name.error = t("resident.need_name")
            state.page.update()
            return
        raw_year = (birth_year.value or "").strip()
        if raw_year:
            try:
                year = int(raw_year)
                if not 1890 <= year <= dt.date.today().year:
                    raise ValueError
            except ValueError:
                birth_year.error = t("resident.bad_birth_year")
                state.page.update()
                return
            wanted["birth_year"] = year
        number = (phone.value or "").strip()
        if number:
            wanted["phone"] = number
        flags = set((member or {}).get("flags") or [])
        if lives_alone.value:
            flags.add("lives_alone")
        else:
            flags.discard("lives_alone")
        if member is not None or flags:
            wanted["flags"] = sorted(flags)
        try:
            if member is None:
                resident_id = store.add_resident(household["id"], **wanted)
            else:
                changes = changed_fields(member, wanted)
                resident_id = (
                    store.update_resident(member["id"], **changes) if changes else member["id"]
                )
        except ValueError:
            log.info("resident refused by the store", exc_info=False)
            fail(t("resident.invalid"))
            return
        except Exception:
            log.exception("saving a resident failed")
            fail(t("error.generic"))
            return
        state.page.pop_dialog()
        on_saved(resident_id)

    target = (
        t("resident.target_update", name=member.get("name", ""), where=where)
        if member
        else t("resident.target_add", where=where)
    )
    dialog = ft.AlertDialog(
        title=ft.Text(t("resident.update_title") if member else t("resident.add_title")),
        content=ft.Column(
            [
                ft.Text(target, color=ft.Colors.ON_SURFACE_VARIANT, key="resident-target"),
                name,
                birth_year,
                phone,
                lives_alone,
                *(extra or []),
                message,
            ],
            tight=True,
            spacing=12,
            width=360,
        ),
        # the dialog scrolls as a whole (small screens, keyboard up) and is only as tall as
        # its fields; a scrolling column inside would take the whole screen height
        scrollable=True,
        actions=[
            ft.TextButton(t("common.cancel"), on_click=lambda e: state.page.pop_dialog()),
            ft.FilledButton(t("common.save"), on_click=save, key="resident-save"),
        ],
        key="resident-dialog",
    )
    dialog.data = {"member": member, "save": save}
    state.page.show_dialog(dialog)
    return dialog
