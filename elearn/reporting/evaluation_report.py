"""The periodic evaluation report: participation, completion, pre/post gain and what
learners said of each course, per course, per unit and in total, for a calendar
year or one quarter of it.

Definitions (the same on the page, in the exports and on the command line):

* the period is a calendar year, or its quarter Q1-Q4, in the installation's time
  zone (``TIMEZONE``), like ``learning.completion.year_bounds``;
* participants: enrolments whose ``enrolled_at`` falls in the period (one per
  learner and course; every enrolment counts, as in the other reports);
* completed: those participants who have a completion of the course, whatever
  its date; completion rate = completed / participants;
* pre-test score: the learner's best score on the course's pre-test (its first
  published, not retired module of role ``pretest`` by position); post-test
  score: the best score on the course's last counted quiz by position (kind
  ``quiz``, role ``graded``, published, not retired), as the course page's
  ``course_view.pre_post_scores``; gain = post - pre, averaged over the
  participants who have both scores (their count and mean pre and post scores
  are given too, so mean post - mean pre = mean gain);
* evaluations: the participants' evaluations of the course; each question of the
  installation's set (in the set's order) is averaged over the evaluations that
  rated it; the mean rating is the unweighted mean of those question averages;
  response rate = evaluations / completed (an evaluation is only given after
  completing the course);
* a unit is the learner's current unit (``users.unit_id``); people without a unit
  share one "no unit" row, listed last;
* only courses and units with participants in the period are listed.

Every figure comes from SQL aggregates: three grouped statements (per course, per
unit, in total) whatever the number of learners, built once per process and
question set, with the period's bounds as bind parameters. Averages are
rounded: scores and gain to one decimal, ratings to two, rates (percent) to one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..errors import N_
from ..extensions import db
from ..learning.completion import year_bounds
from ..models import (
    Course,
    CourseCompletion,
    CourseEvaluation,
    Enrollment,
    EvaluationRating,
    Module,
    ModuleProgress,
    Unit,
    User,
)
from .filters import ReportError, _text, _year
from .queries import unit_order

QUARTERS = (1, 2, 3, 4)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class QuestionLike(Protocol):
    """An evaluation question (``learning.evaluation.Question``)."""

    key: str

    def text(self, locale: str) -> str: ...


# --- the period --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A calendar year, or one quarter (1-4) of it."""

    year: int
    quarter: int | None = None

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """Its first instant and the first instant after it, local to ``tz``, in UTC."""
        if self.quarter is None:
            return year_bounds(self.year, tz)
        zone, first = ZoneInfo(tz), 3 * self.quarter - 2
        start = datetime(self.year, first, 1, tzinfo=zone)
        end = (datetime(self.year + 1, 1, 1, tzinfo=zone) if self.quarter == 4
               else datetime(self.year, first + 3, 1, tzinfo=zone))
        return start.astimezone(UTC), end.astimezone(UTC)

    @property
    def slug(self) -> str:
        """For file names: ``2026`` or ``2026-q4``."""
        return f"{self.year}-q{self.quarter}" if self.quarter else str(self.year)

    @property
    def official_name(self) -> str:
        """As the exports (Indonesian documents) name it: ``Triwulan IV 2026``."""
        return (f"Triwulan {ROMAN[self.quarter]} {self.year}" if self.quarter
                else f"Tahun {self.year}")


def _quarter(values: Mapping[str, str | None]) -> int | None:
    value = _text(values, "quarter")
    if not value:
        return None
    digits = value.upper().removeprefix("Q")
    if digits not in {str(q) for q in QUARTERS}:
        raise ReportError("quarter", N_("%(field)s: %(value)r is not a quarter: use 1, 2, 3 or "
                                        "4, or leave it empty for the whole year."), value=value)
    return int(digits)


def parse_evaluation_filters(values: Mapping[str, str | None], tz: str) -> Period:
    """The period from strings: ``year`` (this year in ``tz`` when blank) and ``quarter``
    (1-4 or Q1-Q4; blank for the whole year). Raises ReportError naming the input."""
    return Period(year=_year(values, tz), quarter=_quarter(values))


# --- the figures ---------------------------------------------------------------------------------

