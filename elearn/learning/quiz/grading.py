"""Saving, submitting and grading an attempt.

Correct answers live only in ``Module.quiz`` on the server and are read only
here and by the review. An attempt is graded exactly once: a conditional
update lets the first of two racing submits win. A pass that finishes the
course records the completion and issues its certificate
(``completion.complete_course_if_done``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ...certificates.issue import CertificateSettings
from ...content.quiz import normalize_answer
from ...errors import N_
from ...extensions import db
from ...models import AttemptItem, Course, CourseCompletion, Module, QuizAttempt, User
from ...models.people import as_utc, utcnow
from ..completion import complete_course_if_done
from ..errors import LearningError
from ..progress import progress_row
from .questions import ordered_questions, unanswered

#: A submit this late after the deadline still counts what it carries: the
#: page's own clock sends it at the deadline and the network takes a moment.
LATE_GRACE = timedelta(seconds=15)


class BlankSubmission(LearningError):
    """Nothing was answered: the attempt stays open and costs nothing."""


class NeedsConfirmation(LearningError):
    """Some questions are unanswered and the learner has not confirmed submitting."""

    def __init__(self, unanswered: list[int], total: int):
        self.unanswered, self.total = unanswered, total
        super().__init__(N_("%(missing)d of %(total)d questions are not answered yet."),
                         missing=len(unanswered), total=total)


def save_answers(user: User, module: Module, attempt: QuizAttempt,
                 answers: dict[str, Any]) -> datetime:
    """Keep the answers of an open attempt (autosave, "Simpan jawaban")."""
    _check_owner(user, module, attempt)
    if attempt.submitted_at is not None:
        raise LearningError(N_("This attempt has already been submitted."))
    if _expired(attempt):
        raise LearningError(N_("The time for this attempt is over; answers saved before "
                               "the deadline are graded."))
    now = utcnow()
    # Conditional update: a save racing a submit never changes a graded attempt.
    db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(answers=answers, saved_at=now)
        .execution_options(synchronize_session=False))
    db.session.refresh(attempt)
    return now


def _check_owner(user: User, module: Module, attempt: QuizAttempt) -> None:
    if attempt.user_id != user.id or attempt.module_id != module.id:
        raise LearningError(N_("This attempt is not yours."))


def grade_question(question: dict[str, Any], answer: Any) -> float:
    """Points earned for ``answer`` (a list of option keys, or a text)."""
    points = question["points"]
    if question["kind"] == "short_answer":
        given = normalize_answer(answer if isinstance(answer, str) else "")
        accepted = {normalize_answer(a) for a in question["answers"]}
        return float(points) if given and given in accepted else 0.0
    chosen = set(answer if isinstance(answer, list) else [])
    correct = {o["key"] for o in question["options"] if o["correct"]}
    if question["kind"] == "multiple":
        # Each correct choice earns a share; each wrong choice takes one back.
        right = len(chosen & correct)
        wrong = len(chosen - correct)
        return round(max(0.0, (right - wrong) / len(correct)) * points, 4)
    return float(points) if chosen == correct else 0.0


def submit_attempt(user: User, course: Course, module: Module, attempt: QuizAttempt,
                   answers: dict[str, Any], *, certificates: CertificateSettings,
                   confirmed: bool = True, at: datetime | None = None
                   ) -> tuple[QuizAttempt, CourseCompletion | None]:
    """Grade and record the attempt once; a repeated submit changes nothing.

    A blank submission raises BlankSubmission and one with unanswered
    questions, unless ``confirmed``, NeedsConfirmation: both keep the attempt
    open (the answers given are saved) and cost nothing. After the deadline,
    only the answers saved in time are graded. A pass that finishes the course
    records the completion and issues its certificate with ``certificates``.
    ``at``: when the learner submitted, if not now (a submit made offline, bounded).
    """
    _check_owner(user, module, attempt)
    if attempt.submitted_at is not None:
        return attempt, None
    if _expired(attempt):
        return _grade(user, course, module, attempt, attempt.answers or {}, certificates)
    deadline = as_utc(attempt.deadline)
    if deadline is not None and utcnow() >= deadline:
        # Time is up (the page submits by itself): grade what was sent, even if blank.
        return _grade(user, course, module, attempt, answers, certificates)
    missing = unanswered(module, attempt, answers)
    total = len(ordered_questions(module, attempt))
    if len(missing) == total:
        raise BlankSubmission(N_("You have not answered any question: answer at least one "
                                 "before submitting."))
    if missing and not confirmed:
        save_answers(user, module, attempt, answers)
        raise NeedsConfirmation(missing, total)
    return _grade(user, course, module, attempt, answers, certificates, at=at)


def close_if_expired(user: User, course: Course, module: Module, attempt: QuizAttempt, *,
                     certificates: CertificateSettings,
                     now: datetime | None = None) -> CourseCompletion | None:
    """Grade an open attempt whose time ran out on the answers saved in time.

    Returns the course completion if that passed the quiz and finished the course.
    """
    if attempt.submitted_at is not None or not _expired(attempt, now):
        return None
    _, completion = _grade(user, course, module, attempt, attempt.answers or {},
                           certificates)
    return completion


def _expired(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    deadline = as_utc(attempt.deadline)
    return deadline is not None and (now or utcnow()) > deadline + LATE_GRACE


def _grade(user: User, course: Course, module: Module, attempt: QuizAttempt,
           answers: dict[str, Any], certificates: CertificateSettings, *,
           at: datetime | None = None) -> tuple[QuizAttempt, CourseCompletion | None]:
    """Record the attempt's score once, the learner's best score and, on a pass,
    the quiz's completion (and the course's, if that was the last thing to do)."""
    feedback, items, score = _mark(module, attempt, answers)
    pretest = module.role == "pretest"
    # A pre-test has no pass mark: it is taken (done), never passed or failed.
    passed = None if pretest else score >= (module.pass_score or 0)
    # Conditional update: only the first of two racing submits changes the row.
    result = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=at or utcnow(), answers=answers, feedback=feedback, score=score,
                passed=passed)
        .execution_options(synchronize_session=False))
    db.session.refresh(attempt)
    if result.rowcount == 0:
        return attempt, None
    db.session.add_all(items)
    row = progress_row(user, module)
    if row.best_score is None or score > row.best_score:
        row.best_score = score
    if (passed or pretest) and row.completed_at is None:
        row.completed_at = at or utcnow()
    db.session.flush()
    if not passed:
        return attempt, None
    return attempt, complete_course_if_done(user, course, certificates, at=at)


def _mark(module: Module, attempt: QuizAttempt, answers: dict[str, Any]
          ) -> tuple[list[dict[str, Any]], list[AttemptItem], float]:
    """Per-question feedback, the attempt items to store and the score out of 100."""
    feedback, items, earned, possible = [], [], 0.0, 0
    for position, q in enumerate(ordered_questions(module, attempt), start=1):
        answer = answers.get(q["key"])
        points = grade_question(q, answer)
        earned += points
        possible += q["points"]
        feedback.append({
            "key": q["key"], "kind": q["kind"], "prompt_html": q["prompt_html"],
            "points": q["points"], "earned": points, "answer": answer,
            "options": [{"key": o["key"], "html": o["html"], "correct": o["correct"]}
                        for o in q["options"]],
            "answers": q["answers"], "explanation_html": q["explanation_html"],
        })
        items.append(AttemptItem(
            attempt_id=attempt.id, module_id=module.id, question_key=q["key"],
            position=position, points=q["points"], earned=points,
            correct=points >= q["points"], answer=answer))
    score = round(100 * earned / possible, 1) if possible else 0.0
    return feedback, items, score
