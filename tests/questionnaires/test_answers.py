"""Field-by-field checking of submitted answers."""

from __future__ import annotations

from server.domain.questionnaire_answers import (
    check_answers,
    normalise_address,
    normalise_phone,
)
from services.protocol import Question


def q(key, type_, **kw) -> Question:
    return Question.model_validate({"key": key, "type": type_, "label": {"zh": key}, **kw})


def test_mobile_numbers_are_normalised_and_others_refused():
    assert normalise_phone("138 1234 5678") == "13812345678"
    assert normalise_phone("+86-138-1234-5678") == "13812345678"
    assert normalise_phone("１３８１２３４５６７８") == "13812345678"  # full-width IME digits
    arabic_indic = "13812345678".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for bad in ("12812345678", "1381234567", "138123456789", "0512-65123456", "abc", arabic_indic):
        assert normalise_phone(bad) is None, bad


def test_addresses_accept_the_usual_spellings():
    for raw in (
        "3-2-401",
        "3幢2单元401室",
        "3栋2单元401",
        "3号楼2单元401",
        "３－２－４０１",
        "3/2/401",
    ):
        assert normalise_address(raw) == "3-2-401", raw
    assert normalise_address("a-1-101") == "A-1-101"
    for bad in ("401", "3-401", "三幢二单元", "3-2-401-5", ""):
        assert normalise_address(bad) is None, bad


def test_numbers_respect_bounds_and_whole_number_questions():
    age = q("age", "number", min=60, max=120)
    assert check_answers([age], {"age": ["75"]}).answers == {"age": 75}
    assert check_answers([age], {"age": ["59"]}).errors == {"age": "too_small"}
    assert check_answers([age], {"age": ["121"]}).errors == {"age": "too_large"}
    assert check_answers([age], {"age": ["70.5"]}).errors == {"age": "not_an_integer"}
    assert check_answers([age], {"age": ["seventy"]}).errors == {"age": "not_a_number"}
    assert check_answers([age], {"age": ["nan"]}).errors == {"age": "not_a_number"}
    free = q("x", "number")
    assert check_answers([free], {"x": ["2.5"]}).answers == {"x": 2.5}


def test_choices_must_be_options_and_multi_keeps_definition_order():
    opts = [{"value": v, "label": {"zh": v}} for v in ("a", "b", "c")]
    one = q("one", "choice", options=opts, required=True)
    many = q("many", "multi_choice", options=opts)
    yn = q("yn", "yes_no")
    ok = check_answers([one, many, yn], {"one": ["b"], "many": ["c", "a", "a"], "yn": ["no"]})
    assert ok.ok and ok.answers == {"one": "b", "many": ["a", "c"], "yn": False}
    bad = check_answers([one, many, yn], {"one": ["z"], "many": ["a", "z"], "yn": ["maybe"]})
    assert bad.errors == {"one": "bad_choice", "many": "bad_choice", "yn": "bad_choice"}


def test_required_and_optional_questions():
    name = q("name", "text", required=True, max=30)
    note = q("note", "text")
    r = check_answers([name, note], {"name": ["   "], "note": [""]})
    assert r.errors == {"name": "required"} and r.answers == {}
    r = check_answers([name, note], {"name": ["x" * 31]})
    assert r.errors == {"name": "too_long"}
    r = check_answers([name, note], {"name": [" 李四 "], "note": ["y" * 1001]})
    assert r.answers == {"name": "李四"} and r.errors == {"note": "too_long"}
