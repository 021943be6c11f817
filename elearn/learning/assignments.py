"""Mandatory courses assigned to units or to people, and who has not completed them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..errors import N_
from ..extensions import db
from ..models import Assignment, Course, Unit, User
from ..models.audit import record
from .errors import AssignmentError


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
