"""Progress and completion rules.

A course is completed when every published lesson is marked completed and
every published quiz is passed. Completion is recorded exactly once per
learner and course: a unique constraint backs the check made here, so two
requests racing to complete the same course still leave one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..errors import N_, DomainError
from ..extensions import db
from ..models import (
    Assignment,
    Course,
    CourseCompletion,
    Enrollment,
    Module,
    ModuleProgress,
    User,
)
from ..models.people import utcnow


class LearningError(DomainError):
    """A learning action that is not allowed now; ``message`` says why (translatable)."""


def published_modules(course: Course) -> list[Module]:
    """What learners follow: active, published modules in order."""
    return [m for m in course.active_modules if m.status == "published"]


def covers(user: User):
    """SQL condition: the assignment names the user, or the user's unit."""
    conditions = [Assignment.user_id == user.id]
    if user.unit_id is not None:
        conditions.append(Assignment.unit_id == user.unit_id)
    return sa.or_(*conditions)


def is_assigned(user: User, course: Course) -> bool:
    stmt = sa.select(Assignment.id).where(Assignment.course_id == course.id, covers(user))
    return db.session.scalar(stmt.limit(1)) is not None


def may_enrol(user: User, course: Course) -> bool:
    """Published courses are open to all, restricted ones only to those assigned."""
    if course.status != "published":
        return False
    return not course.restricted or user.role == "admin" or is_assigned(user, course)


def get_enrollment(user: User, course: Course) -> Enrollment | None:
    return db.session.scalar(sa.select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id))


def enrol(user: User, course: Course) -> Enrollment:
    """Enrol ``user`` (idempotent). Raises LearningError for a course they may not take."""
    if not may_enrol(user, course):
        raise LearningError(N_("This course is only for the people it is assigned to."))
    enrollment = get_enrollment(user, course)
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=course.id)
        try:
            with db.session.begin_nested():
                db.session.add(enrollment)
        except IntegrityError:  # enrolled by a concurrent request
            enrollment = get_enrollment(user, course)
    return enrollment


def progress_map(user: User, modules: list[Module]) -> dict[int, ModuleProgress]:
    """The user's progress rows for ``modules``, by module id, in one query."""
    ids = [m.id for m in modules]
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(ids)))
    return {p.module_id: p for p in rows}


def _progress_row(user: User, module: Module) -> ModuleProgress:
    row = db.session.scalar(sa.select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id))
    if row is None:
        row = ModuleProgress(user_id=user.id, module_id=module.id)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            row = db.session.scalar(sa.select(ModuleProgress).where(
                ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id))
    return row


def open_module(user: User, course: Course, module: Module,
                enrollment: Enrollment) -> ModuleProgress:
    """Record that the enrolled learner opened a module (a GET: it never enrols)."""
    now = utcnow()
    enrollment.last_module_id = module.id
    enrollment.last_opened_at = now
    row = _progress_row(user, module)
    row.last_opened_at = now
    db.session.flush()
    return row


def reading_time_left(course: Course, module: Module, row: ModuleProgress | None,
                      now: datetime | None = None) -> timedelta:
    """How long the learner must still wait before a lesson can be marked completed."""
    if not course.min_reading_percent or module.kind != "lesson":
        return timedelta(0)
    required = timedelta(minutes=module.minutes * course.min_reading_percent / 100)
    if row is None:
        return required
    opened = row.first_opened_at
    if opened.tzinfo is None:  # SQLite returns naive UTC
        opened = opened.replace(tzinfo=UTC)
    spent = (now or utcnow()) - opened
    return max(timedelta(0), required - spent)


def mark_completed(user: User, course: Course, module: Module) -> CourseCompletion | None:
    """'Tandai selesai' on a lesson. Returns the completion if this finished the course."""
    if module.kind != "lesson":
        raise LearningError(N_("A quiz is completed by passing it."))
    enrol(user, course)
    row = _progress_row(user, module)
    left = reading_time_left(course, module, row)
    if left > timedelta(0):
        minutes = max(1, round(left.total_seconds() / 60))
        raise LearningError(N_(
            "Read a little longer: this lesson can be marked completed in %(minutes)d "
            "minute(s)."), minutes=minutes)
    if row.completed_at is None:
        row.completed_at = utcnow()
    db.session.flush()
    return record_completion_if_done(user, course)


def record_completion_if_done(user: User, course: Course) -> CourseCompletion | None:
    """Create the one completion record once every module is done; else None."""
    existing = get_completion(user, course)
    if existing is not None:
        return existing
    modules = published_modules(course)
    if not modules:
        return None
    progress = progress_map(user, modules)
    if any(progress.get(m.id) is None or progress[m.id].completed_at is None for m in modules):
        return None
    quiz_scores = [progress[m.id].best_score for m in modules if m.kind == "quiz"]
    completion = CourseCompletion(
        user_id=user.id, course_id=course.id, course_version=course.version, jp=course.jp,
        final_score=round(sum(quiz_scores) / len(quiz_scores), 1) if quiz_scores else None)
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:  # completed by a concurrent request: keep that one
        return get_completion(user, course)
    _issue_certificate(completion)
    return completion


def _issue_certificate(completion: CourseCompletion) -> None:
    from flask import current_app

    from ..certificates.issue import issue_certificate

    issue_certificate(completion, pattern=current_app.config["CERTIFICATE_NUMBER_PATTERN"],
                      tz=current_app.config["TIMEZONE"])


def get_completion(user: User, course: Course) -> CourseCompletion | None:
    return db.session.scalar(sa.select(CourseCompletion).where(
        CourseCompletion.user_id == user.id, CourseCompletion.course_id == course.id))


@dataclass
class CourseProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def course_progress(user: User, courses: list[Course]) -> dict[int, CourseProgress]:
    """Done and total published modules per course, in two queries whatever the size."""
    if not courses:
        return {}
    ids = [c.id for c in courses]
    published = (Module.status == "published") & Module.retired_at.is_(None)
    totals = dict(db.session.execute(
        sa.select(Module.course_id, sa.func.count()).where(
            Module.course_id.in_(ids), published).group_by(Module.course_id)).all())
    done = dict(db.session.execute(
        sa.select(Module.course_id, sa.func.count()).join(ModuleProgress).where(
            Module.course_id.in_(ids), published, ModuleProgress.user_id == user.id,
            ModuleProgress.completed_at.is_not(None)).group_by(Module.course_id)).all())
    return {i: CourseProgress(done.get(i, 0), totals.get(i, 0)) for i in ids}


def year_bounds(year: int, tz: str) -> tuple[datetime, datetime]:
    """The calendar year in the local time zone, as UTC instants."""
    zone = ZoneInfo(tz)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def jp_in_year(user: User, year: int, tz: str) -> int:
    """Lesson hours credited to ``user`` by completions in the calendar year."""
    start, end = year_bounds(year, tz)
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CourseCompletion.jp), 0))
                              .where(CourseCompletion.user_id == user.id,
                                     CourseCompletion.completed_at >= start,
                                     CourseCompletion.completed_at < end))
    return int(total or 0)
