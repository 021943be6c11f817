"""What completes a lesson and a course, and the certificate a completion issues.

A lesson is completed by marking it ("Tandai selesai") after its reading
time, a quiz by passing it (quiz/grading.py). A course is completed when
every published lesson is marked completed and every published graded quiz
is passed (a pre-test never counts): ``complete_course_if_done`` then records
the completion and issues its certificate in the same transaction, with the
certificate settings the caller passes in; a course whose evaluation is
required issues it when the learner evaluates it (learning/evaluation.py).
Completion is recorded exactly once per learner and course: a unique
constraint backs the check made here, so two requests racing to complete the
same course still leave one row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..certificates.issue import CertificateSettings, issue_certificate
from ..errors import N_
from ..extensions import db
from ..fastread import read
from ..models import Course, CourseCompletion, CourseEvaluation, Module, User
from ..models.certificates import jp_credited
from ..models.people import utcnow
from .errors import LearningError
from .progress import enrol, progress_map, progress_row, published_modules, reading_time_left


def mark_completed(user: User, course: Course, module: Module, *,
                   certificates: CertificateSettings) -> CourseCompletion | None:
    """'Tandai selesai' on a lesson. Returns the completion if this finished the course
    (its certificate issued with ``certificates``)."""
    if module.kind != "lesson":
        raise LearningError(N_("A quiz is completed by passing it."))
    enrol(user, course)
    row = progress_row(user, module)
    left = reading_time_left(course, module, row)
    if left > timedelta(0):
        minutes = max(1, round(left.total_seconds() / 60))
        raise LearningError(N_(
            "Read a little longer: this lesson can be marked completed in %(minutes)d "
            "minute(s)."), minutes=minutes)
    if row.completed_at is None:
        row.completed_at = utcnow()
    db.session.flush()
    return complete_course_if_done(user, course, certificates)


def complete_course_if_done(user: User, course: Course, certificates: CertificateSettings,
                            *, at: datetime | None = None) -> CourseCompletion | None:
    """Once every published module is done, records the completion and issues its
    certificate (numbered and dated by ``certificates``). ``at``: when the learner
    did what completed it, if not now (work done offline, already bounded).

    Returns the course's one completion (the existing one when the course was
    already completed, its certificate untouched), or None while something is
    still to do.
    """
    existing = get_completion(user, course)
    if existing is not None:
        return existing
    modules = [m for m in published_modules(course) if m.counts]
    if not modules:
        return None
    progress = progress_map(user, modules)
    if any(progress.get(m.id) is None or progress[m.id].completed_at is None for m in modules):
        return None
    quiz_scores = [progress[m.id].best_score for m in modules if m.kind == "quiz"]
    completion = CourseCompletion(
        user_id=user.id, course_id=course.id, course_version=course.version, jp=course.jp,
        completed_at=at or utcnow(),
        final_score=round(sum(quiz_scores) / len(quiz_scores), 1) if quiz_scores else None)
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:  # completed by a concurrent request: keep that one
        return get_completion(user, course)
    if not course.evaluation_required or has_evaluated(user, course):
        issue_certificate(completion, pattern=certificates.pattern, tz=certificates.tz)
    # else the certificate waits for the evaluation (evaluation.submit_evaluation)
    return completion


def has_evaluated(user: User, course: Course) -> bool:
    return db.session.scalar(sa.select(CourseEvaluation.id).where(
        CourseEvaluation.user_id == user.id, CourseEvaluation.course_id == course.id)
    ) is not None


def get_completion(user: User, course: Course) -> CourseCompletion | None:
    return db.session.scalar(sa.select(CourseCompletion).where(
        CourseCompletion.user_id == user.id, CourseCompletion.course_id == course.id))


def year_bounds(year: int, tz: str) -> tuple[datetime, datetime]:
    """The calendar year in the local time zone, as UTC instants."""
    zone = ZoneInfo(tz)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, end


@cache
def jp_in_year_statement():
    return (sa.select(sa.func.coalesce(sa.func.sum(CourseCompletion.jp), 0))
            .where(CourseCompletion.user_id == sa.bindparam("user_id"),
                   CourseCompletion.completed_at >= sa.bindparam("start"),
                   CourseCompletion.completed_at < sa.bindparam("end"),
                   jp_credited(CourseCompletion.id)))


def jp_in_year(user: User, year: int, tz: str) -> int:
    """Lesson hours credited to ``user`` by completions in the calendar year (the
    statement is built once per process)."""
    start, end = year_bounds(year, tz)
    total = read(jp_in_year_statement(),
                         {"user_id": user.id, "start": start, "end": end}).scalar()
    return int(total or 0)
