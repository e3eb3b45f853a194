"""SOURCE_DATE_EPOCH: a date when usable, one sentence naming it when not."""

from __future__ import annotations

import time

import pytest

from backprop.environment import EnvironmentValueError, source_date


@pytest.mark.parametrize("value, date", [
    ("1700000000", "2023-11-14"),
    ("0", "1970-01-01"),
    (" 86400\n", "1970-01-02"),
    ("253402300799", "9999-12-31"),
])
def test_a_usable_value_gives_its_utc_date(value, date) -> None:
    assert source_date({"SOURCE_DATE_EPOCH": value}) == date


@pytest.mark.parametrize("environ", [{}, {"SOURCE_DATE_EPOCH": ""}, {"SOURCE_DATE_EPOCH": " "}])
def test_unset_or_empty_is_today(environ) -> None:
    assert source_date(environ) in {time.strftime("%Y-%m-%d"),
                                    time.strftime("%Y-%m-%d", time.localtime(time.time() - 5))}


@pytest.mark.parametrize("value, shown", [
    ("99999999999999999", "'99999999999999999' is after the year 9999"),
    ("253402300800", "'253402300800' is after the year 9999"),
    ("9" * 5000, "'9999999999…' (5,000 digits) is after the year 9999"),
    ("1.5", "not '1.5'."),
    ("-1", "not '-1'."),
    ("1e9", "not '1e9'."),
    ("١٧٠٠٠٠٠٠٠٠", "not '١٧٠٠٠٠٠٠٠٠'."),   # int() would read it
    ("17\n00", "not '17\\n00'."),
    ("yesterday" * 10, "not 'yesterdayy…' (90 characters)."),
], ids=lambda value: value[:12] if isinstance(value, str) else None)
def test_an_unusable_value_is_one_sentence_naming_the_variable(value, shown) -> None:
    with pytest.raises(EnvironmentValueError) as caught:
        source_date({"SOURCE_DATE_EPOCH": value})
    message = str(caught.value)
    assert message.startswith("SOURCE_DATE_EPOCH ") and shown in message, message
    assert message.endswith(".") and "\n" not in message and len(message) < 160
