"""A review meeting's minutes as a Markdown document the office files or prints: when and
where, each concern on the agenda with its decision, the ones not reached, and the minutes
text. Simplified Chinese by default, English on request. No resident names or numbers: a
concern is named by its estate, address, category and description."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from server.db.schema import (
    concerns,
    districts,
    estates,
    households,
    review_items,
    review_meetings,
    users,
)
from server.domain.entities import household_address
from server.domain.principal import Principal
from server.reports.place import ReportRefused

LANGS = ("zh", "en")


class UnknownMeeting(LookupError):
    """No such review meeting (404)."""


TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "held_at": "时间",
        "place": "范围",
        "community": "全社区",
        "chair": "发起人",
        "status": "状态",
        "open": "进行中",
        "closed": "已结束",
        "agenda": "议题与决定",
        "not_reached": "未研判",
        "minutes": "会议纪要",
        "none": "（无）",
        "decision": "决定",
        "note": "说明",
        "by": "决定人",
        "resolve": "解决",
        "refer": "转办：{department}",
        "assign": "交办：{assignee}，时限 {due_date}",
        "merge": "合并至第 {position} 项",
        "merge_elsewhere": "合并至其他诉求",
    },
    "en": {
        "held_at": "Held",
        "place": "Covers",
        "community": "the whole community",
        "chair": "Opened by",
        "status": "Status",
        "open": "open",
        "closed": "closed",
        "agenda": "Agenda and decisions",
        "not_reached": "Not reached",
        "minutes": "Minutes",
        "none": "(none)",
        "decision": "Decision",
        "note": "Note",
        "by": "Decided by",
        "resolve": "resolved",
        "refer": "referred to {department}",
        "assign": "assigned to {assignee}, due {due_date}",
        "merge": "merged into item {position}",
        "merge_elsewhere": "merged into another concern",
    },
}


def _local(ts: str | None, zone: ZoneInfo) -> str:
    if not ts:
        return ""
    return dt.datetime.fromisoformat(ts).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def meeting_minutes(
    conn: Connection, principal: Principal, meeting_id: str, *, lang: str, timezone: str
) -> tuple[str, str]:
    """(file name, Markdown text) of a meeting the principal may see: staff any, a district
    head their district's (``ReportRefused`` otherwise); ``UnknownMeeting`` if there is none."""
    t = TEXT[lang if lang in LANGS else "zh"]
    zone = ZoneInfo(timezone)
    meeting = conn.execute(
        select(review_meetings, users.c.name.label("chair"), districts.c.name.label("district"))
        .join(users, users.c.id == review_meetings.c.created_by)
        .outerjoin(districts, districts.c.id == review_meetings.c.district_id)
        .where(review_meetings.c.id == meeting_id)
    ).first()
    if meeting is None:
        raise UnknownMeeting(f"meeting {meeting_id} does not exist")
    if principal.role != "staff" and not (
        principal.role == "district_head" and meeting.district_id == principal.district_id
    ):
        raise ReportRefused("minutes are for staff and the meeting's district head")

    decider, assignee = aliased(users), aliased(users)
    items = conn.execute(
        select(
            review_items,
            concerns.c.category,
            concerns.c.description,
            estates.c.name.label("estate"),
            households.c.building,
            households.c.unit,
            households.c.room,
            decider.c.name.label("decider"),
            assignee.c.name.label("assignee"),
        )
        .join(concerns, concerns.c.id == review_items.c.concern_id)
        .join(households, households.c.id == concerns.c.household_id)
        .join(estates, estates.c.id == households.c.estate_id)
        .outerjoin(decider, decider.c.id == review_items.c.decided_by)
        .outerjoin(assignee, assignee.c.id == review_items.c.assignee_id)
        .where(review_items.c.meeting_id == meeting_id)
        .order_by(review_items.c.position)
    ).all()
    position = {i.concern_id: i.position + 1 for i in items}

    def heading(i) -> str:
        address = household_address(i.building, i.unit, i.room)
        description = " ".join(i.description.split())
        return f"{i.position + 1}. **{i.estate} {address}** · {i.category}: {description}"

    def decision(i) -> str:
        if i.decision == "refer":
            return t["refer"].format(department=i.department)
        if i.decision == "assign":
            return t["assign"].format(assignee=i.assignee or "", due_date=i.due_date)
        if i.decision == "merge":
            if i.merged_into in position:
                return t["merge"].format(position=position[i.merged_into])
            return t["merge_elsewhere"]
        return t["resolve"]

    lines = [
        f"# {meeting.title}",
        "",
        f"- {t['held_at']}: {_local(meeting.held_at, zone)} ({timezone})",
        f"- {t['place']}: {meeting.district or t['community']}",
        f"- {t['chair']}: {meeting.chair}",
        f"- {t['status']}: {t[meeting.status]}",
        "",
        f"## {t['agenda']}",
        "",
    ]
    decided = [i for i in items if i.decision]
    for i in decided:
        lines.append(heading(i))
        lines.append(f"   - {t['decision']}: {decision(i)}")
        if i.note:
            lines.append(f"   - {t['note']}: {' '.join(i.note.split())}")
        lines.append(f"   - {t['by']}: {i.decider or ''}, {_local(i.decided_at, zone)}")
    if not decided:
        lines.append(t["none"])
    lines += ["", f"## {t['not_reached']}", ""]
    waiting = [heading(i) for i in items if not i.decision]
    lines += waiting or [t["none"]]
    lines += ["", f"## {t['minutes']}", "", meeting.minutes.strip() or t["none"], ""]
    day = _local(meeting.held_at, zone)[:10]
    return f"minutes-{day}-{meeting_id[:8]}.md", "\n".join(lines)
