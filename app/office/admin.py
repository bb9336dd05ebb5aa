"""Administration for staff, laid out for the office PC (1280×800): logins (create, reset a
password, disable or enable, assign estates), districts and estates (create, rename),
questionnaires (activate or retire here; create and edit in ``questionnaire_editor``; print
a QR poster) and the visit checklist (publish a new version with the questions' wording
changed); the audit of phone numbers revealed on phones, residents masked to the surname;
and the resident register's upload (``register_upload``).

Everything is an online call to ``/admin/...`` (``services.admin_client``): what phones must
see the server puts in the change log, and the next sync brings it here too. A refusal shows
the server's reason; nothing is kept half-done on this side.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen
from app.office import register_upload
from app.office.failures import failure_words
from app.office.posters import poster_dialog
from app.office.register_upload import RegisterUpload
from app.theme import scale_text, text_scale_of
from components.checkbox import checkbox
from components.empty_state import empty_state
from components.icon_button import icon_button
from components.labelled import labelled
from services.protocol import ROLES

log = logging.getLogger(__name__)

_WIDE = 720

SECTIONS = ("users", "places", "questionnaires", "checklist", "reveals", "register")
#: reveals per page of the audit
REVEAL_PAGE = 50


@dataclass
class Admin:
    """What the screen shows and the calls it makes; ``notice`` is the last outcome in words
    (a refusal keeps the server's reason)."""

    state: Any
    section: str = "users"
    users: list = field(default_factory=list)
    districts: list = field(default_factory=list)
    questionnaires: list = field(default_factory=list)
    checklists: list = field(default_factory=list)
    reveals: list = field(default_factory=list)
    reveals_total: int = 0
    error: str | None = None
    notice: str = ""
    #: the register upload keeps its file and report while staff switch sections
    register: RegisterUpload = field(init=False)

    def __post_init__(self) -> None:
        self.register = RegisterUpload(self.state)

    async def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        from services.admin_client import admin_call
        from services.http import SyncError

        state = self.state
        try:
            return await admin_call(state.server_url, state.token or "", method, path, body)
        except SyncError as exc:
            self.notice = failure_words(state.t, exc, "admin.refused")
        except Exception:
            log.exception("an administration call failed")
            self.notice = state.t("office.err.server")
        return None

    async def load(self) -> None:
        self.error = None
        got = await self.call("GET", "/places")
        if got is None:
            self.error = self.notice
            return
        self.districts = got["districts"]
        path, key = {
            "users": ("/users", "users"),
            "places": (None, None),
            "questionnaires": ("/questionnaires", "questionnaires"),
            "checklist": ("/checklists", "checklists"),
            "reveals": (None, None),
            "register": (None, None),
        }[self.section]
        if self.section == "reveals":
            self.reveals = []
            await self.more_reveals()
            return
        if path:
            got = await self.call("GET", path)
            if got is None:
                self.error = self.notice
                return
            setattr(self, key, got[key])

    async def _do(self, method: str, path: str, body: dict, done: str, **words) -> bool:
        if await self.call(method, path, body) is None:
            return False
        self.notice = self.state.t(done, **words)
        await self.load()
        return True

    # ---- logins
    async def create_user(self, username: str, name: str, role: str, password: str) -> bool:
        body = {"username": username.strip(), "name": name, "role": role, "password": password}
        return await self._do("POST", "/users", body, "admin.user_created", who=name)

    async def reset_password(self, username: str, password: str) -> bool:
        body = {"password": password}
        return await self._do(
            "PUT", f"/users/{username}/password", body, "admin.password_set", who=username
        )

    async def set_user_active(self, username: str, active: bool) -> bool:
        done = "admin.user_enabled" if active else "admin.user_disabled"
        body = {"active": active}
        return await self._do("PUT", f"/users/{username}/active", body, done, who=username)

    async def assign(self, username: str, estate_ids: list[str] | None, district_id=None) -> bool:
        body = {"district_id": district_id} if district_id else {"estate_ids": estate_ids}
        return await self._do(
            "PUT", f"/users/{username}/assignment", body, "admin.assigned", who=username
        )

    # ---- places
    async def create_district(self, name: str) -> bool:
        return await self._do("POST", "/districts", {"name": name}, "admin.saved")

    async def rename_district(self, district_id: str, name: str) -> bool:
        return await self._do("PUT", f"/districts/{district_id}", {"name": name}, "admin.saved")

    async def create_estate(self, district_id: str, name: str) -> bool:
        body = {"district_id": district_id, "name": name}
        return await self._do("POST", "/estates", body, "admin.saved")

    async def rename_estate(self, estate_id: str, name: str) -> bool:
        return await self._do("PUT", f"/estates/{estate_id}", {"name": name}, "admin.saved")

    # ---- questionnaires and the checklist
    async def set_questionnaire_active(self, slug: str, active: bool) -> bool:
        body = {"active": active}
        return await self._do("PUT", f"/questionnaires/{slug}/active", body, "admin.saved")

    async def publish_checklist(self, title: dict, questions: list[dict]) -> bool:
        body = {"title": title, "questions": questions}
        return await self._do("POST", "/checklists", body, "admin.checklist_published")

    async def more_reveals(self) -> bool:
        """The next page of the phone-number reveal audit, added under those shown."""
        got = await self.call("GET", f"/reveals?limit={REVEAL_PAGE}&offset={len(self.reveals)}")
        if got is None:
            if not self.reveals:
                self.error = self.notice
            return False
        self.reveals += got["reveals"]
        self.reveals_total = got["total"]
        return True

    @property
    def estate_names(self) -> dict[str, str]:
        return {e["id"]: e["name"] for d in self.districts for e in d["estates"]}


def build(state, section: str = "users") -> ft.View:
    t = state.t
    model = Admin(state, section=section if section in SECTIONS else "users")
    body = ft.Column(spacing=12, key="admin-body")
    notice = ft.Text("", key="admin-notice", color=ft.Colors.PRIMARY, visible=False)
    sections = ft.SegmentedButton(
        segments=[ft.Segment(value=s, label=ft.Text(t(f"admin.section.{s}"))) for s in SECTIONS],
        selected=[model.section],
        show_selected_icon=False,
        key="admin-section",
    )

    def show() -> None:
        notice.value = model.notice
        notice.visible = bool(model.notice)
        if model.error:
            body.controls = [
                empty_state(
                    model.error,
                    action_label=t("common.retry"),
                    on_action=lambda e: reload(),
                    key="admin-error",
                )
            ]
        else:
            body.controls = _SECTION_BUILDERS[model.section](state, model, run)
        scale_text(body, text_scale_of(state.page))
        try:
            state.page.update()
        except Exception:  # the session may be closing
            log.debug("admin update failed", exc_info=True)

    async def load() -> None:
        await model.load()
        show()

    def reload() -> None:
        try:
            state.page.run_task(load)
        except RuntimeError:  # no event loop bound to the session (view tests await load)
            pass

    def run(coro_fn, *args) -> None:
        """Run an action, then show its outcome (the dialogs and buttons call this)."""

        async def go() -> None:
            show()  # what the action set before it started (a section's "under way")
            await coro_fn(*args)
            show()

        try:
            state.page.run_task(go)
        except RuntimeError:
            pass

    def on_section(e) -> None:
        model.section = (sections.selected or ["users"])[0]
        # coming back from a screen opened here (the questionnaire editor) rebuilds this one
        if state.nav.stack and state.nav.top_view is view:
            state.nav.stack[-1].params["section"] = model.section
        model.notice = ""
        body.controls = [empty_state(t("common.loading"), loading=True, key="admin-loading")]
        state.page.update()
        reload()

    sections.on_change = on_section
    body.controls = [empty_state(t("common.loading"), loading=True, key="admin-loading")]
    view = screen(
        state,
        route="/office/admin",
        title=t("admin.title"),
        body=[sections, notice, body],
    )
    view.data.update({"model": model, "load": load, "show": show})
    reload()
    return view


# ---- the sections -------------------------------------------------------------------------


def _field(label: str, key: str, **kw) -> ft.TextField:
    return ft.TextField(label=label, dense=True, key=key, **kw)


def _dialog(state, title: str, controls: list[ft.Control], on_ok, key: str) -> None:
    t = state.t

    def ok(e) -> None:
        state.page.pop_dialog()
        on_ok()

    state.page.show_dialog(
        ft.AlertDialog(
            title=ft.Text(title),
            content=ft.Column(controls, tight=True, width=420, scroll=ft.ScrollMode.AUTO),
            actions=[
                ft.TextButton(t("common.cancel"), on_click=lambda e: state.page.pop_dialog()),
                ft.FilledButton(t("admin.ok"), on_click=ok, key=f"{key}-ok"),
            ],
            key=key,
        )
    )


def _users(state, model: Admin, run) -> list[ft.Control]:
    t = state.t
    names = model.estate_names
    districts = {d["id"]: d["name"] for d in model.districts}

    def create(e) -> None:
        username = _field(t("admin.username"), "admin-new-username")
        name = _field(t("admin.name"), "admin-new-name")
        role = ft.Dropdown(
            label=t("admin.role"),
            value="head",
            # a street login reads several communities: the operator makes it, not staff
            options=[
                ft.dropdown.Option(r, t(f"settings.role.{r}")) for r in ROLES if r != "street"
            ],
            key="admin-new-role",
        )
        password = _field(t("admin.password"), "admin-new-password", password=True)
        _dialog(
            state,
            t("admin.create_user"),
            [username, name, labelled(role, t("admin.role")), password],
            lambda: run(model.create_user, username.value, name.value, role.value, password.value),
            "admin-create-dialog",
        )

    def reset(u: dict) -> None:
        password = _field(t("admin.new_password"), "admin-reset-password", password=True)
        _dialog(
            state,
            t("admin.reset_password_of", who=u["name"]),
            [ft.Text(t("admin.reset_note")), password],
            lambda: run(model.reset_password, u["username"], password.value),
            "admin-reset-dialog",
        )

    def assign(u: dict) -> None:
        if u["role"] == "district_head":
            pick = ft.RadioGroup(
                value=u["district_id"],
                content=ft.Column([ft.Radio(value=i, label=n) for i, n in districts.items()]),
                key="admin-assign-district",
            )
            _dialog(
                state,
                t("admin.assign_of", who=u["name"]),
                [pick],
                lambda: run(model.assign, u["username"], None, pick.value),
                "admin-assign-dialog",
            )
            return
        boxes = [
            checkbox(n, value=i in u["estate_ids"], data=i, key=f"admin-assign-{i}")
            for i, n in sorted(names.items(), key=lambda kv: kv[1])
        ]
        _dialog(
            state,
            t("admin.assign_of", who=u["name"]),
            boxes,
            lambda: run(model.assign, u["username"], [b.data for b in boxes if b.value]),
            "admin-assign-dialog",
        )

    rows = []
    for u in model.users:
        if u["role"] == "head":
            where = t("admin.sep").join(names.get(i, "?") for i in u["estate_ids"]) or t(
                "admin.none"
            )
        elif u["role"] == "district_head":
            where = districts.get(u["district_id"] or "", t("admin.none"))
        else:
            where = t("office.community")
        can_assign = u["role"] in ("head", "district_head")
        rows.append(
            ft.DataRow(
                cells=[
                    ft.DataCell(ft.Text(u["name"])),
                    ft.DataCell(ft.Text(u["username"])),
                    ft.DataCell(ft.Text(t(f"settings.role.{u['role']}"))),
                    ft.DataCell(ft.Text(where, max_lines=2, width=260)),
                    ft.DataCell(
                        ft.Text(
                            t("admin.active") if u["active"] else t("admin.disabled"),
                            color=None if u["active"] else ft.Colors.ERROR,
                        )
                    ),
                    ft.DataCell(
                        ft.Row(
                            [
                                ft.TextButton(
                                    t("admin.reset_password"),
                                    on_click=lambda e, u=u: reset(u),
                                    key=f"admin-reset-{u['username']}",
                                ),
                                ft.TextButton(
                                    t("admin.disable") if u["active"] else t("admin.enable"),
                                    on_click=lambda e, u=u: run(
                                        model.set_user_active, u["username"], not u["active"]
                                    ),
                                    key=f"admin-active-{u['username']}",
                                ),
                                ft.TextButton(
                                    t("admin.assign"),
                                    on_click=lambda e, u=u: assign(u),
                                    visible=can_assign,
                                    key=f"admin-assign-{u['username']}",
                                ),
                            ],
                            spacing=0,
                        )
                    ),
                ],
                key=f"admin-user-{u['username']}",
            )
        )
    table = ft.DataTable(
        columns=[
            ft.DataColumn(ft.Text(t(k)))
            for k in (
                "admin.name",
                "admin.username",
                "admin.role",
                "admin.where",
                "admin.state",
                "admin.actions",
            )
        ],
        rows=rows,
        key="admin-users",
    )
    return [
        ft.Row(
            [
                ft.FilledButton(
                    t("admin.create_user"),
                    icon=ft.Icons.PERSON_ADD,
                    on_click=create,
                    key="admin-create-user",
                )
            ]
        ),
        table,
    ]


def _places(state, model: Admin, run) -> list[ft.Control]:
    t = state.t

    def ask_name(title: str, value: str, then) -> None:
        name = _field(t("admin.name"), "admin-place-name", value=value)
        _dialog(state, title, [name], lambda: then(name.value), "admin-place-dialog")

    out: list[ft.Control] = [
        ft.Row(
            [
                ft.FilledButton(
                    t("admin.create_district"),
                    icon=ft.Icons.ADD,
                    on_click=lambda e: ask_name(
                        t("admin.create_district"), "", lambda n: run(model.create_district, n)
                    ),
                    key="admin-create-district",
                )
            ]
        )
    ]
    for d in model.districts:
        chips = [
            ft.OutlinedButton(
                e["name"],
                icon=ft.Icons.EDIT_OUTLINED,
                on_click=lambda ev, e=e: ask_name(
                    t("admin.rename"),
                    e["name"],
                    lambda n, e=e: run(model.rename_estate, e["id"], n),
                ),
                key=f"admin-estate-{e['id']}",
            )
            for e in d["estates"]
        ]
        chips.append(
            ft.TextButton(
                t("admin.create_estate"),
                icon=ft.Icons.ADD,
                on_click=lambda ev, d=d: ask_name(
                    t("admin.create_estate"),
                    "",
                    lambda n, d=d: run(model.create_estate, d["id"], n),
                ),
                key=f"admin-add-estate-{d['id']}",
            )
        )
        out.append(
            ft.Card(
                ft.Container(
                    ft.Column(
                        [
                            ft.Row(
                                [
                                    ft.Text(d["name"], size=18, weight=ft.FontWeight.W_600),
                                    icon_button(
                                        ft.Icons.EDIT_OUTLINED,
                                        t("admin.rename"),
                                        on_click=lambda ev, d=d: ask_name(
                                            t("admin.rename"),
                                            d["name"],
                                            lambda n, d=d: run(model.rename_district, d["id"], n),
                                        ),
                                        key=f"admin-rename-district-{d['id']}",
                                    ),
                                ]
                            ),
                            ft.Row(chips, wrap=True, spacing=8, run_spacing=8),
                        ]
                    ),
                    padding=16,
                ),
                key=f"admin-district-{d['id']}",
            )
        )
    return out


def _questionnaires(state, model: Admin, run) -> list[ft.Control]:
    t = state.t
    out: list[ft.Control] = [
        ft.Text(t("admin.questionnaires_note"), size=14),
        ft.Row(
            [
                ft.FilledButton(
                    t("admin.create_questionnaire"),
                    icon=ft.Icons.ADD,
                    on_click=lambda e: state.nav.push("questionnaire_edit"),
                    key="admin-create-questionnaire",
                )
            ]
        ),
    ]
    for q in model.questionnaires:
        out.append(
            ft.ListTile(
                title=ft.Text(t.text(q["title"])),
                subtitle=ft.Text(
                    t(
                        "admin.questionnaire_line",
                        slug=q["slug"],
                        version=q["version"],
                        n=len(q["questions"]),
                    )
                ),
                trailing=ft.Row(
                    [
                        ft.TextButton(
                            t("admin.edit"),
                            icon=ft.Icons.EDIT_OUTLINED,
                            on_click=lambda e, q=q: state.nav.push("questionnaire_edit", q=q),
                            key=f"admin-q-edit-{q['slug']}",
                        ),
                        ft.TextButton(
                            t("admin.poster"),
                            icon=ft.Icons.QR_CODE_2,
                            on_click=lambda e, q=q: poster_dialog(state, model, q),
                            key=f"admin-q-poster-{q['slug']}",
                        ),
                        ft.Switch(
                            label=t("admin.active") if q["active"] else t("admin.retired"),
                            value=q["active"],
                            on_change=lambda e, q=q: run(
                                model.set_questionnaire_active, q["slug"], not q["active"]
                            ),
                            key=f"admin-q-{q['slug']}",
                        ),
                    ],
                    tight=True,
                    spacing=4,
                ),
                key=f"admin-questionnaire-{q['slug']}",
            )
        )
    return out


def _checklist(state, model: Admin, run) -> list[ft.Control]:
    t = state.t
    active = next((c for c in model.checklists if c["active"]), None)
    if active is None:
        return [empty_state(t("admin.no_checklist"), key="admin-no-checklist")]
    # one line of a question's wording reads whole at the office PC's width
    title = _field(
        t("admin.checklist_title"),
        "admin-checklist-title",
        value=active["title"]["zh"],
        width=_WIDE,
    )
    labels = [
        _field(
            f"{i + 1}. {q['key']}",
            f"admin-question-{q['key']}",
            value=q["label"]["zh"],
            multiline=True,
            width=_WIDE,
        )
        for i, q in enumerate(active["questions"])
    ]

    def publish(e) -> None:
        questions = []
        for q, box in zip(active["questions"], labels, strict=True):
            label = dict(q["label"])
            if box.value.strip() != label["zh"]:
                label = {"zh": box.value.strip(), "en": label.get("en", "")}
            questions.append({**q, "label": label})
        run(model.publish_checklist, {**active["title"], "zh": title.value.strip()}, questions)

    versions = t("admin.sep").join(
        t("admin.version_n", n=c["version"]) + ("" if not c["active"] else t("admin.in_use"))
        for c in model.checklists
    )
    return [
        ft.Text(t("admin.checklist_note"), size=14),
        ft.Text(t("admin.versions", versions=versions), key="admin-checklist-versions"),
        title,
        *labels,
        ft.Row(
            [
                ft.FilledButton(
                    t("admin.publish"),
                    icon=ft.Icons.PUBLISH,
                    on_click=publish,
                    key="admin-publish",
                )
            ]
        ),
    ]


def _reveals(state, model: Admin, run) -> list[ft.Control]:
    t = state.t
    if not model.reveals:
        return [empty_state(t("admin.no_reveals"), key="admin-no-reveals")]
    rows = [
        ft.DataRow(
            cells=[
                ft.DataCell(ft.Text(fmt.date_time(r["revealed_at"]))),
                ft.DataCell(ft.Text(f"{r['user_name']} ({r['username']})")),
                ft.DataCell(ft.Text(r["resident_masked"])),
                ft.DataCell(ft.Text(f"{r['estate_name']} {r['address']}".strip())),
            ],
            key=f"admin-reveal-{r['id']}",
        )
        for r in model.reveals
    ]
    out: list[ft.Control] = [
        ft.Text(
            t("admin.reveals_count", shown=len(model.reveals), n=model.reveals_total),
            key="admin-reveals-count",
        ),
        ft.DataTable(
            columns=[
                ft.DataColumn(ft.Text(t(k)))
                for k in ("admin.when", "admin.who", "admin.resident", "admin.where_lives")
            ],
            rows=rows,
            key="admin-reveals",
        ),
    ]
    if len(model.reveals) < model.reveals_total:
        out.append(
            ft.Row(
                [
                    ft.OutlinedButton(
                        t("admin.more"),
                        on_click=lambda e: run(model.more_reveals),
                        key="admin-more",
                    )
                ]
            )
        )
    return out


_SECTION_BUILDERS = {
    "users": _users,
    "places": _places,
    "questionnaires": _questionnaires,
    "checklist": _checklist,
    "reveals": _reveals,
    "register": lambda state, model, run: register_upload.section(state, model.register, run),
}
