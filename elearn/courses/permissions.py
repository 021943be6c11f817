"""Who may edit a course."""

from __future__ import annotations

from ..models import Course, User


def can_edit_course(user: User, course: Course) -> bool:
    """Admins, and instructors listed in the course's front matter."""
    if not user.is_authenticated or not user.active:
        return False
    if user.role == "admin":
        return True
    return user.role == "instructor" and user.nip in course.instructor_nips
