"""Durations are written 30m, 1h, 1h30m, 2d, and read and written the same way everywhere."""

import pytest

from elearn.content.durations import format_duration, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [
    ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("2d", 172800), ("1d12h", 129600),
    ("1d2h3m", 93780), ("90m", 5400), ("1H30M", 5400), ("2D", 172800), ("0m", 0),
])
def test_durations_in_days_hours_and_minutes_are_read_as_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", [
    "", "90", "1.5h", "1h 30m", " 30m", "30m ", "30s", "30 m", "m", "h30", "30m1h",
    "1h1h", "1d-2h", "satu jam", "1w", "١h", "9999999999m",
])
def test_anything_else_is_not_a_duration(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize(("seconds", "text"), [
    (60, "1m"), (1800, "30m"), (3600, "1h"), (5400, "1h30m"), (86400, "1d"),
    (93780, "1d2h3m"), (30 * 86400, "30d"), (0, "0m"),
])
def test_formatting_writes_the_largest_units(seconds, text):
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


def test_formatting_rounds_seconds_up_to_a_whole_minute():
    """A wait or time left shown to a learner is never shorter than the real one."""
    assert format_duration(1) == "1m"
    assert format_duration(3599) == "1h"
    assert format_duration(3601) == "1h1m"
    assert format_duration(-5) == "0m"
