"""Settings from the environment: numbers and durations in seconds, refused clearly when
malformed."""

from __future__ import annotations

import datetime as dt

import pytest

from server.settings import Settings


def test_limits_come_from_xianglin_variables():
    s = Settings.from_env(
        {"XIANGLIN_LOGIN_HASH_SLOTS": "8", "XIANGLIN_LOGIN_HASH_WAIT": "0.5", "OTHER": "x"},
        token_ttl=dt.timedelta(days=2),
    )
    assert s.login_hash_slots == 8
    assert s.login_hash_wait == dt.timedelta(seconds=0.5)
    assert s.token_ttl == dt.timedelta(days=2)
    assert s.form_submissions_per_client == Settings().form_submissions_per_client


@pytest.mark.parametrize("raw", ["many", "0", "-3", "1.5", "nan", "1e99"])
def test_a_malformed_limit_is_refused_naming_the_variable(raw):
    with pytest.raises(ValueError, match="XIANGLIN_FORM_TOKENS_PER_CLIENT"):
        Settings.from_env({"XIANGLIN_FORM_TOKENS_PER_CLIENT": raw})
