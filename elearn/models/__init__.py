"""Database models, one module per domain."""

from .audit import AuditEntry
from .certificates import Certificate, CertificateSequence
from .courses import Course, CourseAsset, CourseInstructor, Module
from .imports import StaffImport
from .learning import (
    Assignment,
    AttemptItem,
    CourseCompletion,
    Enrollment,
    ModuleProgress,
    QuizAttempt,
)
from .notifications import Notification
from .people import EMPLOYMENT_STATUSES, ROLES, Unit, User, UserSession
from .reporting import ReportCell

__all__ = [
    # ROLES and EMPLOYMENT_STATUSES live in elearn.vocabulary; re-exported until
    # every caller imports them from there.
    "EMPLOYMENT_STATUSES", "ROLES", "Assignment", "AuditEntry",
    "Certificate", "CertificateSequence", "Course",
    "CourseAsset", "CourseCompletion", "CourseInstructor", "Enrollment", "Module",
    "ModuleProgress", "Notification", "QuizAttempt", "ReportCell", "AttemptItem", "StaffImport",
    "Unit", "User", "UserSession",
]
