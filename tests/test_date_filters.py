"""The dateformat and datetimeformat filters (elearn.i18n): Flask-Babel's text for
every language, pattern and moment, though a day's text is made once per process."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flask_babel
from flask_babel import force_locale

from elearn import i18n

TEMPLATES = Path(__file__).resolve().parent.parent / "elearn/templates"


def _patterns(name: str) -> set[str]:
    text = "".join(p.read_text() for p in TEMPLATES.rglob("*.html"))
    return set(re.findall(name + r"\('([^']+)'\)", text))


def test_the_filters_give_flask_babels_text_for_every_pattern_the_pages_use(app):
    date_patterns, moment_patterns = _patterns("dateformat"), _patterns("datetimeformat")
    assert "d MMMM yyyy" in date_patterns and "HH.mm" in moment_patterns
    days = [date(2026, 1, 1) + timedelta(days=n * 37) for n in range(12)]
    # Moments on both sides of midnight in the agency's time zone (UTC+7): the day a
    # moment falls on is the agency's, as Flask-Babel makes it.
    moments = [datetime(2026, 3, 31, 16, 59, tzinfo=UTC), datetime(2026, 3, 31, 17, 0, tzinfo=UTC),
               datetime(2026, 12, 31, 23, 30), datetime(2026, 7, 4, 2, 5, tzinfo=UTC)]
    with app.test_request_context():
        for locale in ("id", "en"):
            with force_locale(locale):
                i18n._day_text.cache_clear()
                for pattern in date_patterns:
                    for day in days:
                        assert i18n.date_filter(day, pattern) == flask_babel.format_date(
                            day, pattern)
                    for moment in moments:
                        assert i18n.date_filter(moment, pattern) == flask_babel.format_date(
                            moment, pattern)
                for pattern in moment_patterns | date_patterns:
                    for moment in moments:
                        assert i18n.datetime_filter(moment, pattern) == \
                            flask_babel.format_datetime(moment, pattern), (locale, pattern)
                assert i18n._day_text.cache_info().hits > 0


def test_each_language_gets_its_own_text_for_the_same_day(app):
    day = date(2026, 8, 17)
    with app.test_request_context():
        with force_locale("id"):
            indonesian = i18n.date_filter(day, "d MMMM yyyy")
        with force_locale("en"):
            english = i18n.date_filter(day, "d MMMM yyyy")
        with force_locale("id"):
            again = i18n.date_filter(day, "d MMMM yyyy")
    assert (indonesian, english, again) == ("17 Agustus 2026", "17 August 2026", indonesian)


def test_the_pages_use_these_filters(app):
    assert app.jinja_env.filters["dateformat"] is i18n.date_filter
    assert app.jinja_env.filters["datetimeformat"] is i18n.datetime_filter
