"""What a course saved for offline holds, when it changed, and the signed layout
(ticket) a quiz is taken offline on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadData, URLSafeSerializer

from ...errors import N_
from ...extensions import db
from ...models import Course, CourseAsset, Module, ModuleProgress, QuizAttempt, User
from ...models.people import as_utc, utcnow
from .. import quiz
from ..errors import LearningError
from ..progress import get_enrollment, may_enrol, published_modules

TICKET_SALT = "offline-quiz"
COPY_SALT = "offline-lesson"


def offline_key(user: User) -> str:
    """The name the device files an account's offline data under. Not a secret: the
    server checks that an item sent under a session is that session's account's."""
    return f"u{user.id}"


# --- what a saved course holds -------------------------------------------------------

@dataclass
class CoursePackage:
    course: Course
    modules: list[Module]
    #: Images and attachments the course page or a published module links.
    assets: list[CourseAsset]
    version: str


def course_version(user: User, course: Course, modules: list[Module]) -> str:
    """Changes whenever what the learner would save changes: a new import or publish,
    an edit, a module published, retired or moved, the course unpublished, and the
    learner's own progress (a lesson completed or a quiz taken online since)."""
    parts = [course.status, course.content_hash, str(course.version),
             as_utc(course.updated_at).isoformat() if course.updated_at else ""]
    parts += [f"{m.id}:{m.position}:{as_utc(m.updated_at).isoformat()}" for m in modules]
    ids = [m.id for m in modules]
    if ids:
        done = db.session.execute(sa.select(ModuleProgress.module_id, ModuleProgress.completed_at)
                                  .where(ModuleProgress.user_id == user.id,
                                         ModuleProgress.module_id.in_(ids),
                                         ModuleProgress.completed_at.is_not(None))
                                  .order_by(ModuleProgress.module_id)).all()
        taken = db.session.scalar(sa.select(sa.func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user.id, QuizAttempt.module_id.in_(ids)))
        parts += [f"done:{module_id}" for module_id, _ in done] + [f"attempts:{taken}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def course_package(user: User, slug: str) -> CoursePackage | None:
    """What saving ``slug`` for offline stores, for an enrolled learner; None when
    the course is not one ``user`` may take (a 404). Raises LearningError before
    enrolment: offline work is recorded against an enrolment."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None or not may_enrol(user, course):
        return None
    if get_enrollment(user, course) is None:
        raise LearningError(N_("Enrol in this course before saving it for offline."))
    modules = published_modules(course)
    markers = [course.description_html or ""]
    markers += [m.body_html or "" for m in modules]
    markers += [json.dumps(m.quiz) for m in modules if m.quiz is not None]
    linked = "\n".join(markers)
    assets = [a for a in db.session.scalars(
        sa.select(CourseAsset).where(CourseAsset.course_id == course.id)
        .order_by(CourseAsset.path))
        if a.path == course.cover_path or f"/files/{a.sha256}/" in linked]
    return CoursePackage(course, modules, assets, course_version(user, course, modules))


def saved_versions(user: User, slugs: list[str]) -> dict[str, str | None]:
    """The current version of each saved course, or None for one that is no longer
    the learner's to keep (unpublished, gone, unassigned): the device removes it."""
    versions: dict[str, str | None] = {}
    for slug in slugs:
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        if (course is None or not may_enrol(user, course)
                or get_enrollment(user, course) is None):
            versions[slug] = None
        else:
            versions[slug] = course_version(user, course, published_modules(course))
    return versions


# --- quizzes taken offline -----------------------------------------------------------

def quiz_fingerprint(module: Module) -> str:
    """Changes when the quiz's questions or options change (a ticket drawn before
    then no longer describes the quiz)."""
    return hashlib.sha256(json.dumps(module.quiz, sort_keys=True).encode()).hexdigest()[:16]


def offline_quiz_refusal(user: User, course: Course, module: Module) -> LearningError | None:
    """Why this quiz cannot be taken offline now (None: it can, lessons permitting).

    The lessons-first rule is left to the device and checked again on arrival:
    lessons completed offline open the quiz offline."""
    if module.kind != "quiz":
        return LearningError(N_("This module is not a quiz."))
    if module.time_limit_seconds:
        return LearningError(N_("A quiz with a time limit is started online: its clock is "
                                "the server's. Once started, it can be answered offline."))
    attempts = quiz.attempts_of(user, module)
    if any(a.submitted_at is None for a in attempts):
        return LearningError(N_("You have an attempt open online: continue it there."))
    if quiz.has_passed(attempts):
        return LearningError(N_("You have already passed this quiz."))
    if quiz.attempts_left(module, attempts) == 0:
        return LearningError(N_("You have used all %(n)d attempts at this quiz."),
                             n=module.max_attempts)
    if module.role == "pretest" and any(a.submitted_at is not None for a in attempts):
        return LearningError(N_("You have taken the pre-test."))
    return None


def draw_ticket(user: User, module: Module, secret: str,
                now: datetime | None = None) -> tuple[str, QuizAttempt]:
    """A layout for one offline attempt, signed for this learner and quiz: the
    ticket the offline copy carries, and an unsaved attempt to show it with."""
    from ..quiz.attempts import _layout

    layout = _layout(module, quiz.attempts_of(user, module))
    issued = int((now or utcnow()).timestamp())
    ticket = URLSafeSerializer(secret, salt=TICKET_SALT).dumps(
        {"u": user.id, "m": module.id, "f": quiz_fingerprint(module), "t": issued,
         "l": layout})
    return ticket, QuizAttempt(user_id=user.id, module_id=module.id, number=0, layout=layout)


def sign_copy(user: User, module: Module, secret: str, now: datetime | None = None) -> str:
    """When this learner's offline copy of ``module`` was saved, signed: a lesson
    read offline cannot have been opened before it was on the device."""
    return URLSafeSerializer(secret, salt=COPY_SALT).dumps(
        [user.id, module.id, int((now or utcnow()).timestamp())])


def copy_saved_at(token: str, user: User, module: Module, secret: str) -> datetime | None:
    """The saving time ``sign_copy`` signed for this learner and module, or None."""
    try:
        data = URLSafeSerializer(secret, salt=COPY_SALT).loads(token)
    except BadData:
        return None
    if (not isinstance(data, list) or len(data) != 3 or data[:2] != [user.id, module.id]
            or not isinstance(data[2], int)):
        return None
    return datetime.fromtimestamp(data[2], UTC)


def open_ticket(ticket: str, secret: str) -> dict[str, Any] | None:
    try:
        data = URLSafeSerializer(secret, salt=TICKET_SALT).loads(ticket)
    except BadData:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("l"), dict) else None


