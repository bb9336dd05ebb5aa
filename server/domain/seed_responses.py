"""A few demo answers to the built-in questionnaires, as residents scanning a QR code leave them.

Each answer is made the way the public form makes it: raw form fields go through
``questionnaire_answers.check_answers`` and the result through
``responses.apply_questionnaire_response`` (which stores it and stamps the change log), so the
demo holds nothing the real form could not have produced.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from sqlalchemy import Connection

# loading the mutations package first lets it import responses without a partial-import cycle
from server.domain import mutations as _mutations  # noqa: F401
from server.domain.questionnaire_answers import check_answers
from server.domain.questionnaires import list_questionnaires
from server.domain.responses import apply_questionnaire_response
from server.domain.seed_city import tagged
from services.protocol import Question

_TEXTS = [
    "楼道灯坏了好几天了。",
    "希望多组织一些老年人活动。",
    "小区东门晚上太暗，建议加装路灯。",
    "垃圾分类点位离我家太远。",
    "谢谢社区的关心。",
]


def _form_value(
    rng: random.Random, q: Question, person: dict[str, Any], house: dict[str, Any], year: int
) -> list[str]:
    if q.type == "building_unit_room":
        return [f"{house['building']}-{house['unit']}-{house['room']}"]
    if q.type == "phone":
        return [person["phone"]] if person.get("phone") else []
    if q.type == "yes_no":
        return [rng.choice(("yes", "no"))]
    if q.type == "choice":
        return [rng.choice(q.options).value] if q.options else []
    if q.type == "multi_choice":
        picked = rng.sample(q.options, min(len(q.options), rng.randint(1, 2)))
        return [o.value for o in picked]
    if q.type == "number":
        lo = int(q.min) if q.min is not None else 0
        hi = int(q.max) if q.max is not None else max(lo, 5)
        if q.key == "age":
            value = year - person["birth_year"]
        elif q.key == "people_count":
            value = house["people_count"]
        else:
            value = rng.randint(lo, min(hi, lo + 5))
        return [str(max(lo, min(hi, value)))]
    if q.key == "name":
        return [person["name"]]
    return [rng.choice(_TEXTS)] if (q.required or rng.random() < 0.6) else []


def seed_responses(
    conn: Connection,
    *,
    seed: int,
    count: int,
    households: list[dict[str, Any]],
    members_of: dict[str, list[dict[str, Any]]],
    base_date: dt.datetime,
    community_id: str | None = None,
    tag: int | None = None,
) -> int:
    """Store up to ``count`` answers spread over the active questionnaires; returns how many.
    ``community_id``: whose community-wide poster the answers without an estate came from.
    ``tag``: the answers' ids carry this community number (a city's template community)."""
    rng = random.Random(seed)
    questionnaires = list_questionnaires(conn)
    if not questionnaires or not households:
        return 0
    made = 0
    for _ in range(count * 3):  # some draws do not fit a questionnaire (e.g. age limits)
        if made >= count:
            break
        qn = rng.choice(questionnaires)
        house = rng.choice(households)
        questions = qn.parsed_questions()
        lo, hi = 18, 150  # an elderly-care form is answered by (or for) someone its age
        for q in questions:
            if q.key == "age" and q.type == "number":
                lo = max(lo, int(q.min)) if q.min is not None else lo
                hi = int(q.max) if q.max is not None else hi
        fitting = [
            m for m in members_of[house["id"]] if lo <= base_date.year - m["birth_year"] <= hi
        ]
        if not fitting:
            continue
        person = rng.choice(fitting)
        form = {q.key: _form_value(rng, q, person, house, base_date.year) for q in questions}
        checked = check_answers(questions, form)
        if not checked.ok:
            continue
        where = rng.random()
        estate_id = house["estate_id"] if where < 0.9 else None  # 10%: the community poster
        household_id = house["id"] if where < 0.5 else None  # 50%: the head's QR at the door
        submitted = base_date - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randrange(600))
        response_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        apply_questionnaire_response(
            conn,
            response_id=response_id if tag is None else tagged(response_id, tag),
            questionnaire_id=qn.id,
            answers=checked.answers,
            estate_id=estate_id,
            household_id=household_id,
            community_id=community_id,
            submitted_at=submitted.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        )
        made += 1
    return made
