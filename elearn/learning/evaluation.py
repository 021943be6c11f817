"""Course evaluations and module feedback: what learners say of the training.

After completing a course a learner rates it on the installation's questions
(1-5 each) and may add a comment: one evaluation per learner and course (a
database constraint), which they may change for ``EDIT_DAYS`` days after giving
it. A course can make its evaluation required: its certificate then waits for
it (``completion.complete_course_if_done`` holds it back, ``submit_evaluation``
issues it). At the end of a lesson a learner may say whether it helped, once
per module, changeable at any time.

The questions come from ``EVALUATION_QUESTIONS_FILE`` (YAML: a list of
``key``, ``id`` and ``en`` texts), else the default Indonesian set below. A
rating is stored by its question's key, so a changed set keeps past answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..certificates.issue import CertificateSettings, issue_certificate
from ..errors import N_
from ..extensions import db
from ..models import (
    Certificate,
    Course,
    CourseCompletion,
    CourseEvaluation,
    EvaluationRating,
    Module,
    ModuleFeedback,
    User,
)
from ..models.evaluation import COMMENT_MAX, RATING_MAX, RATING_MIN
from ..models.people import as_utc, utcnow
from .completion import get_completion
from .errors import LearningError

#: An evaluation may be changed for this long after it was first given.
EDIT_DAYS = 14
#: At most this many questions in a set (a form, not a survey tool).
MAX_QUESTIONS = 20
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Question:
    key: str
    texts: dict[str, str]  # by language

    def text(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts.get("id") or next(iter(self.texts.values()))


#: The default set: relevance, clarity, method and media, overall.
DEFAULT_QUESTIONS = (
    Question("relevance", {"id": "Relevansi materi dengan pekerjaan Anda",
                           "en": "Relevance of the material to your job"}),
    Question("clarity", {"id": "Kejelasan materi", "en": "Clarity of the material"}),
    Question("method", {"id": "Kualitas metode dan media pembelajaran",
                        "en": "Quality of the teaching method and media"}),
    Question("overall", {"id": "Penilaian keseluruhan", "en": "Overall rating"}),
)


class QuestionFileError(ValueError):
    """The questions file is unusable; the message names the file and line."""


def load_questions(path: str) -> tuple[Question, ...]:
    """The installation's questions: ``path`` (YAML), or the default set when empty."""
    if not path:
        return DEFAULT_QUESTIONS
    import yaml  # only for an installation's own file: pages never need it

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(f"{path}:1: cannot read the evaluation questions: {exc}") \
            from exc
    except yaml.YAMLError as exc:
        # Where the broken construct began (an unclosed bracket), else where it broke.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = getattr(mark, "line", 0) + 1
        raise QuestionFileError(f"{path}:{line}: not valid YAML") from exc
    return _questions_from(path, data)


def _questions_from(path: str, data) -> tuple[Question, ...]:
    if not isinstance(data, list) or not data:
        raise QuestionFileError(f"{path}:1: expected a list of questions "
                                "(each with key, id and en)")
    if len(data) > MAX_QUESTIONS:
        raise QuestionFileError(f"{path}:1: at most {MAX_QUESTIONS} questions")
    questions, seen = [], set()
    for number, item in enumerate(data, 1):
        where = f"{path}: question {number}"
        if not isinstance(item, dict):
            raise QuestionFileError(f"{where}: expected key, id and en")
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise QuestionFileError(f"{where}: key must be lower-case letters, digits and _ "
                                    "(up to 40), starting with a letter")
        if key in seen:
            raise QuestionFileError(f"{where}: key '{key}' is used twice")
        seen.add(key)
        texts = {lang: item.get(lang) for lang in ("id", "en") if item.get(lang)}
        if "id" not in texts or not all(isinstance(t, str) and len(t) <= 200
                                        for t in texts.values()):
            raise QuestionFileError(f"{where}: 'id' (Indonesian text) is required; "
                                    "texts are at most 200 characters")
        questions.append(Question(key, texts))
    return tuple(questions)


