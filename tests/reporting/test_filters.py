"""The report filters and their one parser, shared by the web views and the command line."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from elearn.courses.store import save_course
from elearn.errors import DomainError
from elearn.extensions import db
from elearn.people.services import upsert_unit
from elearn.reporting.filters import (
    CompletionFilters,
    JpFilters,
    ReportError,
    parse_completion_filters,
    parse_jp_filters,
    this_year,
)

from ..content.helpers import make_course


def test_filters_reject_an_unknown_status_and_a_reversed_range():
    with pytest.raises(ValueError, match="unknown status"):
        CompletionFilters(status="not_started")
    with pytest.raises(ValueError, match="after"):
        CompletionFilters(date_from=date(2026, 2, 1), date_to=date(2026, 1, 31))
    assert CompletionFilters(status="selesai").status_code == "completed"
    assert CompletionFilters().status_code is None


# --- the one parser, for the web and the command line ---------------------------------------

@pytest.fixture
def known(app):
    """One unit (DISKOMINFO) and one course (pelayanan-publik)."""
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        save_course(make_course())
        db.session.commit()


def parse(values):
    return parse_completion_filters(values)


def test_the_parser_turns_strings_into_checked_filters(app, known):
    with app.app_context():
        filters = parse({"course": " pelayanan-publik ", "unit": "diskominfo",
                         "status": "completed", "from": "2026-01-01", "to": "2026-01-31"})
        blank = parse({"course": "", "unit": None, "status": " ", "from": "", "to": None})
    assert filters == CompletionFilters(course="pelayanan-publik", unit="DISKOMINFO",
                                        status="completed", date_from=date(2026, 1, 1),
                                        date_to=date(2026, 1, 31))
    assert blank == CompletionFilters() and parse({}) == CompletionFilters()


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"course": "tidak-ada"}, "course", "--course: unknown course slug 'tidak-ada'."),
    ({"unit": "xyz"}, "unit", "--unit: unknown unit code 'XYZ'."),
    ({"from": "2026-13-01"}, "from", "--from: '2026-13-01' is not a date in the form YYYY-MM-DD."),
    ({"to": "31-12-2026"}, "to", "--to: '31-12-2026' is not a date in the form YYYY-MM-DD."),
    ({"status": "not_started"}, "status",
     "--status: unknown status 'not_started': use completed or in_progress."),
    ({"from": "2026-02-01", "to": "2026-01-31"}, "from",
     "--from 2026-02-01 is after --to 2026-01-31."),
])
def test_the_parser_names_the_input_it_refuses(app, known, values, field, message):
    with app.app_context(), pytest.raises(ReportError) as refused:
        parse(values)
    assert refused.value.field == field
    assert refused.value.text() == str(refused.value) == message
    # The web names the inputs by its form labels (and translates).
    labels = {"course": "Kursus", "unit": "Unit kerja", "status": "Status", "from": "Dari",
              "to": "Sampai", "year": "Tahun"}
    assert refused.value.text(label=labels.get) == re.sub(
        r"--(\w+)", lambda m: labels[m.group(1)], message)


def test_the_jp_parser_defaults_to_this_year_and_bounds_the_year(app, known):
    with app.app_context():
        default = parse_jp_filters({}, "Asia/Jakarta")
        chosen = parse_jp_filters({"year": " 2025 ", "unit": "diskominfo", "below": "1"}, "UTC")
        for year in ("1899", "3000", "99999", "tahun", "20.5"):
            with pytest.raises(ReportError) as refused:
                parse_jp_filters({"year": year}, "UTC")
            assert refused.value.field == "year"
            assert str(refused.value) == f"--year: {year!r} is not a year from 1900 to 2999."
        with pytest.raises(ReportError, match="--unit: unknown unit code 'XYZ'."):
            parse_jp_filters({"unit": "XYZ"}, "UTC")
    assert default == JpFilters(year=this_year("Asia/Jakarta"))
    assert default.year == datetime.now(ZoneInfo("Asia/Jakarta")).year
    assert chosen == JpFilters(year=2025, unit="DISKOMINFO", below_target_only=True)
    assert parse_jp_filters({"year": "1900"}, "UTC").year == 1900


def test_a_report_error_is_a_domain_error():
    assert issubclass(ReportError, DomainError)
