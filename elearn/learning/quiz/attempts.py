"""What opens a quiz and what each attempt asks.

An attempt's layout (the questions drawn, their order and a fresh token per
option) is fixed when it starts; the rules that may refuse a new attempt
(lessons first, attempts left, the wait after a failed attempt) are checked
here, on the server.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...certificates.issue import CertificateSettings
from ...errors import N_
from ...extensions import db
from ...models import Course, Module, ModuleProgress, QuizAttempt, User
from ...models.people import as_utc, utcnow
from ..errors import LearningError
from ..progress import enrol, progress_map, published_modules
from .grading import close_if_expired


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


def has_passed(attempts: list[QuizAttempt]) -> bool:
    return any(a.passed for a in attempts if a.submitted_at is not None)


def lessons_still_open(user: User, course: Course, module: Module,
                       progress: dict[int, ModuleProgress] | None = None, *,
                       modules: list | None = None) -> list[Module]:
    """The published lessons before this quiz that the learner has not completed yet.

    ``progress``: the learner's progress (anything with ``completed_at``) by module id,
    if the caller has it; ``modules``: the course's published modules, if the caller
    has them (mapped modules or outline rows: id, kind, position)."""
    if not module.require_lessons:
        return []
    published = published_modules(course) if modules is None else modules
    lessons = [m for m in published if m.kind == "lesson" and m.position < module.position]
    done = progress_map(user, lessons) if progress is None else progress
    return [m for m in lessons if done.get(m.id) is None or done[m.id].completed_at is None]


def _has_completed_any(user: User, course: Course) -> bool:
    """Whether the learner completed a module that counts (a lesson or graded quiz)."""
    counted = [m for m in published_modules(course) if m.counts]
    return any(p.completed_at is not None for p in progress_map(user, counted).values())


def next_attempt_at(module: Module, attempts: list[QuizAttempt],
                    now: datetime | None = None) -> datetime | None:
    """When the retry wait after the last failed attempt ends, if it has not yet."""
    if not module.retry_after_seconds:
        return None
    submitted = [as_utc(a.submitted_at) for a in attempts
                 if a.submitted_at is not None and not a.passed]
    if not submitted:
        return None
    at = max(submitted) + timedelta(seconds=module.retry_after_seconds)
    return at if at > (now or utcnow()) else None


def start_attempt(user: User, course: Course, module: Module, *,
                  certificates: CertificateSettings) -> QuizAttempt:
    """The learner's open attempt, or a new one if the quiz's rules allow it.

    An open attempt whose time ran out is graded first (``certificates`` serve
    if that completes the course).
    """
    if module.kind != "quiz":
        raise LearningError(N_("This module is not a quiz."))
    enrol(user, course)
    attempts = attempts_of(user, module)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None:
        if close_if_expired(user, course, module, open_attempt,
                            certificates=certificates) is None \
                and open_attempt.submitted_at is None:
            return open_attempt
        attempts = attempts_of(user, module)
    if module.role == "pretest" and _has_completed_any(user, course):
        raise LearningError(N_("The pre-test is taken before the lessons, and you have "
                               "already completed some of them."))
    if lessons_still_open(user, course, module):
        raise LearningError(N_("Complete the lessons before this quiz first."))
    if has_passed(attempts):
        raise LearningError(N_("You have already passed this quiz."))
    if attempts_left(module, attempts) == 0:
        raise LearningError(N_("You have used all %(n)d attempts at this quiz."),
                            n=module.max_attempts)
    wait_until = next_attempt_at(module, attempts)
    if wait_until is not None:
        raise LearningError(N_("You can try again in %(minutes)d minute(s)."),
                            minutes=max(1, -(-int((wait_until - utcnow()).total_seconds())
                                             // 60)))
    now = utcnow()
    attempt = QuizAttempt(
        user_id=user.id, module_id=module.id,
        number=max((a.number for a in attempts), default=0) + 1,
        layout=_layout(module, attempts), started_at=now,
        deadline=now + timedelta(seconds=module.time_limit_seconds)
        if module.time_limit_seconds else None)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # a concurrent request started one: use it
        return next(a for a in attempts_of(user, module) if a.submitted_at is None)
    return attempt


def _layout(module: Module, earlier: list[QuizAttempt]) -> dict[str, Any]:
    """The questions this attempt asks, in order, and a fresh token per option."""
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - an order, not a secret
    questions = list(module.quiz["questions"])
    draw = module.quiz.get("draw")
    if draw:
        questions = _draw(questions, draw, earlier, rng)
    if module.shuffle_questions:
        rng.shuffle(questions)
    options = {}
    for q in questions:
        keys = [o["key"] for o in q["options"]]
        if module.shuffle and q["kind"] != "true_false":
            rng.shuffle(keys)
        tokens = set()
        while len(tokens) < len(keys):
            tokens.add(secrets.token_hex(4))
        options[q["key"]] = [[key, token] for key, token in zip(keys, tokens, strict=True)]
    return {"questions": [q["key"] for q in questions], "options": options,
            "drawn": bool(draw)}


def _draw(questions: list[dict], draw: dict[str, int], earlier: list[QuizAttempt],
          rng: random.Random) -> list[dict]:
    """Pick the pool's questions for one attempt, per group (``*`` = all).

    Questions asked least often in the learner's earlier attempts come first,
    so a second attempt always differs from the first when the pool allows.
    """
    asked = Counter(key for a in earlier for key in a.layout.get("questions", []))
    chosen: set[str] = set()
    for group, count in draw.items():
        candidates = [q for q in questions if group == "*" or q.get("group") == group]
        candidates.sort(key=lambda q: (asked[q["key"]], rng.random()))
        chosen.update(q["key"] for q in candidates[:count])
    return [q for q in questions if q["key"] in chosen]  # in the author's order
