"""Completion lists and figures per course, unit and person: pure query services.

Every figure comes from a fixed number of grouped queries whatever the number
of learners: progress and best scores are aggregated once per learner and
course in ``GROUP BY`` subqueries and joined to the enrolments, never looked
up row by row. Long lists are generators over a streamed result
(``yield_per``), so an export of 100 000 rows never holds them all in memory.

Definitions (the same in every report and export):

* one row per enrolment (learner and course);
* status ``selesai`` when the learner has a CourseCompletion for the course,
  ``sedang berjalan`` otherwise;
* progress: done / total *published, not retired* modules of the course;
* best score: the average of the learner's best quiz scores
  (``ModuleProgress.best_score``) on the course's published modules, or
  empty when no quiz was attempted;
* the date of a row, used by date filters and by yearly reports, is the
  completion date for completed rows and the enrolment date otherwise, as a
  calendar day in the agency's time zone (Asia/Jakarta).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..learning.completion import year_bounds
from ..models import (
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    Module,
    ModuleProgress,
    Unit,
    User,
)

DEFAULT_TZ = "Asia/Jakarta"
#: Rows fetched from the database at a time by the streaming lists.
BATCH = 1000

STATUS_COMPLETED = "selesai"
STATUS_IN_PROGRESS = "sedang berjalan"
#: Accepted filter values and the status they select.
STATUS_FILTERS = {
    "completed": "completed", STATUS_COMPLETED: "completed",
    "in_progress": "in_progress", STATUS_IN_PROGRESS: "in_progress",
}


@dataclass(frozen=True)
class CompletionFilters:
    """Which enrolments a list or export covers; every field is optional.

    ``course`` is a course slug, ``unit`` a unit code (of the learner's
    current unit), ``status`` one of ``completed``/``in_progress`` (or the
    Indonesian ``selesai``/``sedang berjalan``); ``date_from`` and ``date_to``
    are inclusive calendar days in the agency's time zone, compared with the
    completion date of completed rows and the enrolment date of the others.
    Raises ValueError for an unknown status or ``date_from`` after ``date_to``.
    """

    course: str | None = None
    unit: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUS_FILTERS:
            raise ValueError(f"unknown status {self.status!r}: use completed or in_progress")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")

    @property
    def status_code(self) -> str | None:
        """``completed``, ``in_progress`` or None."""
        return STATUS_FILTERS[self.status] if self.status else None


class CompletionRow(NamedTuple):
    """One learner on one course, as listed and exported."""

    nip: str
    name: str
    unit_name: str | None
    position: str | None
    grade: str | None
    course_title: str
    #: Lesson hours: credited at completion, else the course's current JP.
    jp: int
    #: ``selesai`` or ``sedang berjalan``.
    status: str
    #: Whole percent of published modules done.
    progress: int
    #: Average of the best quiz scores, one decimal, or None.
    best_score: float | None
    #: Local (time-zone aware) enrolment time.
    enrolled_at: datetime
    #: Local (time-zone aware) completion time, or None.
    completed_at: datetime | None
    #: Number of the current certificate (not replaced), or None.
    certificate_number: str | None
    #: valid or revoked (None without certificate).
    certificate_status: str | None
    course_slug: str
    unit_code: str | None


@dataclass
class ReportFigures:
    """Enrolments of a course or unit and how far they got."""

    enrolled: int = 0
    completed: int = 0
    #: Average of the learners' best scores (one decimal), None without any score.
    average_score: float | None = None

    @property
    def in_progress(self) -> int:
        return self.enrolled - self.completed

    @property
    def completion_rate(self) -> float:
        """Percent of enrolments completed, one decimal; 0.0 without enrolments."""
        return round(100 * self.completed / self.enrolled, 1) if self.enrolled else 0.0


@dataclass
class CourseReportRow(ReportFigures):
    slug: str = ""
    title: str = ""
    jp: int = 0
    #: draft or published
    course_status: str = ""


@dataclass
class UnitReportRow(ReportFigures):
    """A unit; ``code`` and ``name`` are None for learners without a unit."""

    code: str | None = None
    name: str | None = None


class JpRow(NamedTuple):
    nip: str
    name: str
    unit_code: str | None
    unit_name: str | None
    position: str | None
    grade: str | None
    #: Lesson hours credited by completions in the year.
    jp: int
    target: int
    meets_target: bool


# --- building blocks -------------------------------------------------------------------------

def _published():
    return (Module.status == "published") & Module.retired_at.is_(None)


def _module_totals():
    """Published module count per course."""
    return (sa.select(Module.course_id.label("course_id"), sa.func.count().label("total"))
            .where(_published()).group_by(Module.course_id).subquery("module_totals"))


def _learner_progress():
    """Per learner and course: published modules done and the average best quiz score."""
    return (sa.select(ModuleProgress.user_id.label("user_id"),
                      Module.course_id.label("course_id"),
                      sa.func.count(ModuleProgress.completed_at).label("done"),
                      sa.func.avg(ModuleProgress.best_score).label("best_score"))
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(_published())
            .group_by(ModuleProgress.user_id, Module.course_id)
            .subquery("learner_progress"))


def _completion_join():
    return ((CourseCompletion.user_id == Enrollment.user_id)
            & (CourseCompletion.course_id == Enrollment.course_id))


def _utc(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight starting ``day``, as a UTC instant."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _row_date():
    """The instant a row is dated by: its completion, else its enrolment."""
    return sa.func.coalesce(CourseCompletion.completed_at, Enrollment.enrolled_at)


def _date_conditions(start: date | None, end: date | None, tz: str) -> list:
    zone = ZoneInfo(tz)
    conditions = []
    if start is not None:
        conditions.append(_row_date() >= _utc(start, zone))
    if end is not None:
        conditions.append(_row_date() < _utc(end + timedelta(days=1), zone))
    return conditions


def _year_conditions(year: int | None, tz: str) -> list:
    if year is None:
        return []
    start, end = year_bounds(year, tz)
    return [_row_date() >= start, _row_date() < end]


def _filter_conditions(filters: CompletionFilters, tz: str) -> list:
    conditions = []
    if filters.course:
        conditions.append(Course.slug == filters.course.strip())
    if filters.unit:
        conditions.append(Unit.code == filters.unit.strip().upper())
    if filters.status_code == "completed":
        conditions.append(CourseCompletion.id.is_not(None))
    elif filters.status_code == "in_progress":
        conditions.append(CourseCompletion.id.is_(None))
    conditions += _date_conditions(filters.date_from, filters.date_to, tz)
    return conditions


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def _score(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _unit_order():
    """Units by name, learners without a unit last (the same on SQLite and PostgreSQL)."""
    return (Unit.name.is_(None), Unit.name)


# --- completion list -------------------------------------------------------------------------

def completion_select(filters: CompletionFilters, tz: str = DEFAULT_TZ) -> sa.Select:
    """The completion list as one statement (enrolments with everything joined)."""
    totals, learner = _module_totals(), _learner_progress()
    stmt = (
        sa.select(
            User.nip, User.full_name, Unit.name.label("unit_name"), User.position, User.grade,
            Course.title, sa.func.coalesce(CourseCompletion.jp, Course.jp).label("jp"),
            sa.func.coalesce(learner.c.done, 0).label("done"),
            sa.func.coalesce(totals.c.total, 0).label("total"),
            learner.c.best_score, Enrollment.enrolled_at, CourseCompletion.completed_at,
            CourseCompletion.id.label("completion_id"),
            Certificate.number.label("certificate_number"),
            Certificate.status.label("certificate_status"),
            Course.slug.label("course_slug"), Unit.code.label("unit_code"))
        .select_from(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(CourseCompletion, _completion_join())
        .outerjoin(Certificate, (Certificate.user_id == Enrollment.user_id)
                   & (Certificate.course_id == Enrollment.course_id)
                   & (Certificate.status != "replaced"))
        .outerjoin(totals, totals.c.course_id == Enrollment.course_id)
        .outerjoin(learner, (learner.c.user_id == Enrollment.user_id)
                   & (learner.c.course_id == Enrollment.course_id))
        .where(*_filter_conditions(filters, tz))
        .order_by(*_unit_order(), User.full_name, User.nip, Course.title, Enrollment.id)
    )
    return stmt


def completion_rows(filters: CompletionFilters | None = None,
                    tz: str = DEFAULT_TZ) -> Iterator[CompletionRow]:
    """Every enrolment matching ``filters``, streamed ``BATCH`` rows at a time."""
    filters = filters or CompletionFilters()
    zone = ZoneInfo(tz)
    result = db.session.execute(completion_select(filters, tz).execution_options(
        yield_per=BATCH))
    try:
        for r in result:
            completed = r.completion_id is not None
            yield CompletionRow(
                nip=r.nip, name=r.full_name, unit_name=r.unit_name, position=r.position,
                grade=r.grade, course_title=r.title, jp=int(r.jp),
                status=STATUS_COMPLETED if completed else STATUS_IN_PROGRESS,
                progress=round(100 * r.done / r.total) if r.total else 0,
                best_score=_score(r.best_score),
                enrolled_at=_local(r.enrolled_at, zone),
                completed_at=_local(r.completed_at, zone),
                certificate_number=r.certificate_number,
                certificate_status=r.certificate_status,
                course_slug=r.course_slug, unit_code=r.unit_code)
    finally:
        result.close()


def certificate_ids(filters: CompletionFilters, tz: str = DEFAULT_TZ) -> sa.Select:
    """Ids of the current *valid* certificates of the enrolments matching ``filters``."""
    return (
        sa.select(Certificate.id)
        .select_from(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .join(CourseCompletion, _completion_join())
        .join(Certificate, (Certificate.user_id == Enrollment.user_id)
              & (Certificate.course_id == Enrollment.course_id))
        .where(Certificate.status == "valid", *_filter_conditions(filters, tz))
        .order_by(Certificate.nip, Certificate.number)
    )


# --- figures per course and per unit ---------------------------------------------------------

def _enrolment_facts(year: int | None, tz: str):
    """One row per enrolment: course, the learner's unit, completed 0/1, best score."""
    learner = _learner_progress()
    completed = sa.case((CourseCompletion.id.is_not(None), 1), else_=0)
    return (sa.select(Enrollment.course_id.label("course_id"), User.unit_id.label("unit_id"),
                      completed.label("completed"), learner.c.best_score.label("best_score"))
            .select_from(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .outerjoin(CourseCompletion, _completion_join())
            .outerjoin(learner, (learner.c.user_id == Enrollment.user_id)
                       & (learner.c.course_id == Enrollment.course_id))
            .where(*_year_conditions(year, tz))
            .subquery("facts"))


def _figures_by(key: str, year: int | None, tz: str) -> dict:
    facts = _enrolment_facts(year, tz)
    column = facts.c[key]
    stmt = (sa.select(column, sa.func.count(), sa.func.coalesce(sa.func.sum(facts.c.completed), 0),
                      sa.func.avg(facts.c.best_score))
            .group_by(column))
    return {k: (int(n), int(done), _score(avg)) for k, n, done, avg in db.session.execute(stmt)}


def course_report(year: int | None = None, tz: str = DEFAULT_TZ) -> list[CourseReportRow]:
    """Every course by title with its figures (only rows dated in ``year`` when given)."""
    figures = _figures_by("course_id", year, tz)
    rows = []
    for course in db.session.execute(
            sa.select(Course.id, Course.slug, Course.title, Course.jp, Course.status)
            .order_by(Course.title, Course.slug)):
        enrolled, completed, score = figures.get(course.id, (0, 0, None))
        rows.append(CourseReportRow(enrolled=enrolled, completed=completed, average_score=score,
                                    slug=course.slug, title=course.title, jp=course.jp,
                                    course_status=course.status))
    return rows


def unit_report(year: int | None = None, tz: str = DEFAULT_TZ) -> list[UnitReportRow]:
    """Every unit by name with its learners' figures (only rows dated in ``year`` when given).

    Enrolments of learners without a unit come last, in a row whose code and
    name are None, only when there are some.
    """
    figures = _figures_by("unit_id", year, tz)
    rows = []
    for unit in db.session.execute(sa.select(Unit.id, Unit.code, Unit.name)
                                   .order_by(Unit.name, Unit.code)):
        enrolled, completed, score = figures.get(unit.id, (0, 0, None))
        rows.append(UnitReportRow(enrolled=enrolled, completed=completed, average_score=score,
                                  code=unit.code, name=unit.name))
    if None in figures:
        enrolled, completed, score = figures[None]
        rows.append(UnitReportRow(enrolled=enrolled, completed=completed, average_score=score))
    return rows


# --- yearly JP -------------------------------------------------------------------------------

def jp_report(year: int, tz: str = DEFAULT_TZ, below_target_only: bool = False,
              unit_code: str | None = None, target: int = 20) -> Iterator[JpRow]:
    """Every active user with the JP credited in calendar ``year`` (local time), in one query.

    JP is the sum of ``CourseCompletion.jp`` of completions inside the year's
    bounds in ``tz``. Ordered by unit name (no unit last), then name.
    """
    start, end = year_bounds(year, tz)
    credited = (sa.select(CourseCompletion.user_id.label("user_id"),
                          sa.func.sum(CourseCompletion.jp).label("jp"))
                .where(CourseCompletion.completed_at >= start, CourseCompletion.completed_at < end)
                .group_by(CourseCompletion.user_id)
                .subquery("credited"))
    jp = sa.func.coalesce(credited.c.jp, 0)
    stmt = (sa.select(User.nip, User.full_name, Unit.code, Unit.name, User.position, User.grade,
                      jp.label("jp"))
            .select_from(User)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .outerjoin(credited, credited.c.user_id == User.id)
            .where(User.active.is_(True))
            .order_by(*_unit_order(), User.full_name, User.nip))
    if unit_code:
        stmt = stmt.where(Unit.code == unit_code.strip().upper())
    if below_target_only:
        stmt = stmt.where(jp < target)
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    try:
        for r in result:
            total = int(r.jp)
            yield JpRow(r.nip, r.full_name, r.code, r.name, r.position, r.grade, total, target,
                        total >= target)
    finally:
        result.close()


# --- chart -----------------------------------------------------------------------------------

#: Chart geometry in viewBox units (the SVG scales to its container's width).
_WIDTH, _BAR_WIDTH, _ROW, _LABEL_MAX = 360, 290, 40, 48
_GREEN, _TRACK, _INK = "#0b5d3b", "#e3ebe7", "#1b1f24"
NO_UNIT_LABEL = "Tanpa unit kerja"


def _short(text: str, limit: int = _LABEL_MAX) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def unit_completion_svg(unit_rows: Iterable[UnitReportRow],
                        title: str = "Tingkat penyelesaian kursus per unit kerja") -> str:
    """A horizontal bar chart of completion rate per unit, as an inline SVG string.

    Made on the server (no script): one labelled bar per unit with its
    percentage as text, a ``<title>`` and ``<desc>`` for screen readers, and a
    viewBox with ``width="100%"`` so it fits a 360 px wide screen. Unit names
    are escaped; long ones are shortened on screen and given in full in the
    bar's own ``<title>``.
    """
    rows = list(unit_rows)
    height = max(1, len(rows)) * _ROW + 8
    summary = "; ".join(
        f"{row.name or NO_UNIT_LABEL}: {row.completion_rate:.0f}% "
        f"({row.completed} dari {row.enrolled} peserta selesai)" for row in rows
    ) or "Belum ada data."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="unit-chart" width="100%" '
        f'viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="unit-chart-title unit-chart-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="unit-chart-title">{escape(title)}</title>',
        f'<desc id="unit-chart-desc">{escape(summary)}</desc>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="20" fill="{_INK}">Belum ada data.</text>')
    for i, row in enumerate(rows):
        top = i * _ROW + 4
        name = row.name or NO_UNIT_LABEL
        rate = max(0.0, min(100.0, row.completion_rate))
        percent = f"{rate:.0f}%"
        bar = round(_BAR_WIDTH * rate / 100, 1)
        parts += [
            '<g>',
            f'<title>{escape(name)}: {percent} ({row.completed} dari {row.enrolled} '
            f'peserta selesai)</title>',
            f'<text x="0" y="{top + 12}" fill="{_INK}">{escape(_short(name))}</text>',
            f'<rect x="0" y="{top + 17}" width="{_BAR_WIDTH}" height="14" rx="2" '
            f'fill="{_TRACK}"/>',
            f'<rect x="0" y="{top + 17}" width="{bar}" height="14" rx="2" fill="{_GREEN}"/>',
            f'<text x="{_WIDTH - 2}" y="{top + 29}" text-anchor="end" fill="{_INK}" '
            f'font-weight="bold">{percent}</text>',
            '</g>',
        ]
    parts.append('</svg>')
    return "\n".join(parts)
