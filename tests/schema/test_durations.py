"""A duration (an inventory model's reservation cutoff) is typed as a person says it and read back as seconds;
the words a window shows for editing read back to the very same seconds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.schema import FieldError, duration_words, get_resource, parse_duration, read_text

CUTOFF = get_resource("inventory_models").fields["stock_reservation_cutoff"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5400", 5400),
        ("1,800", 1800),
        ("1 hour", 3600),
        ("1 hour 30 minutes", 5400),
        ("1 hour and 30 minutes", 5400),
        ("1h30m", 5400),
        ("90m", 5400),
        ("90 MIN", 5400),
        ("1.5 hours", 5400),
        ("2 days, 4 hours", 187_200),
        ("1 day 1 hour 1 minute 1 second", 90_061),
        ("  ", None),
    ],
)
def test_durations_read_as_people_write_them(text: str, seconds: int | None) -> None:
    assert parse_duration(CUTOFF, text) == seconds


@pytest.mark.parametrize(
    "text", ["an hour", "1 fortnight", "1 hour 30", "hour 1", "1 hour -30 minutes", "1e3s", "1,5 hours", "1,5"]
)
def test_what_is_not_a_duration_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(FieldError) as refused:
        parse_duration(CUTOFF, text)
    assert refused.value.field == "stock_reservation_cutoff"
    assert "1 hour 30 minutes" in refused.value.message  # says how to write one


def test_a_duration_keeps_the_fields_bounds() -> None:
    with pytest.raises(FieldError, match="2,147,483,647"):
        parse_duration(CUTOFF, "100000 days")


def test_none_is_zero_which_a_cutoff_refuses() -> None:
    with pytest.raises(FieldError, match="greater than or equal to 1"):
        parse_duration(CUTOFF, "None")


@given(st.integers(min_value=1, max_value=2_147_483_647))
def test_exact_words_read_back_to_the_same_seconds(seconds: int) -> None:
    assert parse_duration(CUTOFF, duration_words(seconds, exact=True)) == seconds


def test_only_a_duration_field_reads_words() -> None:
    assert read_text("inventory_models", CUTOFF, "2 hours") == 7200
    quantity = get_resource("stock_items").fields["quantity"]
    with pytest.raises(FieldError, match="integer"):
        read_text("stock_items", quantity, "2 hours")
