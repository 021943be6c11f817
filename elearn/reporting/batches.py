"""The completion list in learner batches, for the exports (see ``completion_batches``).

Same rows, order and definitions as ``queries.completion_rows`` (tests compare
them), built from the same pieces.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

import sqlalchemy as sa

from ..extensions import db
from ..models import Certificate, Course, CourseCompletion, Enrollment, Unit, User
from .filters import CompletionFilters
from .queries import (
    DEFAULT_TZ,
    _completion_join,
    _date_conditions,
    _learner_progress,
    _module_totals,
    unit_order,
)

#: Learners per statement of ``completion_batches``.
EXPORT_LEARNERS = 250


class LearnerRows(NamedTuple):
    """One learner's enrolments matching the filters, in the completion list's order."""

    #: nip, full name, unit name, position, grade (what the list shows of the learner).
    learner: tuple
    #: Per enrolment: user id, course id, JP, modules done, module total, average best score (or
    #: None), enrolled at, completed at (None), completion id (None), certificate number
    #: (None), certificate status (None). Times are UTC (see ``completion_batches``).
    rows: list[tuple]


def _ordered_learners(filters: CompletionFilters) -> sa.Select:
    """Ids of the learners who have an enrolment in the filters' course and unit, in the
    completion list's order (unit name, no unit last, name, NIP: NIPs are unique)."""
    enrolled = sa.select(Enrollment.id).where(Enrollment.user_id == User.id)
    if filters.course:
        enrolled = enrolled.join(Course, Course.id == Enrollment.course_id).where(
            Course.slug == filters.course.strip())
    stmt = (sa.select(User.id).outerjoin(Unit, Unit.id == User.unit_id)
            .where(enrolled.exists()))
    if filters.unit:
        stmt = stmt.where(Unit.code == filters.unit.strip().upper())
    return stmt.order_by(*unit_order(), User.full_name, User.nip)


def _batch_select(filters: CompletionFilters, tz: str, user_ids: list[int]) -> sa.Select:
    """The enrolments of ``user_ids`` under ``filters`` (course, status and dates; the
    unit was applied when the learners were chosen), by learner, course title, id."""
    totals, learner = _module_totals(), _learner_progress(user_ids)
    conditions = [Enrollment.user_id.in_(user_ids)]
    if filters.course:
        conditions.append(Course.slug == filters.course.strip())
    if filters.status_code == "completed":
        conditions.append(CourseCompletion.id.is_not(None))
    elif filters.status_code == "in_progress":
        conditions.append(CourseCompletion.id.is_(None))
    conditions += _date_conditions(filters.date_from, filters.date_to, tz)
    return (
        sa.select(Enrollment.user_id, Enrollment.course_id,
                  sa.func.coalesce(CourseCompletion.jp, Course.jp),
                  sa.func.coalesce(learner.c.done, 0), sa.func.coalesce(totals.c.total, 0),
                  learner.c.best_score, Enrollment.enrolled_at, CourseCompletion.completed_at,
                  CourseCompletion.id, Certificate.number, Certificate.status)
        .select_from(Enrollment)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(CourseCompletion, _completion_join())
        .outerjoin(Certificate, (Certificate.user_id == Enrollment.user_id)
                   & (Certificate.course_id == Enrollment.course_id)
                   & (Certificate.status != "replaced"))
        .outerjoin(totals, totals.c.course_id == Enrollment.course_id)
        .outerjoin(learner, (learner.c.user_id == Enrollment.user_id)
                   & (learner.c.course_id == Enrollment.course_id))
        .where(*conditions)
        .order_by(Enrollment.user_id, Course.title, Enrollment.id)
    )


def course_titles() -> dict[int, str]:
    """Every course's title by id (a few hundred at most)."""
    return dict(db.session.execute(sa.select(Course.id, Course.title)).all())


def completion_batches(filters: CompletionFilters | None = None,
                       tz: str = DEFAULT_TZ) -> Iterator[LearnerRows]:
    """The completion list (the rows and order of ``completion_rows``) learner by learner,
    for the exports: what repeats on every row of a learner or a course comes once.

    The learners are put in order first (one small statement), then their enrolments
    are read ``EXPORT_LEARNERS`` learners at a time: no statement sorts the whole list,
    and memory holds one batch.

    The enrolment rows are the database driver's own tuples, not SQLAlchemy rows
    (their processing cost a third of a 100 000-row export): times are UTC, as
    stored text on SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``) and aware datetimes on
    PostgreSQL; the average score may be a Decimal.
    """
    filters = filters or CompletionFilters()
    conn = db.session.connection()
    ids = list(conn.execute(_ordered_learners(filters)).scalars())
    for start in range(0, len(ids), EXPORT_LEARNERS):
        batch = ids[start:start + EXPORT_LEARNERS]
        people = {row[0]: tuple(row[1:]) for row in conn.execute(
            sa.select(User.id, User.nip, User.full_name, Unit.name, User.position, User.grade)
            .outerjoin(Unit, Unit.id == User.unit_id).where(User.id.in_(batch)))}
        result = conn.execute(_batch_select(filters, tz, batch))
        try:
            fetched = result.cursor.fetchall()
        finally:
            result.close()
        mine = {user_id: list(rows) for user_id, rows in groupby(fetched, itemgetter(0))}
        for user_id in batch:
            rows = mine.get(user_id)
            if rows:
                yield LearnerRows(people[user_id], rows)
