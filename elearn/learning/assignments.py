"""Mandatory courses assigned to units or to people, and who has not completed them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..errors import N_
from ..extensions import db
from ..models import Assignment, Course, CourseCompletion, Module, ModuleProgress, Unit, User
from ..models.audit import record
from .errors import AssignmentError
from .progress import CourseProgress


def assign(course: Course, *, unit: Unit | None = None, user: User | None = None,
           due_date: date | None, actor: User) -> Assignment:
    """Assign ``course`` to a unit or a person; assigning again updates the due date.

    Raises AssignmentError without exactly one target or for an unpublished course.
    """
    if (unit is None) == (user is None):
        raise AssignmentError(N_("Choose a unit or a person, not both."))
    if course.status != "published":
        raise AssignmentError(N_("Only published courses can be assigned."))
    stmt = sa.select(Assignment).where(Assignment.course_id == course.id)
    stmt = stmt.where(Assignment.unit_id == unit.id) if unit else stmt.where(
        Assignment.user_id == user.id)
    assignment = db.session.scalar(stmt)
    if assignment is None:
        assignment = Assignment(course_id=course.id, unit_id=unit.id if unit else None,
                                user_id=user.id if user else None)
        db.session.add(assignment)
    assignment.due_date = due_date
    db.session.flush()
    target = f"unit {unit.code}" if unit else f"user {user.nip}"
    record(actor, "assignments.save", f"{course.slug} -> {target}",
           due_date=due_date.isoformat() if due_date else None)
    return assignment


def unassign(assignment: Assignment, actor: User) -> None:
    target = f"unit {assignment.unit.code}" if assignment.unit else f"user {assignment.user.nip}"
    record(actor, "assignments.delete", f"{assignment.course.slug} -> {target}")
    db.session.delete(assignment)
    db.session.flush()


@dataclass
class AssigneeState:
    user: User
    progress: CourseProgress
    completed: bool


def assignees(assignment: Assignment) -> list[AssigneeState]:
    """Everyone the assignment covers, not completed first, in a fixed number of queries."""
    stmt = sa.select(User).where(User.active.is_(True)).order_by(User.full_name)
    if assignment.unit_id is not None:
        stmt = stmt.where(User.unit_id == assignment.unit_id)
    else:
        stmt = stmt.where(User.id == assignment.user_id)
    people = db.session.scalars(stmt).all()
    if not people:
        return []
    completed = set(db.session.scalars(sa.select(CourseCompletion.user_id).where(
        CourseCompletion.course_id == assignment.course_id,
        CourseCompletion.user_id.in_([p.id for p in people]))))
    progress = _progress_of_many(people, assignment.course)
    states = [AssigneeState(p, progress[p.id], p.id in completed) for p in people]
    return sorted(states, key=lambda s: (s.completed, s.user.full_name))


def _progress_of_many(people: list[User], course: Course) -> dict[int, CourseProgress]:
    published = Module.for_learners_condition()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Module).where(
        Module.course_id == course.id, published)) or 0
    done = dict(db.session.execute(
        sa.select(ModuleProgress.user_id, sa.func.count()).join(Module).where(
            Module.course_id == course.id, published,
            ModuleProgress.user_id.in_([p.id for p in people]),
            ModuleProgress.completed_at.is_not(None)).group_by(ModuleProgress.user_id)).all())
    return {p.id: CourseProgress(done.get(p.id, 0), total) for p in people}
