"""Item analysis of a quiz: how each question fares on learners' first attempts.

``item_analysis(module_id)`` gives one ``ItemAnalysis`` per question of the
quiz, in the order of ``module.quiz["questions"]``; a question never drawn
into a first attempt is listed with zero counts. Attempt items whose question
is no longer in the quiz are left out. Exact definitions:

* **first attempt**: the learner's attempt number 1 at the quiz, if submitted.
  Later attempts and open (unsubmitted) attempts are never counted; a learner
  whose attempt number 1 is still open has no first attempt.
* ``first_attempts``: how many first attempts included the question (an
  ``AttemptItem`` row); ``correct_first``: how many of those earned its full
  points (``AttemptItem.correct``); ``share_correct_first`` =
  correct_first / first_attempts, None when first_attempts is 0.
* **groups**: the n learners with a first attempt are ranked by its score,
  highest first, ties broken by user id (lower id ranks higher); rank 1..n
  comes from ``row_number()`` and n from ``count(*)`` over the same window.
  Each group holds g = max(1, floor(GROUP_SHARE * n)) learners (exact
  integer arithmetic: rank * 100 <= n * 27): the upper group ranks 1..g,
  the lower group ranks n-g+1..n.
* ``upper`` / ``lower``: per group, how many of its learners were asked the
  question (``asked``) and how many of those answered it fully correct
  (``correct``); learners of a group not asked the question are left out of
  that group's share.
* ``discrimination`` = upper share correct - lower share correct (-1..1);
  None when n < MIN_LEARNERS_FOR_DISCRIMINATION or either group has nobody
  asked the question.
* ``options`` (single, multiple and true_false questions; empty for short
  answers): per option of the question, in the quiz's order, ``chosen`` = how
  many first attempts asked the question chose it, and ``share`` = chosen /
  first_attempts (None when 0 asked). Answer keys that are not options of the
  question are ignored; an option listed twice in one answer counts once.
* ``flags``: ``TOO_HARD`` when first_attempts >= MIN_ASKED_FOR_FLAG and
  share_correct_first < TOO_HARD_SHARE; ``NEGATIVE_DISCRIMINATION`` when
  discrimination is not None and < 0; in that order.

Every figure comes from three queries whatever the number of attempts: the
module, the per-question counts (grouped by question) and the option counts
(grouped by question and stored answer, the answer's JSON cast to text so
PostgreSQL's ``json`` can be grouped; the option keys are split in Python
from those aggregated rows, one per distinct answer).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import AttemptItem, Module, QuizAttempt

TOO_HARD = "too_hard"
NEGATIVE_DISCRIMINATION = "negative_discrimination"

#: A question is flagged too hard only once this many first attempts asked it.
MIN_ASKED_FOR_FLAG = 5
#: Below this share of correct first attempts a question is too hard.
TOO_HARD_SHARE = 0.2
#: The upper and lower groups each hold this share of the learners (rounded down).
GROUP_SHARE = 0.27
#: With fewer learners having a first attempt, discrimination is not computed.
MIN_LEARNERS_FOR_DISCRIMINATION = 4

#: Question kinds answered by choosing options (the others are typed).
CHOICE_KINDS = ("single", "multiple", "true_false")


@dataclass(frozen=True)
class GroupFigures:
    """One ranking group's learners asked a question, and how many got it right."""

    asked: int
    correct: int

    @property
    def share(self) -> float | None:
        return self.correct / self.asked if self.asked else None


@dataclass(frozen=True)
class OptionCount:
    """How many first attempts asked a question chose one of its options."""

    key: str
    correct: bool
    chosen: int
    share: float | None  # chosen / first attempts asked, None when nobody was asked


