"""Recording, once, what was done offline: by the rules that hold online, with the
device's times kept within bounds the server can vouch for (see the package)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...certificates.issue import CertificateSettings
from ...errors import N_
from ...extensions import db
from ...models import Course, Module, ModuleProgress, OfflineSubmission, QuizAttempt, User
from ...models.people import as_utc, utcnow
from .. import quiz
from ..completion import complete_course_if_done
from ..errors import LearningError
from ..progress import get_enrollment, may_enrol, progress_row, published_modules
from .items import Item
from .saved import copy_saved_at, offline_quiz_refusal, open_ticket, quiz_fingerprint


class Busy(RuntimeError):
    """Another request was recording a different item of the same quiz at the same
    moment: the device sends this one again later."""


@dataclass
class Outcome:
    """How an item was settled: ``recorded`` or ``refused`` (for good), and why."""

    status: str
    message: str
    params: dict[str, Any]
    course_slug: str
    module_slug: str
    attempt_id: int | None = None

    def text(self, translate) -> str:
        translated = translate(self.message)
        return translated % self.params if self.params else translated


def _stored(row: OfflineSubmission) -> Outcome:
    return Outcome(row.status, row.message.get("text", ""), row.message.get("params", {}),
                   row.course_slug, row.module_slug, row.attempt_id)


def settle(user: User, item: Item, *, certificates: CertificateSettings, secret: str,
           now: datetime | None = None) -> Outcome:
    """Record or refuse ``item`` once; a second send of the same key gets the first
    outcome and changes nothing. The caller commits."""
    key = _settled_key(item)
    existing = _submission(user, key)
    if existing is not None:
        return _stored(existing)
    now = now or utcnow()
    try:
        with db.session.begin_nested():
            if item.kind == "completion":
                outcome, done_at = _complete_lesson(user, item, certificates, secret, now)
            elif item.kind == "quiz":
                outcome, done_at = _submit_quiz(user, item, certificates, secret, now)
            else:
                outcome, done_at = _submit_attempt(user, item, certificates, now)
            db.session.add(OfflineSubmission(
                user_id=user.id, key=key, kind=item.kind, status=outcome.status,
                message={"text": outcome.message, "params": outcome.params},
                course_slug=item.course, module_slug=item.module,
                attempt_id=outcome.attempt_id, done_at=done_at, received_at=now))
            db.session.flush()
    except IntegrityError:
        # The same item, sent twice at once: the other request settled it.
        existing = _submission(user, key)
        if existing is None:
            raise Busy() from None
        return _stored(existing)
    return outcome


def _settled_key(item: Item) -> str:
    """What makes two items the same: a lesson item's own key; for a quiz, its ticket,
    so one offline attempt is graded once even if it is sent under two keys."""
    if item.kind == "quiz":
        return "q" + hashlib.sha256(item.ticket.encode()).hexdigest()[:40]
    return item.key


def _submission(user: User, key: str) -> OfflineSubmission | None:
    return db.session.scalar(sa.select(OfflineSubmission).where(
        OfflineSubmission.user_id == user.id, OfflineSubmission.key == key))


def _refused(item: Item, error: LearningError) -> tuple[Outcome, None]:
    return Outcome("refused", error.message, error.params, item.course, item.module), None


def _course_and_module(user: User, item: Item) -> tuple[Course, Module]:
    course = db.session.scalar(sa.select(Course).where(Course.slug == item.course))
    if course is None or not may_enrol(user, course):
        raise LearningError(N_("This course is no longer available."))
    module = next((m for m in published_modules(course) if m.slug == item.module), None)
    if module is None:
        raise LearningError(N_("This module is no longer part of the course."))
    return course, module


def _bounded(moment: datetime, floor: datetime, now: datetime) -> datetime:
    """A device's time, never before ``floor`` (enrolment) nor after ``now``."""
    return min(max(moment, floor), now)


def _complete_lesson(user: User, item: Item, certificates: CertificateSettings,
                     secret: str, now: datetime) -> tuple[Outcome, datetime | None]:
    try:
        course, module = _course_and_module(user, item)
        if module.kind != "lesson":
            raise LearningError(N_("A quiz is completed by passing it."))
        enrollment = get_enrollment(user, course)
        if enrollment is None:
            raise LearningError(N_("You are not enrolled in this course."))
    except LearningError as exc:
        return _refused(item, exc)
    enrolled = as_utc(enrollment.enrolled_at)
    done = _bounded(item.done_at, enrolled, now)
    row = db.session.scalar(sa.select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id))
    if row is not None and row.completed_at is not None:
        return Outcome("recorded", N_("“%(title)s” was already completed."),
                       {"title": module.title}, item.course, item.module), as_utc(row.completed_at)
    openings = [as_utc(row.first_opened_at)] if row is not None else []
    # The device's opening counts only on the copy it was saved as, and not before then.
    saved_at = copy_saved_at(item.since, user, module, secret) if item.since else None
    if item.opened_at is not None and saved_at is not None:
        openings.append(_bounded(item.opened_at, max(enrolled, saved_at), done))
    opened = min(openings) if openings else None
    required = (timedelta(minutes=module.minutes * course.min_reading_percent / 100)
                if course.min_reading_percent else timedelta(0))
    if required and (opened is None or done - opened < required):
        return _refused(item, LearningError(N_(
            "“%(title)s” was marked completed offline before its reading time "
            "(%(minutes)d minutes): open it again and mark it once you have read it."),
            title=module.title, minutes=max(1, round(required.total_seconds() / 60))))
    if row is None:
        row = progress_row(user, module)
        row.first_opened_at = row.last_opened_at = opened or done
    row.completed_at = done
    db.session.flush()
    completion = complete_course_if_done(user, course, certificates, at=done)
    if completion is not None:
        return Outcome("recorded", N_("“%(title)s” is completed, and with it the course: "
                                      "%(jp)d JP earned."),
                       {"title": module.title, "jp": completion.jp},
                       item.course, item.module), done
    return Outcome("recorded", N_("“%(title)s” is recorded as completed."),
                   {"title": module.title}, item.course, item.module), done


