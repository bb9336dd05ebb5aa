"""One list of concern categories: the demo data, the server's due-date rules, the phone's
dialog and its translations all use ``services.protocol.CONCERN_CATEGORIES``."""

from __future__ import annotations

from services.protocol import CATEGORY_NAMES, CONCERN_CATEGORIES, OTHER_CATEGORY


def test_the_demo_concerns_use_the_shared_categories():
    from server.domain.seed_names import CONCERN_TOPICS

    assert {category for category, _kind, _texts in CONCERN_TOPICS} <= set(CONCERN_CATEGORIES)


def test_the_due_date_rules_are_keyed_by_the_shared_categories():
    from server.settings import DEFAULT_DUE_WORKING_DAYS

    assert set(DEFAULT_DUE_WORKING_DAYS) <= set(CONCERN_CATEGORIES)


def test_the_checklist_and_the_simulator_use_the_shared_categories():
    from server.domain.checklist_v1 import CHECKLIST_V1_QUESTIONS
    from services.simulate import CATEGORIES

    named = {q["concern_category"] for q in CHECKLIST_V1_QUESTIONS if q.get("concern_category")}
    assert named and named <= set(CONCERN_CATEGORIES)
    assert set(CATEGORIES) == set(CONCERN_CATEGORIES)


def test_every_category_has_a_key_the_phone_translates_both_ways():
    from app.i18n import CATALOGUE

    assert OTHER_CATEGORY in CONCERN_CATEGORIES
    assert len(set(CONCERN_CATEGORIES.values())) == len(CONCERN_CATEGORIES)
    for name, key in CONCERN_CATEGORIES.items():
        assert CATEGORY_NAMES[key] == name
        assert CATALOGUE[f"concern.cat.{key}"]["zh"] == name
