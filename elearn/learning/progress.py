"""Who may take a course, enrolment, and each learner's progress through it.

What completes a lesson or a course is in completion.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..errors import N_
from ..extensions import db
from ..models import Assignment, Course, Enrollment, Module, ModuleProgress, User
from ..models.people import as_utc, utcnow
from .errors import LearningError


def published_modules(course: Course) -> list[Module]:
    """What learners follow: active, published modules in order."""
    return [m for m in course.modules if m.for_learners]


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


def progress_row(user: User, module: Module) -> ModuleProgress:
    """The learner's progress row for ``module``, created if missing (race-safe)."""
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
    row = progress_row(user, module)
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
    spent = (now or utcnow()) - as_utc(row.first_opened_at)
    return max(timedelta(0), required - spent)


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
    published = Module.for_learners_condition()
    totals = dict(db.session.execute(
        sa.select(Module.course_id, sa.func.count()).where(
            Module.course_id.in_(ids), published).group_by(Module.course_id)).all())
    done = dict(db.session.execute(
        sa.select(Module.course_id, sa.func.count()).join(ModuleProgress).where(
            Module.course_id.in_(ids), published, ModuleProgress.user_id == user.id,
            ModuleProgress.completed_at.is_not(None)).group_by(Module.course_id)).all())
    return {i: CourseProgress(done.get(i, 0), totals.get(i, 0)) for i in ids}
