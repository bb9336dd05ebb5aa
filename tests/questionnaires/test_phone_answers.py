"""services.questionnaire_answers: how an answer reads on the phone and what it prefills."""

from __future__ import annotations

import datetime as dt

from server.domain.questionnaires import builtin_definitions
from services.questionnaire_answers import concern_description, describe_answers, resident_fields


def _questionnaire(slug: str) -> dict:
    d = next(d for d in builtin_definitions() if d.slug == slug)
    return {
        "slug": d.slug,
        "title": d.title.model_dump(),
        **{"questions": d.content()["questions"]},
    }


def test_answers_read_with_labels_and_option_words():
    q = _questionnaire("elderly-care")
    answers = {
        "age": 82,
        "lives_alone": True,
        "needs": ["meals", "company"],
        "health": "fair",
        "name": "张桂兰",
        "extra": 1,
    }
    lines = describe_answers(q, answers)
    assert lines == [
        ("姓名", "张桂兰"),
        ("年龄（岁）", "82"),
        ("是否独居", "是"),
        ("身体状况", "一般"),
        ("需要哪些帮助（可多选）", "助餐送餐、聊天陪伴"),
        ("extra", "1"),
    ]
    assert describe_answers(q, {"lives_alone": False}, "en") == [("Living alone?", "No")]


def test_answer_prefills_a_resident_and_a_concern():
    answers = {"name": " 张桂兰 ", "phone": "13812345678", "age": 82, "lives_alone": True}
    assert resident_fields(answers, today=dt.date(2026, 11, 24)) == {
        "name": "张桂兰",
        "phone": "13812345678",
        "birth_year": 1944,
        "flags": ["lives_alone"],
    }
    assert resident_fields({"age": True, "name": ""}) == {}
    text = concern_description(_questionnaire("safety-hazards"), {"kind": "ebike", "urgent": True})
    assert (
        text.startswith("【安全隐患排查】") and "电动车违规充电" in text and "是否紧急：是" in text
    )