def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rounded(value, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


@dataclass(frozen=True)
class EvaluationFigures:
    """The figures of one course, one unit or everyone (see the module's definitions)."""

    participants: int
    completed: int
    #: Participants with both a pre-test and a post-test score.
    with_scores: int
    average_pre: float | None
    average_post: float | None
    average_gain: float | None
    evaluations: int
    #: The average rating of each question of the set, in the set's order.
    ratings: tuple[float | None, ...]
    #: The unweighted mean of ``ratings`` (those with a value).
    mean_rating: float | None

    @property
    def completion_rate(self) -> float | None:
        """Percent of participants who completed; None without participants."""
        return _rate(self.completed, self.participants)

    @property
    def response_rate(self) -> float | None:
        """Evaluations per completion, in percent; None without completions."""
        return _rate(self.evaluations, self.completed)

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> EvaluationFigures:
        """From the aggregate columns of ``_statement``, in their order."""
        participants, completed, with_scores, pre, post, gain, evaluations, *ratings = row
        given = [float(r) for r in ratings if r is not None]
        return cls(int(participants), int(completed), int(with_scores), _rounded(pre, 1),
                   _rounded(post, 1), _rounded(gain, 1), int(evaluations),
                   tuple(_rounded(r, 2) for r in ratings),
                   round(sum(given) / len(given), 2) if given else None)


@dataclass(frozen=True)
class CourseEvaluationRow(EvaluationFigures):
    slug: str = ""
    title: str = ""


@dataclass(frozen=True)
class UnitEvaluationRow(EvaluationFigures):
    """A unit; ``code`` and ``name`` are None for the people without a unit."""

    code: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class EvaluationReport:
    period: Period
    questions: tuple[QuestionLike, ...]
    #: Courses with participants in the period, by title.
    courses: list[CourseEvaluationRow]
    #: Units with participants in the period, by name; the "no unit" row last.
    units: list[UnitEvaluationRow]
    total: EvaluationFigures


def _ranked(name: str, condition, order) -> sa.Subquery:
    """Per course, the modules meeting ``condition`` ranked by ``order`` (``place`` 1 first)."""
    place = sa.func.row_number().over(partition_by=Module.course_id, order_by=order)
    return (sa.select(Module.course_id, Module.id, place.label("place")).where(condition)
            .subquery(name))


def _aggregates(keys: tuple[str, ...]) -> tuple[list, Any]:
    """The aggregate columns (in ``EvaluationFigures.from_row`` order) and a function adding
    the joins they read to a statement over enrolments."""
    pretest = _ranked("pretest", Module.for_learners_condition() & (Module.role == "pretest"),
                      (Module.position, Module.id))
    posttest = _ranked("posttest", Module.counts_condition() & (Module.kind == "quiz"),
                       (Module.position.desc(), Module.id.desc()))
    pre, post = aliased(ModuleProgress, name="pre"), aliased(ModuleProgress, name="post")
    ratings = [aliased(EvaluationRating, name=f"rating_{i}") for i in range(len(keys))]
    both = pre.best_score.is_not(None) & post.best_score.is_not(None)
    columns = [
        sa.func.count().label("participants"),
        sa.func.count(CourseCompletion.id).label("completed"),
        sa.func.count(sa.case((both, 1))).label("with_scores"),
        sa.func.avg(sa.case((both, pre.best_score))).label("average_pre"),
        sa.func.avg(sa.case((both, post.best_score))).label("average_post"),
        sa.func.avg(sa.case((both, post.best_score - pre.best_score))).label("average_gain"),
        sa.func.count(CourseEvaluation.id).label("evaluations"),
        *[sa.func.avg(r.rating).label(f"average_rating_{i}") for i, r in enumerate(ratings)]]

    def joined(stmt: sa.Select) -> sa.Select:
        # Each join finds at most one row per enrolment: nothing is counted twice.
        course, user = Enrollment.course_id, Enrollment.user_id
        stmt = (stmt
                .outerjoin(CourseCompletion, (CourseCompletion.course_id == course)
                           & (CourseCompletion.user_id == user))
                .outerjoin(pretest, (pretest.c.course_id == course) & (pretest.c.place == 1))
                .outerjoin(pre, (pre.module_id == pretest.c.id) & (pre.user_id == user))
                .outerjoin(posttest, (posttest.c.course_id == course) & (posttest.c.place == 1))
                .outerjoin(post, (post.module_id == posttest.c.id) & (post.user_id == user))
                .outerjoin(CourseEvaluation, (CourseEvaluation.course_id == course)
                           & (CourseEvaluation.user_id == user)))
        for key, rating in zip(keys, ratings, strict=True):
            stmt = stmt.outerjoin(rating, (rating.evaluation_id == CourseEvaluation.id)
                                  & (rating.question_key == key))
        return stmt

    return columns, joined


#: What each report groups by: the columns it selects first, and its order.
GROUPS = {
    "course": ((Course.id, Course.slug, Course.title), (Course.title, Course.slug)),
    "unit": ((Unit.id, Unit.code, Unit.name), (*unit_order(), Unit.code)),
    "total": ((), ()),
}


@cache
def _statement(group: str, keys: tuple[str, ...]) -> sa.Select:
    """The figures of the enrolments made between the bind parameters ``start`` and
    ``end``, grouped by ``group`` (see ``GROUPS``), for the question ``keys``."""
    keyed, order = GROUPS[group]
    columns, joined = _aggregates(keys)
    stmt = (sa.select(*keyed, *columns).select_from(Enrollment)
            .join(User, User.id == Enrollment.user_id))
    if group == "course":
        stmt = stmt.join(Course, Course.id == Enrollment.course_id)
    elif group == "unit":
        stmt = stmt.outerjoin(Unit, Unit.id == User.unit_id)
    stmt = joined(stmt).where(Enrollment.enrolled_at >= sa.bindparam("start"),
                              Enrollment.enrolled_at < sa.bindparam("end"))
    return stmt.group_by(*keyed).order_by(*order) if keyed else stmt


def evaluation_report(period: Period, questions: Sequence[QuestionLike],
                      tz: str) -> EvaluationReport:
    """The figures of ``period`` (local to ``tz``) per course, per unit and in total, the
    ratings by the ``questions`` (the installation's set, in order): three statements."""
    keys = tuple(q.key for q in questions)
    start, end = period.bounds(tz)
    params = {"start": start, "end": end}

    def rows(group: str):
        return db.session.execute(_statement(group, keys), params).all()

    # A course's or unit's row starts with its id, code and name.
    courses = [CourseEvaluationRow(**vars(EvaluationFigures.from_row(r[3:])), slug=r[1],
                                   title=r[2]) for r in rows("course")]
    units = [UnitEvaluationRow(**vars(EvaluationFigures.from_row(r[3:])), code=r[1],
                               name=r[2]) for r in rows("unit")]
    total = EvaluationFigures.from_row(rows("total")[0])
    return EvaluationReport(period, tuple(questions), courses, units, total)


# --- the export ----------------------------------------------------------------------------------

#: Sections of the export, in its ``Bagian`` column.
SECTION_COURSE, SECTION_UNIT, SECTION_TOTAL = "Kursus", "Unit Kerja", "Total"
NO_UNIT, EVERYONE = "Tanpa unit kerja", "Semua peserta"
EXPORT_HEADER = (
    "Periode", "Bagian", "Kode", "Nama", "Peserta", "Selesai", "Tingkat Penyelesaian (%)",
    "Peserta dengan Pre-test dan Post-test", "Rata-rata Pre-test", "Rata-rata Post-test",
    "Rata-rata Peningkatan", "Evaluasi", "Tingkat Respons (%)", "Rata-rata Penilaian")


def export_header(report: EvaluationReport) -> tuple[str, ...]:
    """``EXPORT_HEADER`` then one column per question (its Indonesian text)."""
    return (*EXPORT_HEADER, *(q.text("id") for q in report.questions))


def _figures(f: EvaluationFigures) -> list:
    return [f.participants, f.completed, f.completion_rate, f.with_scores, f.average_pre,
            f.average_post, f.average_gain, f.evaluations, f.response_rate, f.mean_rating,
            *f.ratings]


def export_rows(report: EvaluationReport) -> Iterator[list]:
    """One sheet: the courses, then the units, then the total, each row naming its
    section (``Kursus``, ``Unit Kerja``, ``Total``); figures without a value are empty."""
    name = report.period.official_name
    for c in report.courses:
        yield [name, SECTION_COURSE, c.slug, c.title, *_figures(c)]
    for u in report.units:
        yield [name, SECTION_UNIT, u.code, u.name or NO_UNIT, *_figures(u)]
    yield [name, SECTION_TOTAL, None, EVERYONE, *_figures(report.total)]
