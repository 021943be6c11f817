"""The platform's fixed vocabularies, in one place: competencies, levels,
module kinds, quiz review policies, publication and certificate statuses,
reasons for revoking a certificate,
roles and employment statuses.

Each vocabulary maps the value stored in the database (and written in course
folders, staff files and on the command line) to its label: an English message
marked with ``N_`` and translated where it is shown, by the ``label`` template
filter (``{{ course.competency|label('competency') }}``) or by ``choices(name,
_l)`` for a form. Pure Python, so the course checker, the models, the services
and the CLI read the same lists. The database CHECK constraints (models and
migrations) allow exactly these values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .errors import N_

#: Kompetensi of a course (the ASN competency groups).
COMPETENCY_LABELS = {
    "teknis": N_("Technical"),
    "manajerial": N_("Managerial"),
    "sosial-kultural": N_("Socio-cultural"),
}
#: Level of a course.
LEVEL_LABELS = {"dasar": N_("Basic"), "menengah": N_("Intermediate"), "lanjut": N_("Advanced")}
#: What a module is (``type:`` in its front matter).
MODULE_KIND_LABELS = {"lesson": N_("Lesson"), "quiz": N_("Quiz")}
#: What a quiz is for: graded (counts towards completion; the course's last one is
#: its post-test) or a pre-test (before the lessons, never blocks, no pass mark).
QUIZ_ROLE_LABELS = {"graded": N_("Graded quiz"), "pretest": N_("Pre-test")}
#: When a learner sees a quiz's correct answers (docs/authoring.md, "Penilaian kuis").
REVIEW_POLICY_LABELS = {
    "after_pass": N_("After passing, or once no attempt is left"),
    "after_last_attempt": N_("Only once no attempt is left"),
    "immediately": N_("Immediately after each attempt"),
    "never": N_("Never (the score only)"),
}
#: Status of a course or a module: learners see only what is published.
PUBLICATION_LABELS = {"draft": N_("Draft"), "published": N_("Published")}
#: Status of a certificate; a replaced one is history, superseded by its correction.
CERTIFICATE_STATUS_LABELS = {
    "valid": N_("Valid"), "revoked": N_("Revoked"), "replaced": N_("Replaced")}
#: Why a certificate was revoked: the category shown on its public verification
#: page (the admin's own words stay in the audit log).
REVOKE_CATEGORY_LABELS = {
    "data_error": N_("Wrong data on the certificate"),
    "requirements_not_met": N_("Training requirements not met"),
    "dishonesty": N_("Dishonesty in the assessment"),
    "duplicate": N_("Issued twice"),
    "other": N_("Other reason"),
}
#: Role on the platform.
ROLE_LABELS = {"learner": N_("Learner"), "instructor": N_("Instructor"), "admin": N_("Admin")}
#: What an audit log entry records (``AuditEntry.action``), as its reader says it.
AUDIT_ACTION_LABELS = {
    "certificate.revoke": N_("Certificate revoked"),
    "certificate.reissue": N_("Certificate reissued"),
    "assignments.save": N_("Course assigned"),
    "assignments.delete": N_("Assignment removed"),
    "people.create": N_("Account created"),
    "people.update": N_("Account changed"),
    "people.activate": N_("Account activated"),
    "people.deactivate": N_("Account deactivated"),
    "people.reset_password": N_("Password reset"),
    "people.import": N_("Staff file imported"),
    "units.create": N_("Unit created"),
    "units.update": N_("Unit changed"),
}
#: What an audit entry's target names (``"certificate 0042/ELN/2026"``, ``"unit BKPSDM"``).
AUDIT_TARGET_LABELS = {
    "certificate": N_("certificate %(id)s"),
    "user": N_("NIP %(id)s"),
    "unit": N_("unit %(id)s"),
}
#: Kinds of messages to people (elearn/notifications/messages.py).
NOTIFICATION_KIND_LABELS = {
    "assignment_new": N_("New course assigned"),
    "due_soon": N_("Reminders before a due date"),
    "overdue": N_("Weekly reminders after a due date"),
    "certificate_issued": N_("Certificate issued"),
    "password_changed": N_("Password changed"),
    "account_created": N_("Account created"),
    "password_reset": N_("Password-reset link"),
}
#: How a message's email went.
EMAIL_STATUS_LABELS = {
    "pending": N_("Waiting to be sent"),
    "sent": N_("Sent"),
    "failed": N_("Failed, given up"),
    "none": N_("No email (no address)"),
}
#: Employment status (status kepegawaian); the Indonesian terms in every language.
EMPLOYMENT_STATUS_LABELS = {"PNS": "PNS", "PPPK": "PPPK"}

COMPETENCIES = tuple(COMPETENCY_LABELS)
LEVELS = tuple(LEVEL_LABELS)
DEFAULT_LEVEL = "dasar"
MODULE_KINDS = tuple(MODULE_KIND_LABELS)
QUIZ_ROLES = tuple(QUIZ_ROLE_LABELS)
REVIEW_POLICIES = tuple(REVIEW_POLICY_LABELS)
DEFAULT_REVIEW_POLICY = "after_pass"
PUBLICATION_STATUSES = tuple(PUBLICATION_LABELS)
CERTIFICATE_STATUSES = tuple(CERTIFICATE_STATUS_LABELS)
REVOKE_CATEGORIES = tuple(REVOKE_CATEGORY_LABELS)
ROLES = tuple(ROLE_LABELS)
EMPLOYMENT_STATUSES = tuple(EMPLOYMENT_STATUS_LABELS)

#: How a certificate, always in Indonesian, names each competency.
CERTIFICATE_COMPETENCY_NAMES = {
    "teknis": "Teknis", "manajerial": "Manajerial", "sosial-kultural": "Sosial Kultural"}

#: Every vocabulary by the name the ``label`` filter and ``choices`` take.
VOCABULARIES: dict[str, dict[str, str]] = {
    "competency": COMPETENCY_LABELS,
    "level": LEVEL_LABELS,
    "module_kind": MODULE_KIND_LABELS,
    "quiz_role": QUIZ_ROLE_LABELS,
    "review_policy": REVIEW_POLICY_LABELS,
    "publication": PUBLICATION_LABELS,
    "certificate_status": CERTIFICATE_STATUS_LABELS,
    "revoke_category": REVOKE_CATEGORY_LABELS,
    "role": ROLE_LABELS,
    "employment_status": EMPLOYMENT_STATUS_LABELS,
    "audit_action": AUDIT_ACTION_LABELS,
    "notification_kind": NOTIFICATION_KIND_LABELS,
    "email_status": EMAIL_STATUS_LABELS,
}


def _as_written(message: str) -> str:
    return message


def label(value: str, vocabulary: str,
          translate: Callable[[str], str] = _as_written) -> str:
    """The label of ``value`` in ``vocabulary``, translated with ``translate``
    (gettext); a value the vocabulary does not know is shown as it is."""
    message = VOCABULARIES[vocabulary].get(value)
    return value if message is None else translate(message)


def choices(vocabulary: str,
            translate: Callable[[str], str] = _as_written) -> list[tuple[str, str]]:
    """``(value, label)`` pairs in order, for a select field (pass ``lazy_gettext``)."""
    return [(value, translate(message)) for value, message in VOCABULARIES[vocabulary].items()]


def certificate_competency(value: str) -> str:
    """The competency as a certificate prints it (in Indonesian whatever the reader's language)."""
    return CERTIFICATE_COMPETENCY_NAMES.get(value, value)


def audit_target_parts(target: str) -> tuple[str | None, str]:
    """``"pelayanan-publik -> user 1992…"`` as ``("pelayanan-publik", "user 1992…")``;
    a target naming no course as ``(None, target)``."""
    course, arrow, rest = target.partition(" -> ")
    return (course, rest) if arrow else (None, target)


def audit_target(target: str, translate: Callable[[str], str] = _as_written,
                 names: Mapping[str, str] | None = None) -> str:
    """An audit entry's target for its reader: ``"pelayanan-publik -> user 1992…"``
    becomes "Pelayanan Publik, untuk Andi (NIP 1992…)" in Indonesian, given ``names``
    (course slug or ``"user NIP"`` -> title or name); what is not a known ``kind id``
    (a file name) is shown as it is."""
    names = names or {}
    course, rest = audit_target_parts(target)
    if course is not None:
        return translate(N_("%(course)s, for %(target)s")) % {
            "course": names.get(course, course), "target": audit_target(rest, translate, names)}
    kind, _, identifier = target.partition(" ")
    message = AUDIT_TARGET_LABELS.get(kind)
    if message is None or not identifier:
        return target
    if target in names:
        return translate(N_("%(name)s (NIP %(id)s)")) % {"name": names[target], "id": identifier}
    return translate(message) % {"id": identifier}
