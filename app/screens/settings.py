"""Settings: language, text size, PIN, server, account, about (version, what is stored on
this phone)."""

from __future__ import annotations

import flet as ft

from app.chrome import screen, section_title
from app.i18n import LANGUAGES
from app.theme import DEFAULT_TEXT_SIZE, TEXT_SCALES


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("xianglin")
    except Exception:  # not installed as a distribution (source checkout)
        return "0.1.0"


def build(state) -> ft.View:
    t = state.t
    user = state.user or {}
    lang = ft.SegmentedButton(
        segments=[ft.Segment(value=code, label=ft.Text(name)) for code, name in LANGUAGES.items()],
        selected=[state.lang],
        show_selected_icon=False,
        key="settings-lang",
    )

    async def on_lang(e) -> None:
        await state.set_language((lang.selected or ["zh"])[0])

    lang.on_change = on_lang

    text_size = ft.SegmentedButton(
        segments=[
            ft.Segment(value=name, label=ft.Text(t(f"settings.text_{name}")))
            for name in TEXT_SCALES
        ],
        selected=[state.text_size],
        show_selected_icon=False,
        key="settings-text-size",
    )

    async def on_text_size(e) -> None:
        await state.set_text_size((text_size.selected or [DEFAULT_TEXT_SIZE])[0])

    text_size.on_change = on_text_size

    pin_status = ft.Text("", key="settings-pin-status")
    pin_buttons = ft.Row(wrap=True, spacing=8)

    async def remove_pin(e) -> None:
        await state.set_pin(None)
        state.toast(t("pin.removed"))
        fill_pin()
        state.page.update()

    def fill_pin() -> None:
        has = state.pin_on
        pin_status.value = t("settings.pin_on") if has else t("settings.pin_off")
        pin_buttons.controls = [
            ft.OutlinedButton(
                t("settings.pin_change") if has else t("settings.pin_set"),
                on_click=lambda e: state.nav.push("set_pin"),
                key="settings-pin-set",
            ),
        ]
        if has:
            pin_buttons.controls.append(
                ft.TextButton(
                    t("settings.pin_remove"),
                    on_click=remove_pin,
                    key="settings-pin-remove",
                )
            )

    fill_pin()

    async def logout(e=None) -> None:
        pending = state.sync.pending

        async def really(ev=None) -> None:
            state.page.pop_dialog()
            await state.sign_out()
            state.nav.root("login")

        state.page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(t("settings.logout")),
                content=ft.Text(t("settings.logout_confirm", n=pending)),
                actions=[
                    ft.TextButton(t("common.cancel"), on_click=lambda ev: state.page.pop_dialog()),
                    ft.FilledButton(t("settings.logout"), on_click=really, key="logout-confirm"),
                ],
                key="logout-dialog",
            )
        )

    households = state.store.count_households() if state.store is not None else 0
    role = user.get("role", "head")
    body = [
        section_title(t("settings.language")),
        lang,
        section_title(t("settings.text_size")),
        text_size,
        ft.Text(t("settings.text_sample"), key="settings-text-sample"),
        section_title(t("settings.pin")),
        ft.Row([ft.Icon(ft.Icons.PIN_OUTLINED), pin_status]),
        pin_buttons,
        section_title(t("settings.account")),
        ft.ListTile(
            leading=ft.Icon(ft.Icons.PERSON_OUTLINE),
            title=ft.Text(user.get("name", "")),
            subtitle=ft.Text(t(f"settings.role.{role}") if t.has(f"settings.role.{role}") else ""),
        ),
        ft.ListTile(
            leading=ft.Icon(ft.Icons.ADMIN_PANEL_SETTINGS_OUTLINED),
            title=ft.Text(t("admin.title")),
            subtitle=ft.Text(t("admin.open")),
            on_click=lambda e: state.nav.push("admin"),
            visible=role == "staff",
            key="settings-admin",
        ),
        ft.ListTile(
            leading=ft.Icon(ft.Icons.DNS_OUTLINED),
            title=ft.Text(t("settings.server")),
            # plain text: a selectable one reads as an edit box to screen readers
            subtitle=ft.Text(state.server_url, key="settings-server"),
        ),
        ft.Row(
            [
                ft.OutlinedButton(
                    t("settings.logout"),
                    icon=ft.Icons.LOGOUT,
                    on_click=logout,
                    key="settings-logout",
                )
            ]
        ),
        section_title(t("settings.about")),
        ft.Text(t("app.name") + " · " + t("settings.version", v=_version())),
        ft.Text(
            t("settings.data_counts", households=households, pending=state.sync.pending), size=14
        ),
        ft.Text(
            t(
                "settings.token_note",
                where=t("settings.token_secure") if state.secure_token else "",
            ),
            size=14,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]
    view = screen(state, route="/settings", title=t("settings.title"), body=body, tab="settings")
    view.data.update({"fill_pin": fill_pin, "logout": logout})
    return view
