"""One household member: call them, change their flags, vaccination, relation and phone, or
take them off the household (moved out, deceased); or, without a resident, add a member.

Every change is saved on the phone at once and uploads like any other edit. The phone number
stays masked until the head taps "call": that shows it whole, opens the dialer, and records
the reveal for the office (``store.reveal_phone``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

import flet as ft

from app.chrome import screen, section_title
from app.resident_dialog import changed_fields
from components.empty_state import empty_state
from components.toggle_chips import ToggleChips
from services.protocol import RESIDENT_FLAGS

log = logging.getLogger(__name__)

VACCINATIONS = ("unknown", "none", "partial", "full", "booster")
GENDERS = ("female", "male")
REMOVE_REASONS = ("moved_out", "deceased")


def _dial_digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def _typed_phone(number: str) -> str | None:
    """A typed number as stored: NFKC (a Chinese IME's full-width digits become ASCII), no
    spaces or dashes; None unless it is 5-20 ASCII digits after an optional "+" (what the
    dialer and the phone-tail search read)."""
    compact = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", number))
    digits = compact.removeprefix("+")
    return compact if digits.isascii() and digits.isdigit() and 5 <= len(digits) <= 20 else None


def build(state, household_id: str, resident_id: str | None = None) -> ft.View:
    t = state.t
    store = state.store
    route = f"/household/{household_id}/member/{resident_id or 'new'}"
    member = store.resident(resident_id) if resident_id else None
    if resident_id and (member is None or member.get("removed")):
        return screen(
            state,
            route=route,
            title=t("member.title"),
            body=[empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)],
        )
    adding = member is None
    m = member or {}

    flags = ToggleChips(
        [(f, t(f"flag.{f}")) for f in RESIDENT_FLAGS],
        value=[f for f in m.get("flags") or [] if f in RESIDENT_FLAGS],
        key="member-flags",
    )
    vaccination = ToggleChips(
        [(v, t(f"vacc.{v}")) for v in VACCINATIONS],
        value=m.get("vaccination") or "unknown",
        multiple=False,
        key="member-vaccination",
    )
    relation = ft.TextField(
        label=t("member.relation"),
        hint_text=t("member.relation_hint"),
        value=m.get("relation") or "",
        max_length=32,
        counter=t("field.at_most", n=32),
        key="member-relation",
    )
    new_phone = ft.TextField(
        label=t("member.phone_new") if not adding else t("resident.phone"),
        hint_text=t("member.phone_new_hint") if not adding else None,
        keyboard_type=ft.KeyboardType.PHONE,
        max_length=20,
        counter=t("field.at_most", n=20),
        key="member-phone-new",
    )
    name = ft.TextField(
        label=t("resident.name"), max_length=64, counter=t("field.at_most", n=64), key="member-name"
    )
    gender = ToggleChips(
        [(g, t(f"gender.{g}")) for g in GENDERS], multiple=False, key="member-gender"
    )
    birth_year = ft.TextField(
        label=t("resident.birth_year"),
        keyboard_type=ft.KeyboardType.NUMBER,
        max_length=4,
        counter=t("field.at_most", n=4),
        key="member-birth-year",
    )
    message = ft.Text("", color=ft.Colors.ERROR, visible=False, key="member-message")

    def fail(text: str) -> None:
        message.value, message.visible = text, True
        state.page.update()

    def wanted_fields() -> dict | None:
        """The form as resident fields, or None (errors shown on the fields)."""
        for field in (name, birth_year, new_phone):
            field.error = None
        out: dict = {
            "flags": sorted(flags.value),  # type: ignore[arg-type]
            "vaccination": vaccination.value,
            "relation": (relation.value or "").strip(),
        }
        ok = True
        if adding:
            out["name"] = (name.value or "").strip()
            if not out["name"]:
                name.error, ok = t("resident.need_name"), False
            if gender.value:
                out["gender"] = gender.value
            raw_year = (birth_year.value or "").strip()
            if raw_year:
                # isdecimal: what int() reads (full-width digits too; not ², ①, ፩)
                if raw_year.isdecimal() and 1890 <= int(raw_year) <= dt.date.today().year:
                    out["birth_year"] = int(raw_year)
                else:
                    birth_year.error, ok = t("resident.bad_birth_year"), False
        number = (new_phone.value or "").strip()
        if number:
            if typed := _typed_phone(number):
                out["phone"] = typed
            else:
                new_phone.error, ok = t("member.bad_phone"), False
        if not ok:
            state.page.update()
            return None
        return out

    def save(e=None) -> None:
        wanted = wanted_fields()
        if wanted is None:
            return
        try:
            if adding:
                store.add_resident(household_id, **wanted)
                done = t("member.added", name=wanted["name"])
            else:
                changes = changed_fields(m, wanted)
                if not changes:
                    state.nav.back()
                    state.toast(t("member.nothing_changed"))
                    return
                store.update_resident(m["id"], **changes)
                done = t("member.saved", name=m.get("name", ""))
        except ValueError:
            log.info("resident change refused by the store")
            fail(t("resident.invalid"))
            return
        except Exception:
            log.exception("saving a resident failed")
            fail(t("error.generic"))
            return
        state.after_write()
        state.nav.back()
        state.toast(done)

    def remove(reason: str):
        def confirmed(e=None) -> None:
            state.page.pop_dialog()
            try:
                store.remove_resident(m["id"], reason)
            except Exception:
                log.exception("removing a resident failed")
                fail(t("error.generic"))
                return
            state.after_write()
            state.nav.back()
            state.toast(t("member.removed", name=m.get("name", "")))

        def ask(e=None) -> None:
            state.page.show_dialog(
                ft.AlertDialog(
                    title=ft.Text(t(f"member.{reason}")),
                    content=ft.Text(
                        t(
                            "member.confirm_remove",
                            name=m.get("name", ""),
                            reason=t(f"member.{reason}"),
                        )
                    ),
                    actions=[
                        ft.TextButton(
                            t("common.cancel"),
                            on_click=lambda e: state.page.pop_dialog(),
                        ),
                        ft.FilledButton(
                            t("common.confirm"),
                            on_click=confirmed,
                            key="member-remove-confirm",
                        ),
                    ],
                    key="member-remove-dialog",
                )
            )

        return ask

    # ---- the phone: masked until called -------------------------------------------------------
    phone_text = ft.Text(m.get("phone_masked") or t("member.no_phone"), size=18, key="member-phone")

    async def call(e=None) -> None:
        try:
            number = store.reveal_phone(m["id"])
        except Exception:
            log.exception("revealing a number failed")
            state.toast(t("error.generic"), error=True)
            return
        if not number:
            state.toast(t("member.no_whole_number"))
            return
        state.after_write()  # the reveal's record waits in the outbox like any edit
        phone_text.value = number
        state.page.update()
        try:
            await state.launch(f"tel:{_dial_digits(number)}")
        except Exception:
            log.info("the dialer did not open", exc_info=False)
            state.toast(t("member.call_failed", phone=number), error=True)

    phone_part: list[ft.Control] = []
    if not adding:
        callable_here = bool(m.get("phone"))
        phone_part = [
            section_title(t("member.phone")),
            ft.Row(
                [
                    ft.Container(phone_text, expand=True),
                    *(
                        [
                            ft.FilledTonalButton(
                                t("member.call"),
                                icon=ft.Icons.CALL,
                                on_click=call,
                                key="member-call",
                            )
                        ]
                        if callable_here
                        else []
                    ),
                ],
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
        ]
        if callable_here:
            phone_part.append(
                ft.Text(t("member.call_note"), size=14, color=ft.Colors.ON_SURFACE_VARIANT)
            )
        elif m.get("phone_masked") and state.role == "head":
            phone_part.append(
                ft.Text(t("member.no_whole_number"), size=14, color=ft.Colors.ON_SURFACE_VARIANT)
            )

    header: list[ft.Control] = []
    if not adding:
        line = []
        g = m.get("gender") or "unknown"
        if t.has(f"gender.{g}") and t(f"gender.{g}"):
            line.append(t(f"gender.{g}"))
        if m.get("age") is not None:
            line.append(t("house.age", age=m["age"]))
        header = [
            ft.Text(m.get("name", ""), size=24, weight=ft.FontWeight.BOLD, key="member-title"),
            ft.Text(" · ".join(line), size=16, color=ft.Colors.ON_SURFACE_VARIANT),
        ]
        if m.get("pending"):
            header.append(ft.Text(t("common.pending"), size=14, color=ft.Colors.TERTIARY))

    identity: list[ft.Control] = []
    if adding:
        identity = [
            name,
            section_title(t("member.gender")),
            gender.control,
            birth_year,
        ]

    body: list[ft.Control] = [
        *header,
        *identity,
        *phone_part,
        section_title(t("member.flags")),
        flags.control,
        section_title(t("member.vaccination")),
        vaccination.control,
        relation,
        new_phone,
        message,
        ft.Row(
            [
                ft.FilledButton(
                    t("common.save"),
                    icon=ft.Icons.SAVE,
                    expand=True,
                    on_click=save,
                    key="member-save",
                )
            ]
        ),
    ]
    if not adding:
        body += [
            section_title(t("member.remove_section")),
            ft.Row(
                [
                    ft.OutlinedButton(
                        t(f"member.{reason}"),
                        on_click=remove(reason),
                        key=f"member-{reason.replace('_', '-')}",
                    )
                    for reason in REMOVE_REASONS
                ],
                wrap=True,
                spacing=8,
            ),
        ]
    body.append(ft.Container(height=24))
    view = screen(
        state,
        route=route,
        title=t("member.add_title") if adding else t("member.title"),
        body=body,
    )
    view.data.update(
        {"save": save, "call": call, "remove": remove, "flags": flags, "vaccination": vaccination}
    )
    return view
