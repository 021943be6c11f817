"""Database models, one module per domain."""

from .courses import COMPETENCIES, LEVELS, Course, CourseAsset, CourseInstructor, Module
from .learning import ModuleProgress
from .people import EMPLOYMENT_STATUSES, ROLES, Unit, User

__all__ = [
    "COMPETENCIES", "EMPLOYMENT_STATUSES", "LEVELS", "ROLES", "Course", "CourseAsset",
    "CourseInstructor", "Module", "ModuleProgress", "Unit", "User",
]
