"""``check_mutation``: the rules the phone's store and the server both apply to a mutation."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
import uuid

import pytest
from pydantic import BaseModel

from server.domain.checklist_v1 import CHECKLIST_V1_QUESTIONS
from services.protocol import (
    MAX_ANSWER_KEYS,
    MAX_MUTATION_BYTES,
    MUTATION_PAYLOADS,
    PayloadError,
    SafeText,
    VisitRecord,
    check_mutation,
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def visit_payload(**fields) -> dict:
    payload = {
        "household_id": str(uuid.uuid4()),
        "visited_at": _now(),
        "method": "in_person",
        "people_reached": 1,
        "checklist_version": 1,
        "answers": {},
    }
    payload.update(fields)
    return payload


def refused(mutation_type: str, payload, questions=None, **kw) -> PayloadError:
    with pytest.raises(PayloadError) as info:
        check_mutation(mutation_type, payload, questions, **kw)
    return info.value


def test_a_good_visit_comes_back_as_its_model():
    answers = {"household_size": 3, "officials_conduct": "good", "home_safety": ["none"]}
    p = check_mutation("visit.record", visit_payload(answers=answers), CHECKLIST_V1_QUESTIONS)
    assert isinstance(p, VisitRecord) and p.answers == answers


def test_an_unknown_type_is_unknown_type():
    err = refused("visit.delete", {})
    assert (err.code, err.field) == ("unknown_type", "type")


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"]
)
def test_non_finite_numbers_in_answers_are_refused(value):
    err = refused("visit.record", visit_payload(answers={"household_size": value}))
    assert err.code == "invalid_payload"
    assert err.field == "answers.household_size" and "finite" in err.message


def test_1e999_as_the_json_parser_reads_it_is_refused():
    payload = json.loads('{"answers": {"household_size": 1e999}}')
    err = refused("visit.record", visit_payload(**payload))
    assert err.field == "answers.household_size" and "finite" in err.message


@pytest.mark.parametrize(
    ("text", "words"),
    [("\udc00", "lone surrogate"), ("a\x00b", "NUL")],
    ids=["lone-surrogate", "nul"],
)
def test_unstorable_text_is_refused_wherever_it_is(text, words):
    for payload, field in [
        (visit_payload(answers={"suggestions": text}), "answers.suggestions"),
        (visit_payload(notes=text), "notes"),
        (visit_payload(answers={text: 1}), "answers (a key)"),
    ]:
        err = refused("visit.record", payload)
        assert err.field == field and words in err.message, err
    err = refused("concern.comment", {"concern_id": str(uuid.uuid4()), "text": text})
    assert err.field == "text"


def test_answers_are_bounded_in_text_keys_and_items():
    err = refused("visit.record", visit_payload(answers={"suggestions": "x" * 3_500_000}))
    assert err.field == "payload" and str(MAX_MUTATION_BYTES) in err.message
    err = refused("visit.record", visit_payload(answers={"suggestions": "x" * 1001}))
    assert err.field == "answers.suggestions" and "1000" in err.message
    many = {f"k{i}": 1 for i in range(MAX_ANSWER_KEYS + 1)}
    err = refused("visit.record", visit_payload(answers=many))
    assert err.field == "answers" and str(MAX_ANSWER_KEYS) in err.message
    err = refused("visit.record", visit_payload(answers={"home_safety": ["none"] * 51}))
    assert err.field == "answers.home_safety" and "50" in err.message
    err = refused("visit.record", visit_payload(answers={"k": list(range(100_000))}))
    assert err.field == "payload"  # larger than the byte limit before any model sees it


def test_deep_nesting_is_refused_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    err = refused("visit.record", visit_payload(answers={"k": deep}))
    assert "nested" in err.message


@pytest.mark.parametrize("version", [2**63, 2**31, 0, -1])
def test_versions_must_fit_32_bits(version):
    err = refused("visit.record", visit_payload(checklist_version=version))
    assert err.field == "checklist_version"
    err = refused("household.update", {"base_version": version, "fields": {}})
    assert err.field == "base_version"


def test_integers_beyond_64_bits_are_refused_anywhere():
    err = refused("visit.record", visit_payload(people_reached=2**64))
    assert err.field == "people_reached" and "64 bits" in err.message


@pytest.mark.parametrize(
    "stamp",
    ["0001-01-01T00:00:00+10:00", "1999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-10:00"],
)
def test_timestamps_outside_the_window_are_refused(stamp):
    err = refused("visit.record", visit_payload(visited_at=stamp))
    assert err.field == "visited_at"
    err = refused("visit.record", visit_payload(), created_at=stamp)
    assert err.field == "created_at"


def test_the_window_is_2000_to_a_day_ahead():
    start = "2000-01-01T00:00:00+00:00"
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=23)).isoformat()
    check_mutation("visit.record", visit_payload(visited_at=start), created_at=start)
    check_mutation("visit.record", visit_payload(visited_at=soon), created_at=soon)
    late = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)).isoformat()
    assert refused("visit.record", visit_payload(), created_at=late).field == "created_at"


def test_a_follow_up_date_must_be_this_century():
    check_mutation("visit.record", visit_payload(follow_up_date="2030-06-01"))
    assert refused("visit.record", visit_payload(follow_up_date="0001-01-01")).field == (
        "follow_up_date"
    )


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"no_such_question": 1}, "answers.no_such_question", "not a question"),
        ({"household_size": "three"}, "answers.household_size", "number"),
        ({"household_size": True}, "answers.household_size", "number"),
        ({"household_size": 31}, "answers.household_size", "largest"),
        ({"household_size": -1}, "answers.household_size", "smallest"),
        ({"officials_conduct": "splendid"}, "answers.officials_conduct", "options"),
        ({"home_safety": ["none", "bogus"]}, "answers.home_safety", "options"),
        ({"home_safety": ["none", "none"]}, "answers.home_safety", "twice"),
        ({"suggestions": 5}, "answers.suggestions", "text"),
    ],
)
def test_answers_are_checked_against_the_checklist_questions(answers, field, words):
    err = refused("visit.record", visit_payload(answers=answers), CHECKLIST_V1_QUESTIONS)
    assert err.code == "invalid_payload" and err.field == field and words in err.message


def test_questions_may_be_the_dicts_a_phone_store_keeps():
    as_dicts = [dict(q) for q in CHECKLIST_V1_QUESTIONS]
    err = refused("visit.record", visit_payload(answers={"household_size": 99}), as_dicts)
    assert err.field == "answers.household_size"


def test_a_payload_error_reads_as_field_and_message():
    err = refused("visit.record", visit_payload(people_reached=100))
    assert str(err) == f"{err.field}: {err.message}" and err.field == "people_reached"


def test_a_field_path_of_huge_keys_stays_short():
    err = refused("visit.record", visit_payload(answers={"k" * 50_000: float("nan")}))
    assert len(str(err)) < 300


def _text_fields(model: type[BaseModel], prefix: str = ""):
    """(path, metadata) of every text field, through Optional and nested models."""

    def walk(ann, meta, path):
        if typing.get_origin(ann) is typing.Annotated:
            base, *more = typing.get_args(ann)
            yield from walk(base, meta + more, path)
        elif typing.get_origin(ann) in (typing.Union, types.UnionType):
            for arg in typing.get_args(ann):
                yield from walk(arg, meta, path)
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _text_fields(ann, f"{path}.")
        elif ann is str:
            yield path, meta

    for name, info in model.model_fields.items():
        yield from walk(info.annotation, list(info.metadata), f"{prefix}{name}")


def test_every_text_field_of_every_payload_is_safe_text_with_a_length():
    safe_validators = typing.get_args(SafeText)[1:]
    seen = set()
    for mutation_type, model in MUTATION_PAYLOADS.items():
        for field, meta in _text_fields(model):
            seen.add(field)
            where = f"{mutation_type} {field}"
            assert any(m in safe_validators for m in meta), f"{where} is not SafeText"
            assert any(getattr(m, "max_length", None) for m in meta), f"{where}: no max"
    assert {"notes", "fields.contact_phone", "fields.name", "phone", "id_number"} <= seen


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+10:00"])
def test_utc_iso_refuses_a_time_past_the_calendar_edge_as_bad_input(stamp):
    from services.protocol import utc_iso

    with pytest.raises(ValueError, match="out of range"):
        utc_iso(stamp)


def test_a_question_of_a_type_this_side_cannot_read_takes_any_bounded_answer():
    newer = [*[dict(q) for q in CHECKLIST_V1_QUESTIONS], {"key": "photo", "type": "photo"}]
    check_mutation("visit.record", visit_payload(answers={"photo": "p-1"}), newer)
    err = refused("visit.record", visit_payload(answers={"photo": float("nan")}), newer)
    assert err.field == "answers.photo"
