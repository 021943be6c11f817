"""Quiz attempts: per-attempt order, server-side grading, exactly-once submission.

Correct answers live only in ``Module.quiz`` on the server. A page shows
questions through ``questions_for_attempt``, which drops every answer and
explanation; they reach the learner only in the feedback of a submitted
attempt.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..content.model import N_
from ..content.quiz import normalize_answer
from ..extensions import db
from ..models import Course, CourseCompletion, Module, QuizAttempt, User
from ..models.people import utcnow
from .progress import LearningError, _progress_row, enrol, record_completion_if_done


@dataclass
class ShownOption:
    key: str
    html: str


@dataclass
class ShownQuestion:
    """A question as the learner sees it before submitting: no answers, no explanation."""

    key: str
    kind: str
    points: int
    prompt_html: str
    options: list[ShownOption] = field(default_factory=list)


def attempts_of(user: User, module: Module) -> list[QuizAttempt]:
    return list(db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id)
        .order_by(QuizAttempt.number)))


def attempts_left(module: Module, attempts: list[QuizAttempt]) -> int | None:
    """None when unlimited."""
    if not module.max_attempts:
        return None
    used = sum(1 for a in attempts if a.submitted_at is not None)
    return max(0, module.max_attempts - used)


def start_attempt(user: User, course: Course, module: Module) -> QuizAttempt:
    """The learner's open attempt, or a new one if attempts are left."""
    if module.kind != "quiz":
        raise LearningError(N_("This module is not a quiz."))
    enrol(user, course)
    attempts = attempts_of(user, module)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None:
        return open_attempt
    if attempts_left(module, attempts) == 0:
        raise LearningError(N_("You have used all %(n)d attempts at this quiz."),
                            n=module.max_attempts)
    attempt = QuizAttempt(user_id=user.id, module_id=module.id,
                          number=max((a.number for a in attempts), default=0) + 1,
                          layout=_layout(module))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # a concurrent request started one: use it
        return next(a for a in attempts_of(user, module) if a.submitted_at is None)
    return attempt


def _layout(module: Module) -> dict[str, Any]:
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - an order, not a secret
    questions = list(module.quiz["questions"])
    if module.shuffle_questions:
        rng.shuffle(questions)
    options = {}
    for q in questions:
        keys = [o["key"] for o in q["options"]]
        if module.shuffle and q["kind"] != "true_false":
            rng.shuffle(keys)
        options[q["key"]] = keys
    return {"questions": [q["key"] for q in questions], "options": options}


def _ordered_questions(module: Module, attempt: QuizAttempt) -> list[dict[str, Any]]:
    by_key = {q["key"]: q for q in module.quiz["questions"]}
    order = [k for k in attempt.layout["questions"] if k in by_key]
    order += [k for k in by_key if k not in order]  # added after the attempt began
    return [by_key[k] for k in order]


def questions_for_attempt(module: Module, attempt: QuizAttempt) -> list[ShownQuestion]:
    shown = []
    for q in _ordered_questions(module, attempt):
        options = {o["key"]: o for o in q["options"]}
        order = [k for k in attempt.layout["options"].get(q["key"], []) if k in options]
        order += [k for k in options if k not in order]
        shown.append(ShownQuestion(
            key=q["key"], kind=q["kind"], points=q["points"], prompt_html=q["prompt_html"],
            options=[ShownOption(k, options[k]["html"]) for k in order]))
    return shown


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
                   answers: dict[str, Any]) -> tuple[QuizAttempt, CourseCompletion | None]:
    """Grade and record the attempt once; a repeated submit changes nothing."""
    if attempt.user_id != user.id or attempt.module_id != module.id:
        raise LearningError(N_("This attempt is not yours."))
    if attempt.submitted_at is not None:
        return attempt, None
    questions = _ordered_questions(module, attempt)
    feedback, earned, possible = [], 0.0, 0
    for q in questions:
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
    score = round(100 * earned / possible, 1) if possible else 0.0
    passed = score >= (module.pass_score or 0)
    # Conditional update: only the first of two racing submits changes the row.
    result = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=utcnow(), answers=answers, feedback=feedback, score=score,
                passed=passed)
        .execution_options(synchronize_session=False))
    db.session.refresh(attempt)
    if result.rowcount == 0:
        return attempt, None
    row = _progress_row(user, module)
    if row.best_score is None or score > row.best_score:
        row.best_score = score
    if passed and row.completed_at is None:
        row.completed_at = utcnow()
    db.session.flush()
    return attempt, record_completion_if_done(user, course) if passed else None
