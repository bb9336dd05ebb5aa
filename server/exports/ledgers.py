"""The office's ledgers (台账): visits, concerns, residents and questionnaire answers of a
place, as sheets of rows under Chinese headers. Rows stream from the database straight into
the workbook. Phone and ID-card numbers are masked unless ``full``.

The residents ledger is a resident register (docs/register-format.md): its headers are the
register's, so a full-value export imports back unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased
from xlsxwriter.workbook import Workbook

from server.db.schema import (
    checklists,
    concerns,
    districts,
    estates,
    households,
    questionnaire_responses,
    questionnaires,
    residents,
    users,
    visits,
)
from server.domain.entities import household_address
from server.exports.workbook import Column, add_sheet, local_day, local_time
from server.reports.period import Period
from server.reports.place import Place
from services.protocol import UNFINISHED_STATUSES, mask_id_number, mask_phone

KINDS = ("visits", "concerns", "residents", "responses")

GENDER = {"male": "男", "female": "女"}
FLAGS = {
    "lives_alone": "独居",
    "needs_help": "需帮扶",
    "disabled": "残疾",
    "low_income": "低保",
    "party_member": "党员",
}
VACCINATION = {
    "unknown": "未知",
    "none": "未接种",
    "partial": "部分",
    "full": "全程",
    "booster": "加强",
}
METHOD = {"in_person": "入户走访", "phone": "电话走访"}
KIND = {"request": "诉求", "complaint": "投诉", "suggestion": "建议"}
STATUS = {
    "open": "待处理",
    "in_review": "研判中",
    "resolved": "已解决",
    "referred": "已转办",
    "closed": "已关闭",
}
CALLBACK = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
RESPONSE_STATUS = {"new": "待处理", "reviewed": "已处理"}
OUTCOME = {
    "resident_updated": "已更新居民信息",
    "concern_raised": "已登记诉求",
    "no_action": "无需处理",
}


def _places():
    """households -> estates -> districts, for the place columns and the place filter."""
    return households.join(estates, estates.c.id == households.c.estate_id).join(
        districts, districts.c.id == estates.c.district_id
    )


def _answer(value: Any, question: dict | None) -> Any:
    """An answer as a person reads it: yes/no in words, choices by their labels."""
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = {
        o["value"]: o["label"].get("zh", o["value"]) for o in (question or {}).get("options", [])
    }
    if isinstance(value, list):
        return "、".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, str):
        return labels.get(value, value)
    return value


def _questions(rows: list[list[dict]]) -> list[dict]:
    """Every question key of these question lists, first wording kept, in order."""
    seen: dict[str, dict] = {}
    for questions in rows:
        for q in questions:
            seen.setdefault(q["key"], q)
    return list(seen.values())


def write_visits(wb: Workbook, conn: Connection, place: Place, period: Period | None, zone) -> int:
    questions = _questions(
        list(conn.execute(select(checklists.c.questions).order_by(checklists.c.version)).scalars())
    )
    columns = [
        Column("走访时间", 17, "datetime"),
        Column("片区", 10),
        Column("小区", 14),
        Column("地址", 12),
        Column("走访人", 10),
        Column("方式", 10),
        Column("见到人数", 9, "number"),
        Column("跟进日期", 12, "date"),
        Column("备注", 30),
        *(Column(q["label"]["zh"], 24) for q in questions),
    ]
    query = (
        select(
            visits.c.visited_at,
            districts.c.name,
            estates.c.name,
            households.c.building,
            households.c.unit,
            households.c.room,
            users.c.name,
            visits.c.method,
            visits.c.people_reached,
            visits.c.follow_up_date,
            visits.c.notes,
            visits.c.answers,
        )
        .select_from(
            _places()
            .join(visits, visits.c.household_id == households.c.id)
            .join(users, users.c.id == visits.c.user_id)
        )
        .where(place.estates_clause())
        .order_by(visits.c.visited_at, visits.c.id)
    )
    if period is not None:
        query = query.where(visits.c.visited_at >= period.start, visits.c.visited_at < period.end)

    def rows() -> Iterator[list]:
        for r in conn.execute(query):
            answers = r[11] or {}
            yield [
                local_time(r[0], zone),
                r[1],
                r[2],
                household_address(r[3], r[4], r[5]),
                r[6],
                METHOD.get(r[7], r[7]),
                r[8],
                local_day(r[9]),
                r[10],
                *(_answer(answers.get(q["key"]), q) for q in questions),
            ]

    return add_sheet(wb, "走访台账", columns, rows())


def write_concerns(
    wb: Workbook, conn: Connection, place: Place, period: Period | None, zone, today: dt.date
) -> int:
    creator, assignee = aliased(users), aliased(users)
    columns = [
        Column("登记时间", 17, "datetime"),
        Column("片区", 10),
        Column("小区", 14),
        Column("地址", 12),
        Column("类型", 8),
        Column("类别", 12),
        Column("内容", 40),
        Column("状态", 9),
        Column("登记人", 10),
        Column("承办人", 10),
        Column("时限", 12, "date"),
        Column("是否超期", 9),
        Column("解决时间", 17, "datetime"),
        Column("转办部门", 14),
        Column("回访结果", 10),
        Column("回访时间", 17, "datetime"),
        Column("编号", 38),
        Column("合并至", 38),
    ]
    query = (
        select(
            concerns.c.created_at,
            districts.c.name,
            estates.c.name,
            households.c.building,
            households.c.unit,
            households.c.room,
            concerns.c.kind,
            concerns.c.category,
            concerns.c.description,
            concerns.c.status,
            creator.c.name,
            assignee.c.name,
            concerns.c.due_date,
            concerns.c.resolved_at,
            concerns.c.referred_to,
            concerns.c.callback,
            concerns.c.callback_at,
            concerns.c.id,
            concerns.c.merged_into,
        )
        .select_from(
            _places()
            .join(concerns, concerns.c.household_id == households.c.id)
            .join(creator, creator.c.id == concerns.c.created_by)
            .outerjoin(assignee, assignee.c.id == concerns.c.assignee_id)
        )
        .where(place.estates_clause())
        .order_by(concerns.c.created_at, concerns.c.id)
    )
    if period is not None:
        query = query.where(
            concerns.c.created_at >= period.start, concerns.c.created_at < period.end
        )

    def rows() -> Iterator[list]:
        for r in conn.execute(query):
            overdue = r[9] in UNFINISHED_STATUSES and r[12] is not None and r[12] < str(today)
            yield [
                local_time(r[0], zone),
                r[1],
                r[2],
                household_address(r[3], r[4], r[5]),
                KIND.get(r[6], r[6]),
                r[7],
                r[8],
                STATUS.get(r[9], r[9]),
                r[10],
                r[11],
                local_day(r[12]),
                "是" if overdue else "",
                local_time(r[13], zone),
                r[14],
                CALLBACK.get(r[15], r[15]),
                local_time(r[16], zone),
                r[17],
                r[18],
            ]

    return add_sheet(wb, "诉求台账", columns, rows())


def write_residents(wb: Workbook, conn: Connection, place: Place, *, full: bool) -> int:
    columns = [
        Column("片区", 10),
        Column("小区", 14),
        Column("楼栋", 7),
        Column("单元", 6),
        Column("房号", 8),
        Column("姓名", 10),
        Column("性别", 6),
        Column("出生年份", 9, "number"),
        Column("身份证号", 21),
        Column("手机号", 14),
        Column("与户主关系", 10),
        Column("标记", 16),
        Column("疫苗接种", 9),
        Column("备注", 30),
    ]
    query = (
        select(
            districts.c.name,
            estates.c.name,
            households.c.building,
            households.c.unit,
            households.c.room,
            residents.c.name,
            residents.c.gender,
            residents.c.birth_year,
            residents.c.id_number,
            residents.c.phone,
            residents.c.relation,
            residents.c.flags,
            residents.c.vaccination,
            residents.c.note,
        )
        .select_from(_places().join(residents, residents.c.household_id == households.c.id))
        .where(place.estates_clause())
        .order_by(
            estates.c.id,
            households.c.building,
            households.c.unit,
            households.c.room,
            residents.c.id,
        )
    )
    id_number = (lambda v: v) if full else mask_id_number
    phone = (lambda v: v) if full else mask_phone

    def rows() -> Iterator[list]:
        for r in conn.execute(query):
            yield [
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                GENDER.get(r[6], ""),
                r[7],
                id_number(r[8]),
                phone(r[9]),
                r[10],
                "、".join(FLAGS.get(f, f) for f in (r[11] or [])),
                VACCINATION.get(r[12], r[12]),
                r[13],
            ]

    return add_sheet(wb, "居民花名册", columns, rows())


def write_responses(
    wb: Workbook, conn: Connection, place: Place, period: Period | None, zone, *, full: bool
) -> int:
    """One sheet per questionnaire, its questions as columns; answers to a phone question
    are masked unless ``full``. Answers that name no estate belong to the whole community."""
    total = 0
    for q_id, slug, title, questions in conn.execute(
        select(
            questionnaires.c.id,
            questionnaires.c.slug,
            questionnaires.c.title,
            questionnaires.c.questions,
        ).order_by(questionnaires.c.slug)
    ):
        columns = [
            Column("提交时间", 17, "datetime"),
            Column("小区", 14),
            Column("地址", 12),
            Column("状态", 9),
            Column("处理结果", 14),
            *(Column(q["label"]["zh"], 24) for q in questions),
        ]
        query = (
            select(
                questionnaire_responses.c.submitted_at,
                estates.c.name,
                households.c.building,
                households.c.unit,
                households.c.room,
                questionnaire_responses.c.status,
                questionnaire_responses.c.outcome,
                questionnaire_responses.c.answers,
            )
            .select_from(
                questionnaire_responses.outerjoin(
                    estates, estates.c.id == questionnaire_responses.c.estate_id
                ).outerjoin(households, households.c.id == questionnaire_responses.c.household_id)
            )
            .where(questionnaire_responses.c.questionnaire_id == q_id)
            .order_by(questionnaire_responses.c.submitted_at, questionnaire_responses.c.id)
        )
        if not place.is_community:
            query = query.where(place.responses_clause())
        if period is not None:
            query = query.where(
                questionnaire_responses.c.submitted_at >= period.start,
                questionnaire_responses.c.submitted_at < period.end,
            )

        def answer(value, question):
            if question["type"] == "phone" and isinstance(value, str) and not full:
                return mask_phone(value)
            return _answer(value, question)

        def rows(query=query, questions=questions) -> Iterator[list]:
            for r in conn.execute(query):
                answers = r[7] or {}
                yield [
                    local_time(r[0], zone),
                    r[1],
                    household_address(r[2], r[3], r[4]),
                    RESPONSE_STATUS.get(r[5], r[5]),
                    OUTCOME.get(r[6], r[6]),
                    *(answer(answers.get(q["key"]), q) for q in questions),
                ]

        total += add_sheet(wb, (title or {}).get("zh") or slug, columns, rows())
    return total
