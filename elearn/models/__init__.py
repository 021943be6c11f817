"""Database models, one module per domain."""

from .audit import AuditEntry
from .certificates import Certificate, CertificateSequence
from .courses import Course, CourseAsset, CourseInstructor, Module
from .evaluation import CourseEvaluation, EvaluationRating, ModuleFeedback
from .imports import StaffImport
from .learning import (
    Assignment,
    AttemptItem,
    CourseCompletion,
    Enrollment,
    ModuleProgress,
    OfflineSubmission,
    QuizAttempt,
)
from .notifications import Notification
from .people import EMPLOYMENT_STATUSES, ROLES, Unit, User, UserSession
from .reporting import ReportCell

__all__ = [
    # ROLES and EMPLOYMENT_STATUSES live in elearn.vocabulary; re-exported until
    # every caller imports them from there.
    "EMPLOYMENT_STATUSES", "ROLES", "Assignment", "AttemptItem", "AuditEntry",
    "Certificate", "CertificateSequence", "Course", "CourseAsset", "CourseCompletion",
    "CourseEvaluation", "CourseInstructor", "Enrollment", "EvaluationRating", "Module",
    "ModuleFeedback", "ModuleProgress", "Notification", "OfflineSubmission", "QuizAttempt",
    "ReportCell", "StaffImport", "Unit", "User", "UserSession",
]