@dataclass(frozen=True)
class ItemAnalysis:
    """One question's figures on first attempts (see the module docstring)."""

    question_key: str
    kind: str
    first_attempts: int
    correct_first: int
    share_correct_first: float | None
    upper: GroupFigures
    lower: GroupFigures
    discrimination: float | None
    options: tuple[OptionCount, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class _Counts:
    asked: int = 0
    correct: int = 0
    upper: GroupFigures = GroupFigures(0, 0)
    lower: GroupFigures = GroupFigures(0, 0)
    learners: int = 0  # learners with a first attempt at the quiz


def item_analysis(module_id: int) -> list[ItemAnalysis]:
    """Per question of the quiz ``module_id``, in the quiz's order: its figures
    on learners' first attempts. Raises LookupError if it is not a quiz."""
    module = db.session.get(Module, module_id)
    if module is None or module.kind != "quiz" or not module.quiz:
        raise LookupError(f"module {module_id} is not a quiz")
    questions = module.quiz.get("questions", [])
    first = _first_attempts(module_id)
    counts = _item_counts(module_id, first)
    choice_keys = [q["key"] for q in questions if q["kind"] in CHOICE_KINDS]
    chosen = _option_counts(module_id, first, choice_keys)
    return [_analyse(q, counts.get(q["key"], _Counts()), chosen.get(q["key"], Counter()))
            for q in questions]


def _first_attempts(module_id: int) -> sa.CTE:
    """Submitted attempts number 1 at the quiz, with the learner's rank by score
    (1 = best, ties by user id) and the number of such attempts."""
    return (
        sa.select(
            QuizAttempt.id.label("attempt_id"),
            sa.func.row_number().over(
                order_by=(QuizAttempt.score.desc(), QuizAttempt.user_id.asc())).label("rank"),
            sa.func.count().over().label("total"))
        .where(QuizAttempt.module_id == module_id, QuizAttempt.number == 1,
               QuizAttempt.submitted_at.is_not(None))
        .cte("first_attempts"))


def _within_group(position, total):
    """SQL: ``position`` (1 = the end the group starts from) lies in a group of
    max(1, floor(GROUP_SHARE * total)), in exact integer arithmetic."""
    share = Fraction(str(GROUP_SHARE))
    return sa.or_(position == 1,
                  position * share.denominator <= total * share.numerator)


def _item_counts(module_id: int, first: sa.CTE) -> dict[str, _Counts]:
    """Per question key: first attempts asked, correct, and the same per group."""
    upper = _within_group(first.c.rank, first.c.total)
    lower = _within_group(first.c.total - first.c.rank + 1, first.c.total)

    def count(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    rows = db.session.execute(
        sa.select(AttemptItem.question_key, sa.func.count(), count(AttemptItem.correct),
                  count(upper), count(sa.and_(upper, AttemptItem.correct)),
                  count(lower), count(sa.and_(lower, AttemptItem.correct)),
                  sa.func.max(first.c.total))
        .join(first, first.c.attempt_id == AttemptItem.attempt_id)
        .where(AttemptItem.module_id == module_id)
        .group_by(AttemptItem.question_key))
    return {key: _Counts(int(asked), int(correct),
                         GroupFigures(int(up_asked), int(up_correct)),
                         GroupFigures(int(low_asked), int(low_correct)), int(learners))
            for key, asked, correct, up_asked, up_correct, low_asked, low_correct, learners
            in rows}


def _option_counts(module_id: int, first: sa.CTE,
                   question_keys: list[str]) -> dict[str, Counter[str]]:
    """Per choice question key: how many first attempts chose each option key.

    The database groups by the stored answer (one row per distinct answer);
    only those rows are split into option keys here.
    """
    answer = sa.cast(AttemptItem.answer, sa.Text)
    rows = db.session.execute(
        sa.select(AttemptItem.question_key, answer, sa.func.count())
        .join(first, first.c.attempt_id == AttemptItem.attempt_id)
        .where(AttemptItem.module_id == module_id, AttemptItem.question_key.in_(question_keys))
        .group_by(AttemptItem.question_key, answer))
    chosen: dict[str, Counter[str]] = {}
    for key, text, attempts in rows:
        counter = chosen.setdefault(key, Counter())
        for option in _option_keys(text):
            counter[option] += int(attempts)
    return chosen


def _option_keys(text: str | None) -> set[str]:
    """The option keys in a stored answer's JSON text (a list of keys, or null)."""
    value: Any = json.loads(text) if text is not None else None
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set()


def _analyse(question: dict[str, Any], counts: _Counts,
             chosen: Counter[str]) -> ItemAnalysis:
    asked = counts.asked
    share = counts.correct / asked if asked else None
    discrimination = _discrimination(counts)
    options: tuple[OptionCount, ...] = ()
    if question["kind"] in CHOICE_KINDS:
        options = tuple(
            OptionCount(o["key"], bool(o["correct"]), chosen[o["key"]],
                        chosen[o["key"]] / asked if asked else None)
            for o in question.get("options", []))
    return ItemAnalysis(
        question_key=question["key"], kind=question["kind"], first_attempts=asked,
        correct_first=counts.correct, share_correct_first=share, upper=counts.upper,
        lower=counts.lower, discrimination=discrimination, options=options,
        flags=_flags(asked, share, discrimination))


def _discrimination(counts: _Counts) -> float | None:
    upper, lower = counts.upper.share, counts.lower.share
    if counts.learners < MIN_LEARNERS_FOR_DISCRIMINATION or upper is None or lower is None:
        return None
    return upper - lower


def _flags(asked: int, share: float | None, discrimination: float | None) -> tuple[str, ...]:
    flags = []
    if asked >= MIN_ASKED_FOR_FLAG and share is not None and share < TOO_HARD_SHARE:
        flags.append(TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    return tuple(flags)
