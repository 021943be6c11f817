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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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
from . import report_cells
from .filters import STATUS_COMPLETED, STATUS_IN_PROGRESS, CompletionFilters

DEFAULT_TZ = "Asia/Jakarta"
#: Rows fetched from the database at a time by the streaming lists.
BATCH = 1000


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


# --- building blocks -------------------------------------------------------------------------

def _module_totals():
    """Count of the modules that completion takes, per course (pre-tests left out)."""
    return (sa.select(Module.course_id.label("course_id"), sa.func.count().label("total"))
            .where(Module.counts_condition()).group_by(Module.course_id).subquery("module_totals"))


def _learner_progress(user_ids=None):
    """Per learner and course: published modules done and the average best quiz score
    (of the learners ``user_ids`` only, when given)."""
    stmt = (sa.select(ModuleProgress.user_id.label("user_id"),
                      Module.course_id.label("course_id"),
                      sa.func.count(ModuleProgress.completed_at).label("done"),
                      sa.func.avg(ModuleProgress.best_score).label("best_score"))
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(Module.counts_condition()))
    if user_ids is not None:
        stmt = stmt.where(ModuleProgress.user_id.in_(user_ids))
    return (stmt.group_by(ModuleProgress.user_id, Module.course_id)
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


def _with_learner_and_course(stmt: sa.Select) -> sa.Select:
    """``stmt`` over enrolments joined to what the filters look at: learner, course, unit."""
    return (stmt.select_from(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .join(Course, Course.id == Enrollment.course_id)
            .outerjoin(Unit, Unit.id == User.unit_id))


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


def _score(value) -> float | None:
    return None if value is None else round(float(value), 1)


def unit_order():
    """Units by name, learners without a unit last (the same on SQLite and PostgreSQL)."""
    return (Unit.name.is_(None), Unit.name)


# --- completion list -------------------------------------------------------------------------

def completion_select(filters: CompletionFilters, tz: str = DEFAULT_TZ) -> sa.Select:
    """The completion list as one statement (enrolments with everything joined)."""
    totals, learner = _module_totals(), _learner_progress()
    columns = (
        sa.select(
            User.nip, User.full_name, Unit.name.label("unit_name"), User.position, User.grade,
            Course.title, sa.func.coalesce(CourseCompletion.jp, Course.jp).label("jp"),
            sa.func.coalesce(learner.c.done, 0).label("done"),
            sa.func.coalesce(totals.c.total, 0).label("total"),
            learner.c.best_score, Enrollment.enrolled_at, CourseCompletion.completed_at,
            CourseCompletion.id.label("completion_id"),
            Certificate.number.label("certificate_number"),
            Certificate.status.label("certificate_status"),
            Course.slug.label("course_slug"), Unit.code.label("unit_code")))
    return (
        _with_learner_and_course(columns)
        .outerjoin(CourseCompletion, _completion_join())
        .outerjoin(Certificate, (Certificate.user_id == Enrollment.user_id)
                   & (Certificate.course_id == Enrollment.course_id)
                   & Certificate.current())
        .outerjoin(totals, totals.c.course_id == Enrollment.course_id)
        .outerjoin(learner, (learner.c.user_id == Enrollment.user_id)
                   & (learner.c.course_id == Enrollment.course_id))
        .where(*_filter_conditions(filters, tz))
        .order_by(*unit_order(), User.full_name, User.nip, Course.title, Enrollment.id)
    )


def completion_tuples(filters: CompletionFilters | None = None,
                      tz: str = DEFAULT_TZ) -> Iterator[tuple]:
    """Every enrolment matching ``filters`` as a plain tuple in ``CompletionRow`` order,
    streamed ``BATCH`` rows at a time: the exports' fast path (no object per row)."""
    filters = filters or CompletionFilters()
    zone = ZoneInfo(tz)
    # Core, not the ORM: the statement selects columns only, and the ORM's per-row
    # bookkeeping would cost more than the query itself on a 100 000-row export.
    result = db.session.connection().execute(
        completion_select(filters, tz).execution_options(yield_per=BATCH))
    try:
        for (nip, name, unit_name, position, grade, title, jp, done, total, best_score,
             enrolled_at, completed_at, completion_id, number, cert_status, slug,
             unit_code) in result:
            if enrolled_at.tzinfo is None:  # SQLite hands back naive UTC
                enrolled_at = enrolled_at.replace(tzinfo=UTC)
            if completed_at is not None and completed_at.tzinfo is None:
                completed_at = completed_at.replace(tzinfo=UTC)
            yield (nip, name, unit_name, position, grade, title, int(jp),
                   STATUS_IN_PROGRESS if completion_id is None else STATUS_COMPLETED,
                   round(100 * done / total) if total else 0,
                   None if best_score is None else round(float(best_score), 1),
                   enrolled_at.astimezone(zone),
                   None if completed_at is None else completed_at.astimezone(zone),
                   number, cert_status, slug, unit_code)
    finally:
        result.close()


def completion_rows(filters: CompletionFilters | None = None,
                    tz: str = DEFAULT_TZ) -> Iterator[CompletionRow]:
    """Every enrolment matching ``filters``, streamed ``BATCH`` rows at a time."""
    return map(CompletionRow._make, completion_tuples(filters, tz))


def certificate_ids(filters: CompletionFilters, tz: str = DEFAULT_TZ) -> sa.Select:
    """Ids of the current *valid* certificates of the enrolments matching ``filters``."""
    return (
        _with_learner_and_course(sa.select(Certificate.id))
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
    return _course_rows(_figures_by("course_id", year, tz))


def _course_rows(figures: dict) -> list[CourseReportRow]:
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
    return _unit_rows(_figures_by("unit_id", year, tz))


def _unit_rows(figures: dict) -> list[UnitReportRow]:
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


# --- the reports page ------------------------------------------------------------------------

def units_by_code() -> list[Unit]:
    """Every unit, for a filter's choices."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.code)))


@dataclass
class ReportsOverview:
    """The figures per course and per unit, and the choices of the export filters."""

    courses: list[CourseReportRow]
    units: list[UnitReportRow]
    #: The courses by title (each has ``slug`` and ``title``).
    course_choices: list[CourseReportRow]
    unit_choices: list[Unit]


def reports_overview(tz: str = DEFAULT_TZ) -> ReportsOverview:
    """Everything the reports page lists, for all years: the figures summed from the
    maintained cells (``report_cells``), equal to ``course_report()`` and
    ``unit_report()`` but read at a cost that does not grow with the learners. Stale
    cells are recomputed and written: the caller commits."""
    by_course, by_unit = report_cells.figures_by_course_and_unit()
    courses = _course_rows(by_course)
    return ReportsOverview(courses=courses, units=_unit_rows(by_unit),
                           course_choices=courses, unit_choices=units_by_code())
