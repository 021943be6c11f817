"""Quiz attempts: what opens a quiz, what each attempt asks, how it is graded
and what the learner may see afterwards.

Correct answers live only in ``Module.quiz`` on the server. A page shows
questions through ``questions_for_attempt``, which drops every answer and
explanation, and names options by tokens drawn afresh for each attempt, so
nothing learnt from one attempt's page identifies an option in the next.
What a submitted attempt reveals is decided by ``review_of`` (the quiz's
review policy), never by the template alone.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..certificates.issue import CertificateSettings
from ..content.quiz import normalize_answer
from ..errors import N_
from ..extensions import db
from ..models import AttemptItem, Course, CourseCompletion, Module, QuizAttempt, User
from ..models.people import as_utc, utcnow
from .completion import complete_course_if_done
from .errors import LearningError
from .progress import enrol, progress_map, progress_row, published_modules

#: A submit this late after the deadline still counts what it carries: the
#: page's own clock sends it at the deadline and the network takes a moment.
LATE_GRACE = timedelta(seconds=15)
#: Longest short answer kept.
MAX_TEXT_ANSWER = 500


class BlankSubmission(LearningError):
    """Nothing was answered: the attempt stays open and costs nothing."""


class NeedsConfirmation(LearningError):
    """Some questions are unanswered and the learner has not confirmed submitting."""

    def __init__(self, unanswered: list[int], total: int):
        self.unanswered, self.total = unanswered, total
        super().__init__(N_("%(missing)d of %(total)d questions are not answered yet."),
                         missing=len(unanswered), total=total)


@dataclass
class ShownOption:
    token: str
    html: str
    chosen: bool = False


@dataclass
class ShownQuestion:
    """A question as the learner sees it before submitting: no answers, no explanation."""

    key: str
    number: int
    kind: str
    points: int
    prompt_html: str
    options: list[ShownOption] = field(default_factory=list)
    text: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.text.strip()) if self.kind == "short_answer" else any(
            o.chosen for o in self.options)


@dataclass(frozen=True)
class Review:
    """What a submitted attempt shows beyond its score."""

    correctness: bool  # which questions were right, partly right or wrong
    answers: bool      # the correct options and accepted short answers
    explanations: bool


# -- state of a learner at a quiz ---------------------------------------------

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


def lessons_still_open(user: User, course: Course, module: Module) -> list[Module]:
    """The published lessons before this quiz that the learner has not completed yet."""
    if not module.require_lessons:
        return []
    lessons = [m for m in published_modules(course)
               if m.kind == "lesson" and m.position < module.position]
    done = progress_map(user, lessons)
    return [m for m in lessons if done.get(m.id) is None or done[m.id].completed_at is None]


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


def review_of(module: Module, attempts: list[QuizAttempt]) -> Review:
    """The quiz's review policy applied to the learner's attempts so far.

    after_pass (default): which questions were wrong after every attempt;
    correct answers and explanations only once the quiz is passed or no
    attempt is left. after_last_attempt: those only once no attempt is left.
    immediately: everything. never: the score only.
    """
    policy = module.review_policy or "after_pass"
    if policy == "immediately":
        return Review(True, True, True)
    if policy == "never":
        return Review(False, False, False)
    finished = attempts_left(module, attempts) == 0 and not any(
        a.submitted_at is None for a in attempts)
    full = finished or (policy == "after_pass" and has_passed(attempts))
    return Review(True, full, full)


# -- starting ------------------------------------------------------------------

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


# -- showing -------------------------------------------------------------------

def _option_pairs(attempt: QuizAttempt, question_key: str) -> list[tuple[str, str]]:
    """(option key, token) in the attempt's order; attempts begun before tokens
    existed used the option key itself."""
    entries = attempt.layout.get("options", {}).get(question_key, [])
    return [(e, e) if isinstance(e, str) else (e[0], e[1]) for e in entries]


def _ordered_questions(module: Module, attempt: QuizAttempt) -> list[dict[str, Any]]:
    by_key = {q["key"]: q for q in module.quiz["questions"]}
    order = [k for k in attempt.layout["questions"] if k in by_key]
    if not attempt.layout.get("drawn"):
        order += [k for k in by_key if k not in order]  # added after the attempt began
    return [by_key[k] for k in order]


def questions_for_attempt(module: Module, attempt: QuizAttempt,
                          answers: dict[str, Any] | None = None) -> list[ShownQuestion]:
    """The attempt's questions, each with the answer given so far (saved, or ``answers``)."""
    given = (attempt.answers or {}) if answers is None else answers
    shown = []
    for number, q in enumerate(_ordered_questions(module, attempt), start=1):
        options = {o["key"]: o for o in q["options"]}
        pairs = [(k, t) for k, t in _option_pairs(attempt, q["key"]) if k in options]
        pairs += [(k, k) for k in options if k not in {p[0] for p in pairs}]
        answer = given.get(q["key"])
        chosen = set(answer) if isinstance(answer, list) else set()
        shown.append(ShownQuestion(
            key=q["key"], number=number, kind=q["kind"], points=q["points"],
            prompt_html=q["prompt_html"],
            options=[ShownOption(token, options[key]["html"], key in chosen)
                     for key, token in pairs],
            text=answer if isinstance(answer, str) else ""))
    return shown


