"""How far the people an assignment covers have come: counts per status, and the
people themselves with their status, filtered and ready to paginate.

A person covered by an assignment (an active account in its unit, or the one person
it names) is, for its course, exactly one of:

- ``completed``: has a course completion;
- ``in_progress``: enrolled, not completed;
- ``not_started``: neither enrolled nor completed.

``overdue`` cuts across the last two: not completed and the due date has passed,
that is, the due date is before ``today`` in the agency's time zone (on the due
date itself a person is not late yet). Everything is computed in SQL in a fixed
number of queries, whatever the number of assignments or people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Assignment, CourseCompletion, Enrollment, Module, ModuleProgress, User
from ..people.directory import escape_like
from .progress import CourseProgress

#: The statuses a person can be filtered by on an assignment's page.
STATUSES = ("completed", "in_progress", "not_started", "overdue")


def today_in(tz: str, now: datetime | None = None) -> date:
    """Today's date in the agency's time zone (``TIMEZONE``), as the dashboard counts it;
    ``now`` (aware) defaults to the current time."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()


@dataclass(frozen=True)
class StatusCounts:
    total: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    @property
    def percent_completed(self) -> int:
        """Whole percent completed, rounded down (100 only when everyone is done)."""
        return self.completed * 100 // self.total if self.total else 0


def covered_people():
    """SQL join condition between Assignment and User: an active account it covers."""
    return sa.and_(User.active.is_(True), sa.or_(
        User.unit_id == Assignment.unit_id, User.id == Assignment.user_id))


def _is_overdue(due_date, today: date):
    return sa.and_(due_date.is_not(None), due_date < today)


def status_counts(assignment_ids: list[int], today: date) -> dict[int, StatusCounts]:
    """Counts per status for each assignment id, in one query (ids without people get
    zero counts)."""
    if not assignment_ids:
        return {}
    done = CourseCompletion.id.is_not(None)
    started = Enrollment.id.is_not(None)

    def count(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    stmt = (
        sa.select(Assignment.id, sa.func.count(User.id), count(done),
                  count(sa.and_(~done, started)), count(sa.and_(~done, ~started)),
                  count(sa.and_(~done, _is_overdue(Assignment.due_date, today))))
        .select_from(Assignment)
        .join(User, covered_people())
        .outerjoin(CourseCompletion, sa.and_(CourseCompletion.user_id == User.id,
                                             CourseCompletion.course_id == Assignment.course_id))
        .outerjoin(Enrollment, sa.and_(Enrollment.user_id == User.id,
                                       Enrollment.course_id == Assignment.course_id))
        .where(Assignment.id.in_(assignment_ids))
        .group_by(Assignment.id))
    counts = {row[0]: StatusCounts(*(int(n) for n in row[1:]))
              for row in db.session.execute(stmt)}
    return {i: counts.get(i, StatusCounts()) for i in assignment_ids}


def _completed(assignment: Assignment):
    return sa.exists().where(CourseCompletion.user_id == User.id,
                             CourseCompletion.course_id == assignment.course_id)


def _enrolled(assignment: Assignment):
    return sa.exists().where(Enrollment.user_id == User.id,
                             Enrollment.course_id == assignment.course_id)


def status_condition(assignment: Assignment, status: str, today: date):
    """SQL condition on User: the person has ``status`` for this assignment (one of
    STATUSES); an unknown status selects everyone."""
    done, started = _completed(assignment), _enrolled(assignment)
    if status == "completed":
        return done
    if status == "in_progress":
        return sa.and_(~done, started)
    if status == "not_started":
        return sa.and_(~done, ~started)
    if status == "overdue":
        late = assignment.due_date is not None and assignment.due_date < today
        return ~done if late else sa.false()
    return sa.true()


def people_query(assignment: Assignment, today: date, *, status: str = "", q: str = "",
                 position: str = "") -> sa.Select:
    """The people the assignment covers, not completed first, then by name; filtered by
    status, name or NIP (``q``, a substring) and position (exact). The caller paginates."""
    done = _completed(assignment)
    stmt = (sa.select(User).options(joinedload(User.unit))
            .where(User.active.is_(True),
                   User.unit_id == assignment.unit_id if assignment.unit_id is not None
                   else User.id == assignment.user_id)
            .where(status_condition(assignment, status, today))
            .order_by(sa.case((done, 1), else_=0), User.full_name, User.id))
    if q:
        like = f"%{escape_like(q.lower())}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.full_name).like(like, escape="\\"),
                                 User.nip.like(like, escape="\\")))
    if position:
        stmt = stmt.where(User.position == position)
    return stmt


def positions_of(assignment: Assignment) -> list[str]:
    """The distinct positions (jabatan) of the people a unit assignment covers."""
    if assignment.unit_id is None:
        return []
    return list(db.session.scalars(
        sa.select(User.position).distinct().where(
            User.active.is_(True), User.unit_id == assignment.unit_id,
            User.position.is_not(None), User.position != "")
        .order_by(User.position)))


@dataclass
class PersonState:
    user: User
    status: str
    progress: CourseProgress
    overdue: bool
    completed_at: datetime | None = None


def states_of(assignment: Assignment, people: list[User], today: date) -> list[PersonState]:
    """Each of ``people`` (a page) with their status and progress, in four queries."""
    if not people:
        return []
    ids = [p.id for p in people]
    course_id = assignment.course_id
    completed = dict(db.session.execute(
        sa.select(CourseCompletion.user_id, CourseCompletion.completed_at).where(
            CourseCompletion.course_id == course_id, CourseCompletion.user_id.in_(ids))).all())
    enrolled = set(db.session.scalars(sa.select(Enrollment.user_id).where(
        Enrollment.course_id == course_id, Enrollment.user_id.in_(ids))))
    progress = _progress_of_many(ids, course_id)
    late = assignment.due_date is not None and assignment.due_date < today
    states = []
    for person in people:
        status = ("completed" if person.id in completed
                  else "in_progress" if person.id in enrolled else "not_started")
        states.append(PersonState(person, status, progress[person.id],
                                  overdue=late and status != "completed",
                                  completed_at=completed.get(person.id)))
    return states


def _progress_of_many(ids: list[int], course_id: int) -> dict[int, CourseProgress]:
    published = Module.counts_condition()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Module).where(
        Module.course_id == course_id, published)) or 0
    done = dict(db.session.execute(
        sa.select(ModuleProgress.user_id, sa.func.count()).join(Module).where(
            Module.course_id == course_id, published, ModuleProgress.user_id.in_(ids),
            ModuleProgress.completed_at.is_not(None)).group_by(ModuleProgress.user_id)).all())
    return {i: CourseProgress(done.get(i, 0), total) for i in ids}