def _submit_quiz(user: User, item: Item, certificates: CertificateSettings, secret: str,
                 now: datetime) -> tuple[Outcome, datetime | None]:
    ticket = open_ticket(item.ticket, secret)
    try:
        course, module = _course_and_module(user, item)
        if ticket is None or ticket.get("u") != user.id or ticket.get("m") != module.id:
            raise LearningError(N_("This offline copy of the quiz is not valid: take the "
                                   "quiz online."))
        if ticket.get("f") != quiz_fingerprint(module):
            raise LearningError(N_("The quiz changed after you saved it: take it again "
                                   "online."))
        enrollment = get_enrollment(user, course)
        if enrollment is None:
            raise LearningError(N_("You are not enrolled in this course."))
        refusal = offline_quiz_refusal(user, course, module)
        if refusal is not None:
            raise refusal
        if quiz.lessons_still_open(user, course, module):
            raise LearningError(N_("Complete the lessons before this quiz first."))
        if module.role == "pretest" and _has_completed_counted(user, course):
            raise LearningError(N_("The pre-test is taken before the lessons, and you have "
                                   "already completed some of them."))
    except LearningError as exc:
        return _refused(item, exc)
    issued = datetime.fromtimestamp(int(ticket.get("t", 0)), UTC)
    floor = max(as_utc(enrollment.enrolled_at), issued)
    started = _bounded(item.started_at or item.done_at, floor, now)
    submitted = _bounded(item.done_at, started, now)
    attempts = quiz.attempts_of(user, module)
    if quiz.next_attempt_at(module, attempts, now=started) is not None:
        return _refused(item, LearningError(N_(
            "This quiz was started offline before the wait after your last attempt was "
            "over: take it again online.")))
    attempt = QuizAttempt(user_id=user.id, module_id=module.id,
                          number=max((a.number for a in attempts), default=0) + 1,
                          layout=ticket["l"], started_at=started)
    answers = quiz.read_answers(module, attempt, lambda name: item.answers.get(name, []))
    if len(quiz.unanswered(module, attempt, answers)) == len(
            quiz.ordered_questions(module, attempt)):
        return _refused(item, quiz.BlankSubmission(N_(
            "The quiz was sent offline with no answer: nothing was recorded.")))
    db.session.add(attempt)
    db.session.flush()
    attempt, completion = quiz.submit_attempt(
        user, course, module, attempt, answers, certificates=certificates, confirmed=True,
        at=submitted)
    params = {"title": module.title, "score": attempt.score}
    if completion is not None:
        message = N_("“%(title)s” is graded (%(score)s) and the course is completed.")
    else:
        message = N_("“%(title)s” is graded: %(score)s.")
    return Outcome("recorded", message, params, item.course, item.module,
                   attempt.id), submitted


def _submit_attempt(user: User, item: Item, certificates: CertificateSettings,
                    now: datetime) -> tuple[Outcome, datetime | None]:
    """An attempt started online, submitted while the connection was away: graded as
    its own page's submit would have been. Arriving after the attempt's deadline, it
    is graded on the answers saved on the server before the deadline (grading.py)."""
    try:
        course, module = _course_and_module(user, item)
        attempt = db.session.get(QuizAttempt, item.attempt)
        if attempt is None or attempt.user_id != user.id or attempt.module_id != module.id:
            raise LearningError(N_("This attempt is not yours."))
    except LearningError as exc:
        return _refused(item, exc)
    if attempt.submitted_at is not None:
        return Outcome("recorded", N_("“%(title)s” was already graded: %(score)s."),
                       {"title": module.title, "score": attempt.score}, item.course,
                       item.module, attempt.id), as_utc(attempt.submitted_at)
    done = _bounded(item.done_at, as_utc(attempt.started_at), now)
    if attempt.deadline is not None:
        done = min(done, as_utc(attempt.deadline) + quiz.LATE_GRACE)
    answers = quiz.read_answers(module, attempt, lambda name: item.answers.get(name, []))
    try:
        attempt, completion = quiz.submit_attempt(user, course, module, attempt, answers,
                                                  certificates=certificates, confirmed=True,
                                                  at=done)
    except quiz.BlankSubmission:
        return _refused(item, LearningError(N_(
            "The quiz was sent offline with no answer: nothing was recorded.")))
    message = (N_("“%(title)s” is graded (%(score)s) and the course is completed.")
               if completion is not None else N_("“%(title)s” is graded: %(score)s."))
    return Outcome("recorded", message, {"title": module.title, "score": attempt.score},
                   item.course, item.module, attempt.id), done


def _has_completed_counted(user: User, course: Course) -> bool:
    counted = [m.id for m in published_modules(course) if m.counts]
    return bool(counted) and db.session.scalar(sa.select(ModuleProgress.id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(counted),
        ModuleProgress.completed_at.is_not(None)).limit(1)) is not None