def read_answers(module: Module, attempt: QuizAttempt, getlist) -> dict[str, Any]:
    """The answers in a submitted form (``getlist(name)``), as option keys and texts.

    Only this attempt's tokens count: a value from another attempt's page,
    or an option key, names nothing.
    """
    answers: dict[str, Any] = {}
    for q in _ordered_questions(module, attempt):
        values = getlist(f"q-{q['key']}")
        if q["kind"] == "short_answer":
            answers[q["key"]] = (values[0] if values else "")[:MAX_TEXT_ANSWER]
            continue
        by_token = {token: key for key, token in _option_pairs(attempt, q["key"])}
        keys = [by_token[v] for v in values if v in by_token]
        if q["kind"] != "multiple":
            keys = keys[:1]
        answers[q["key"]] = list(dict.fromkeys(keys))
    return answers


def unanswered(module: Module, attempt: QuizAttempt, answers: dict[str, Any]) -> list[int]:
    """Numbers (1-based, as shown) of the questions without an answer."""
    return [q.number for q in questions_for_attempt(module, attempt, answers) if not q.answered]


# -- saving and submitting ---------------------------------------------------------

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
                   confirmed: bool = True) -> tuple[QuizAttempt, CourseCompletion | None]:
    """Grade and record the attempt once; a repeated submit changes nothing.

    A blank submission raises BlankSubmission and one with unanswered
    questions, unless ``confirmed``, NeedsConfirmation: both keep the attempt
    open (the answers given are saved) and cost nothing. After the deadline,
    only the answers saved in time are graded. A pass that finishes the course
    records the completion and issues its certificate with ``certificates``.
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
    total = len(_ordered_questions(module, attempt))
    if len(missing) == total:
        raise BlankSubmission(N_("You have not answered any question: answer at least one "
                                 "before submitting."))
    if missing and not confirmed:
        save_answers(user, module, attempt, answers)
        raise NeedsConfirmation(missing, total)
    return _grade(user, course, module, attempt, answers, certificates)


def _grade(user: User, course: Course, module: Module, attempt: QuizAttempt,
           answers: dict[str, Any], certificates: CertificateSettings
           ) -> tuple[QuizAttempt, CourseCompletion | None]:
    questions = _ordered_questions(module, attempt)
    feedback, items, earned, possible = [], [], 0.0, 0
    for position, q in enumerate(questions, start=1):
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
    db.session.add_all(items)
    row = progress_row(user, module)
    if row.best_score is None or score > row.best_score:
        row.best_score = score
    if passed and row.completed_at is None:
        row.completed_at = utcnow()
    db.session.flush()
    if not passed:
        return attempt, None
    return attempt, complete_course_if_done(user, course, certificates)


# -- item statistics -------------------------------------------------------------

@dataclass
class ItemStatistic:
    question_key: str
    asked: int
    correct: int
    mean_share: float  # average share of the question's points earned

    @property
    def percent_correct(self) -> int:
        return round(100 * self.correct / self.asked) if self.asked else 0


def item_statistics(module: Module) -> dict[str, ItemStatistic]:
    """Per question: how often it was drawn into a submitted attempt and answered right.

    One aggregate query over the attempt items, whatever the number of attempts.
    """
    rows = db.session.execute(
        sa.select(AttemptItem.question_key, sa.func.count(),
                  sa.func.sum(sa.case((AttemptItem.correct, 1), else_=0)),
                  sa.func.avg(AttemptItem.earned / AttemptItem.points))
        .where(AttemptItem.module_id == module.id)
        .group_by(AttemptItem.question_key))
    return {key: ItemStatistic(key, int(asked), int(correct or 0), float(share or 0))
            for key, asked, correct, share in rows}
