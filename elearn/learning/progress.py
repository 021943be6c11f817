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


def covers_bound():
    """SQL condition: the assignment names the person, or the person's unit. The
    person comes as the bind parameters ``user_id`` and ``unit_id`` (see
    ``person_params``), so statements using it can be built once; a person without a
    unit binds NULL, which equals nothing."""
    return ((Assignment.user_id == sa.bindparam("user_id", type_=sa.Integer))
            | (Assignment.unit_id == sa.bindparam("unit_id", type_=sa.Integer)))


def person_params(user: User) -> dict[str, int | None]:
    """The bind parameters ``covers_bound`` and other per-person statements read."""
    return {"user_id": user.id, "unit_id": user.unit_id}


def is_assigned(user: User, course: Course) -> bool:
    stmt = sa.select(Assignment.id).where(Assignment.course_id == course.id, covers_bound())
    return db.session.scalar(stmt.limit(1), person_params(user)) is not None


def may_enrol(user: User, course: Course, *, assigned: bool | None = None) -> bool:
    """Published courses are open to all, restricted ones only to those assigned.

    ``assigned``, when the caller already read it (see course_view), saves the query."""
    if course.status != "published":
        return False
    if not course.restricted or user.role == "admin":
        return True
    return is_assigned(user, course) if assigned is None else assigned


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


def _find_progress_row(user: User, module: Module) -> ModuleProgress | None:
    return db.session.scalar(sa.select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id))


def _new_progress_row(user: User, module: Module) -> ModuleProgress:
    """Add the learner's progress row for ``module``; the one a concurrent request
    added first if it won the race (the unique constraint decides)."""
    row = ModuleProgress(user_id=user.id, module_id=module.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = _find_progress_row(user, module)
    return row


def progress_row(user: User, module: Module) -> ModuleProgress:
    """The learner's progress row for ``module``, created if missing (race-safe)."""
    return _find_progress_row(user, module) or _new_progress_row(user, module)


#: A repeat view of the module the learner is on refreshes its "last opened" times at
#: most this often, so reading a page again (or reloading it) writes nothing.
OPEN_TOUCH_INTERVAL = timedelta(minutes=10)


def _stale(moment: datetime | None, now: datetime) -> bool:
    return moment is None or now - as_utc(moment) > OPEN_TOUCH_INTERVAL


def opening_writes(module: Module, enrollment: Enrollment, row: ModuleProgress | None,
                   now: datetime | None = None) -> bool:
    """Whether ``open_module`` would write anything for this view (see there)."""
    now = now or utcnow()
    return (row is None or _stale(row.last_opened_at, now)
            or enrollment.last_module_id != module.id
            or _stale(enrollment.last_opened_at, now))


def open_module(user: User, module: Module, enrollment: Enrollment,
                row: ModuleProgress | None, now: datetime | None = None) -> ModuleProgress:
    """Record that the enrolled learner opened a module (a GET: it never enrols).

    ``row`` is the learner's progress row for the module as the page already read it
    (None when there is none). The first visit creates it, which starts the reading
    time; opening another module moves the place to continue. Otherwise nothing is
    written unless the last record is older than ``OPEN_TOUCH_INTERVAL``, so the
    dashboard's most-recent-first order stays right without a write on every view.
    """
    now = now or utcnow()
    if not opening_writes(module, enrollment, row, now):
        return row
    if row is None:
        row = _new_progress_row(user, module)
    elif _stale(row.last_opened_at, now):
        row.last_opened_at = now
    if enrollment.last_module_id != module.id or _stale(enrollment.last_opened_at, now):
        enrollment.last_module_id = module.id
        enrollment.last_opened_at = now
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
