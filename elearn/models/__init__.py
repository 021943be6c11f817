"""Database models, one module per domain."""

from .audit import AuditEntry
from .certificates import Certificate, CertificateSequence
from .courses import COMPETENCIES, LEVELS, Course, CourseAsset, CourseInstructor, Module
from .imports import StaffImport
from .learning import (
    Assignment,
    AttemptItem,
    CourseCompletion,
    Enrollment,
    ModuleProgress,
    QuizAttempt,
)
from .people import EMPLOYMENT_STATUSES, ROLES, Unit, User, UserSession

__all__ = [
    "COMPETENCIES", "EMPLOYMENT_STATUSES", "LEVELS", "ROLES", "Assignment", "AuditEntry",
    "Certificate", "CertificateSequence", "Course",
    "CourseAsset", "CourseCompletion", "CourseInstructor", "Enrollment", "Module",
    "ModuleProgress", "QuizAttempt", "AttemptItem", "StaffImport", "Unit", "User", "UserSession",
]