# --- course evaluations -----------------------------------------------------------------

def get_evaluation(user: User, course: Course) -> CourseEvaluation | None:
    return db.session.scalar(sa.select(CourseEvaluation).where(
        CourseEvaluation.user_id == user.id, CourseEvaluation.course_id == course.id))


def editable_until(evaluation: CourseEvaluation):
    return as_utc(evaluation.created_at) + timedelta(days=EDIT_DAYS)


def is_editable(evaluation: CourseEvaluation | None, now=None) -> bool:
    return evaluation is None or (now or utcnow()) < editable_until(evaluation)


def submit_evaluation(user: User, course: Course, ratings: dict[str, int], comment: str,
                      *, questions: tuple[Question, ...],
                      certificates: CertificateSettings) -> tuple[CourseEvaluation, bool]:
    """Record or change the learner's evaluation of a completed course.

    Every question needs a rating from 1 to 5. Returns the evaluation and whether
    its certificate was issued now (a course whose evaluation is required)."""
    completion = get_completion(user, course)
    if completion is None:
        raise LearningError(N_("Complete the course before you evaluate it."))
    clean = _checked(ratings, comment, questions)
    evaluation = get_evaluation(user, course)
    if evaluation is not None and not is_editable(evaluation):
        raise LearningError(N_("An evaluation can be changed for %(days)d days after it "
                               "is given; that time is over."), days=EDIT_DAYS)
    now = utcnow()
    if evaluation is None:
        evaluation = CourseEvaluation(user_id=user.id, course_id=course.id, created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(evaluation)
        except IntegrityError:  # given by a concurrent request: change that one
            evaluation = get_evaluation(user, course)
    evaluation.comment = clean.pop("", None)
    evaluation.updated_at = now
    evaluation.ratings = [EvaluationRating(question_key=key, rating=value)
                          for key, value in clean.items()]
    db.session.flush()
    return evaluation, _issue_waiting_certificate(completion, certificates)


def _checked(ratings: dict[str, int], comment: str,
             questions: tuple[Question, ...]) -> dict:
    """The ratings by key, and the comment under the key ""; raises on a missing or
    out-of-range rating, or a comment over the limit."""
    clean: dict = {}
    for q in questions:
        value = ratings.get(q.key)
        if not isinstance(value, int) or isinstance(value, bool) \
                or not RATING_MIN <= value <= RATING_MAX:
            raise LearningError(N_("Give every question a rating from %(low)d to %(high)d."),
                                low=RATING_MIN, high=RATING_MAX)
        clean[q.key] = value
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise LearningError(N_("The comment is longer than %(limit)d characters."),
                            limit=COMMENT_MAX)
    clean[""] = comment or None
    return clean


def _issue_waiting_certificate(completion: CourseCompletion,
                               certificates: CertificateSettings) -> bool:
    """Issue the completion's certificate if it has none yet (it waited for this)."""
    has_one = db.session.scalar(sa.select(Certificate.id).where(
        Certificate.completion_id == completion.id).limit(1))
    if has_one is not None:
        return False
    issue_certificate(completion, pattern=certificates.pattern, tz=certificates.tz)
    return True


# --- module feedback ------------------------------------------------------------------

def get_feedback(user: User, module: Module) -> ModuleFeedback | None:
    return db.session.scalar(sa.select(ModuleFeedback).where(
        ModuleFeedback.user_id == user.id, ModuleFeedback.module_id == module.id))


def give_feedback(user: User, module: Module, helpful: bool, comment: str) -> ModuleFeedback:
    """Record or change the learner's "was this module helpful?"."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise LearningError(N_("The comment is longer than %(limit)d characters."),
                            limit=COMMENT_MAX)
    row = get_feedback(user, module)
    now = utcnow()
    if row is None:
        row = ModuleFeedback(user_id=user.id, module_id=module.id, helpful=helpful,
                             created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # a concurrent answer: change that one
            row = get_feedback(user, module)
    row.helpful = helpful
    row.comment = comment or None
    row.updated_at = now
    db.session.flush()
    return row
