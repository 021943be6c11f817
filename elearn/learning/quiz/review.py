"""What submitted attempts reveal: to the learner, the quiz's review policy
(``review_of``, never the template alone); to the instructor, how each
question fares (``item_statistics``)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import AttemptItem, Module, QuizAttempt
from ...vocabulary import DEFAULT_REVIEW_POLICY
from .attempts import attempts_left, has_passed


@dataclass(frozen=True)
class Review:
    """What a submitted attempt shows beyond its score."""

    correctness: bool  # which questions were right, partly right or wrong
    answers: bool      # the correct options and accepted short answers
    explanations: bool


def review_of(module: Module, attempts: list[QuizAttempt]) -> Review:
    """The quiz's review policy applied to the learner's attempts so far.

    after_pass (default): which questions were wrong after every attempt;
    correct answers and explanations only once the quiz is passed or no
    attempt is left. after_last_attempt: those only once no attempt is left.
    immediately: everything. never: the score only.
    """
    policy = module.review_policy or DEFAULT_REVIEW_POLICY
    if policy == "immediately":
        return Review(True, True, True)
    if policy == "never":
        return Review(False, False, False)
    finished = attempts_left(module, attempts) == 0 and not any(
        a.submitted_at is None for a in attempts)
    full = finished or (policy == "after_pass" and has_passed(attempts))
    return Review(True, full, full)


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
