"""Which rows a report covers, and the one parser of report filters.

The web views (query string), the command line (options) and anything else
hand ``parse_completion_filters``/``parse_jp_filters`` a plain mapping of
strings keyed by the names both share: ``course``, ``unit``, ``status``,
``from``, ``to`` (``--from`` on the command line), ``year`` and ``below``.
A value that cannot be used raises ``ReportError`` naming the input, so the
same mistake reads the same everywhere: ``--unit: unknown unit code 'XYZ'.``
on the command line, "Unit kerja: kode unit 'XYZ' tidak dikenal." on the web.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..errors import N_, DomainError
from ..extensions import db
from ..models import Course, Unit

STATUS_COMPLETED = "selesai"
STATUS_IN_PROGRESS = "sedang berjalan"
#: Accepted filter values and the status they select.
STATUS_FILTERS = {
    "completed": "completed", STATUS_COMPLETED: "completed",
    "in_progress": "in_progress", STATUS_IN_PROGRESS: "in_progress",
}
#: Report years accepted from people (web and command line alike).
YEAR_MIN, YEAR_MAX = 1900, 2999
#: The inputs, by the name the query string and the command line share.
FIELDS = ("course", "unit", "status", "from", "to", "year")


def option_label(field: str) -> str:
    """How the command line names an input: ``--from``."""
    return f"--{field}"


class ReportError(DomainError):
    """A report input that cannot be used; ``field`` is the input's name (see ``FIELDS``).

    Messages name inputs through ``%(field)s`` (this input) and ``%(<name>)s``
    (another one), filled in by ``text(translate, label)``: the command line
    keeps the default ``--name``, the web passes its form labels.
    """

    def __init__(self, field: str, message: str, **params):
        self.field = field
        super().__init__(message, **params, **self._labels(option_label))
        self.params = params

    def _labels(self, label: Callable[[str], str]) -> dict[str, str]:
        return {"field": label(self.field), **{name: label(name) for name in FIELDS}}

    def text(self, translate: Callable[[str], str] = lambda s: s,
             label: Callable[[str], str] = option_label) -> str:
        """The message in the reader's language, inputs named by ``label(name)``."""
        return translate(self.message) % {**self.params, **self._labels(label)}


@dataclass(frozen=True)
class CompletionFilters:
    """Which enrolments a list or export covers; every field is optional.

    ``course`` is a course slug, ``unit`` a unit code (of the learner's
    current unit), ``status`` one of ``completed``/``in_progress`` (or the
    Indonesian ``selesai``/``sedang berjalan``); ``date_from`` and ``date_to``
    are inclusive calendar days in the agency's time zone, compared with the
    completion date of completed rows and the enrolment date of the others.
    Raises ReportError (a ValueError) for an unknown status or ``date_from``
    after ``date_to``.
    """

    course: str | None = None
    unit: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUS_FILTERS:
            raise ReportError("status", N_("%(field)s: unknown status %(value)r: use completed "
                                           "or in_progress."), value=self.status)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ReportError("from", N_("%(field)s %(start)s is after %(to)s %(end)s."),
                              start=self.date_from.isoformat(), end=self.date_to.isoformat())

    @property
    def status_code(self) -> str | None:
        """``completed``, ``in_progress`` or None."""
        return STATUS_FILTERS[self.status] if self.status else None


@dataclass(frozen=True)
class JpFilters:
    """Who the yearly JP report lists: ``year``, optionally one unit, optionally only
    those below the target."""

    year: int
    unit: str | None = None
    below_target_only: bool = False


# --- the parser --------------------------------------------------------------------------------

def _text(values: Mapping[str, str | None], name: str) -> str:
    return (values.get(name) or "").strip()


def _day(values: Mapping[str, str | None], name: str) -> date | None:
    value = _text(values, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportError(name, N_("%(field)s: %(value)r is not a date in the form YYYY-MM-DD."),
                          value=value) from None


def _course(values: Mapping[str, str | None]) -> str | None:
    slug = _text(values, "course")
    if slug and db.session.scalar(sa.select(Course.id).where(Course.slug == slug)) is None:
        raise ReportError("course", N_("%(field)s: unknown course slug %(value)r."), value=slug)
    return slug or None


def _unit(values: Mapping[str, str | None]) -> str | None:
    """A known unit code (codes are upper case; the typed case does not matter)."""
    code = _text(values, "unit").upper()
    if code and db.session.scalar(sa.select(Unit.id).where(Unit.code == code)) is None:
        raise ReportError("unit", N_("%(field)s: unknown unit code %(value)r."), value=code)
    return code or None


def this_year(tz: str) -> int:
    """The current calendar year in the time zone ``tz``."""
    return datetime.now(ZoneInfo(tz)).year


def _year(values: Mapping[str, str | None], tz: str) -> int:
    value = _text(values, "year")
    if not value:
        return this_year(tz)
    try:
        year = int(value)
    except ValueError:
        year = None
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise ReportError("year", N_("%(field)s: %(value)r is not a year from %(min)d to "
                                     "%(max)d."), value=value, min=YEAR_MIN, max=YEAR_MAX)
    return year


def parse_completion_filters(values: Mapping[str, str | None]) -> CompletionFilters:
    """Checked filters of a completion list from strings (blank or missing: no filter).

    Checks, in this order: the course exists, the unit exists, the dates are
    ``YYYY-MM-DD``, the status is known and ``from`` is not after ``to``.
    Raises ReportError for the first that fails.
    """
    course, unit = _course(values), _unit(values)
    date_from, date_to = _day(values, "from"), _day(values, "to")
    return CompletionFilters(course=course, unit=unit, status=_text(values, "status") or None,
                             date_from=date_from, date_to=date_to)


def parse_jp_filters(values: Mapping[str, str | None], tz: str) -> JpFilters:
    """Checked filters of the yearly JP report: ``year`` (this year in ``tz`` when blank),
    ``unit`` and ``below`` (``"1"`` for only those below the target)."""
    return JpFilters(year=_year(values, tz), unit=_unit(values),
                     below_target_only=_text(values, "below") == "1")
