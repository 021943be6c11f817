"""How a course's learners are doing, for its instructors and for admins.

Every figure is an SQL aggregate over the course's rows: a fixed number of
grouped statements whatever the number of learners, never one per learner and
never every row loaded into Python. Definitions:

* **funnel**: enrolled learners; for each module learners follow (pre-test
  included, in order) how many opened it (a progress row) and completed it
  (a pre-test: took it); then how many completed the course. The drop-off of
  a step is how many fewer completed it than completed the step before (the
  first step compares with the enrolled); the step with the largest drop-off
  is where learners leave.
* **time to complete**: days from enrolment to completion, mean and median,
  over the learners who completed.
* **gain**: the pre-test score (best score on the course's pre-test) and the
  post-test score (best score on its last graded quiz) of the learners who
  have both; the mean of each and of their difference, overall and per unit.
* **evaluations**: per question of the installation's set, the mean rating
  and how many gave each rating 1-5; the response rate is evaluations per
  completion.
* **module feedback**: per module, how many said it helped and how many not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CourseCompletion,
    CourseEvaluation,
    Enrollment,
    EvaluationRating,
    Module,
    ModuleFeedback,
    ModuleProgress,
    Unit,
    User,
)
from ..models.evaluation import RATING_MAX, RATING_MIN


@dataclass(frozen=True)
class FunnelStep:
    module_id: int
    slug: str
    title: str
    kind: str
    role: str
    opened: int
    completed: int
    drop_off: int = 0
    largest_drop: bool = False


@dataclass
class Funnel:
    enrolled: int
    steps: list[FunnelStep]
    passed: int

    @property
    def completion_rate(self) -> float | None:
        return self.passed / self.enrolled if self.enrolled else None


def funnel(course_id: int) -> Funnel:
    """Enrolled, opened and completed per module, completed the course (three statements)."""
    enrolled = db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)
                                 .where(Enrollment.course_id == course_id)) or 0
    passed = db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)
                               .where(CourseCompletion.course_id == course_id)) or 0
    rows = db.session.execute(
        sa.select(Module.id, Module.slug, Module.title, Module.kind, Module.role,
                  sa.func.count(ModuleProgress.id), sa.func.count(ModuleProgress.completed_at))
        .outerjoin(ModuleProgress, ModuleProgress.module_id == Module.id)
        .where(Module.course_id == course_id, Module.for_learners_condition())
        .group_by(Module.id, Module.slug, Module.title, Module.kind, Module.role,
                  Module.position)
        .order_by(Module.position, Module.id)).all()
    steps, before = [], enrolled
    for row in rows:
        steps.append(FunnelStep(*row, drop_off=max(0, before - row[6])))
        if row[4] != "pretest":  # a pre-test is optional: no one drops off there
            before = row[6]
    counted = [s for s in steps if s.role != "pretest"]
    if counted and max(s.drop_off for s in counted) > 0:
        worst = max(counted, key=lambda s: s.drop_off)
        steps = [replace(s, largest_drop=True) if s is worst else s for s in steps]
    return Funnel(enrolled, steps, passed)


def _days_between(start, end):
    """SQL: days from ``start`` to ``end`` (timestamps), as a real number."""
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


@dataclass(frozen=True)
class TimeToComplete:
    completed: int
    mean_days: float | None
    median_days: float | None


def time_to_complete(course_id: int) -> TimeToComplete:
    """Mean and median days from enrolment to completion (two statements)."""
    days = _days_between(Enrollment.enrolled_at, CourseCompletion.completed_at).label("days")
    base = (sa.select(days).select_from(CourseCompletion)
            .join(Enrollment, (Enrollment.user_id == CourseCompletion.user_id)
                  & (Enrollment.course_id == CourseCompletion.course_id))
            .where(CourseCompletion.course_id == course_id))
    count, mean = db.session.execute(
        sa.select(sa.func.count(), sa.func.avg(base.subquery().c.days))).one()
    if not count:
        return TimeToComplete(0, None, None)
    # The middle one or two values, sorted in SQL.
    middle = db.session.scalars(base.order_by(days).offset((count - 1) // 2)
                                .limit(2 - count % 2)).all()
    return TimeToComplete(count, float(mean), float(sum(middle)) / len(middle))


@dataclass(frozen=True)
class Gain:
    """Mean pre-test and post-test scores of the learners who have both."""

    label: str | None  # the unit's name in a per-unit row
    learners: int
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass
class Gains:
    has_pretest: bool
    overall: Gain | None = None
    by_unit: list[Gain] = field(default_factory=list)


def pre_post_modules(course_id: int) -> tuple[int | None, int | None]:
    """The ids of the course's pre-test and post-test (its last graded quiz)."""
    rows = db.session.execute(
        sa.select(Module.id, Module.kind, Module.role)
        .where(Module.course_id == course_id, Module.for_learners_condition())
        .order_by(Module.position, Module.id)).all()
    pre = next((i for i, __, role in rows if role == "pretest"), None)
    post = [i for i, kind, role in rows if kind == "quiz" and role != "pretest"]
    return pre, post[-1] if post else None


def gains(course_id: int) -> Gains:
    """Pre-test to post-test, overall and per unit (three statements)."""
    pre_id, post_id = pre_post_modules(course_id)
    if pre_id is None or post_id is None:
        return Gains(False)
    pre, post = sa.orm.aliased(ModuleProgress), sa.orm.aliased(ModuleProgress)
    both = (sa.select(User.unit_id.label("unit_id"), pre.best_score.label("pre"),
                      post.best_score.label("post"))
            .select_from(pre)
            .join(post, (post.user_id == pre.user_id) & (post.module_id == post_id))
            .join(User, User.id == pre.user_id)
            .where(pre.module_id == pre_id, pre.best_score.is_not(None),
                   post.best_score.is_not(None)).subquery())
    figures = (sa.func.count(), sa.func.avg(both.c.pre), sa.func.avg(both.c.post))
    count, mean_pre, mean_post = db.session.execute(sa.select(*figures)).one()
    by_unit = db.session.execute(
        sa.select(Unit.name, *figures).select_from(both)
        .outerjoin(Unit, Unit.id == both.c.unit_id)
        .group_by(both.c.unit_id, Unit.name).order_by(Unit.name)).all()
    return Gains(True, Gain(None, count, _float(mean_pre), _float(mean_post)),
                 [Gain(name, n, _float(a), _float(b)) for name, n, a, b in by_unit])


def _float(value) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class QuestionSummary:
    key: str
    responses: int
    mean: float | None
    #: How many gave each rating, from RATING_MIN to RATING_MAX.
    distribution: tuple[int, ...]


@dataclass(frozen=True)
class EvaluationSummary:
    evaluations: int
    completions: int
    questions: list[QuestionSummary]

    @property
    def response_rate(self) -> float | None:
        return self.evaluations / self.completions if self.completions else None


def evaluation_summary(course_id: int, question_keys: list[str]) -> EvaluationSummary:
    """Per question: responses, mean and distribution; the response rate (three
    statements). Ratings of keys no longer in the set are left out."""
    evaluations = db.session.scalar(sa.select(sa.func.count()).select_from(CourseEvaluation)
                                    .where(CourseEvaluation.course_id == course_id)) or 0
    completions = db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)
                                    .where(CourseCompletion.course_id == course_id)) or 0
    counts: dict[tuple[str, int], int] = {
        (key, rating): n for key, rating, n in db.session.execute(
            sa.select(EvaluationRating.question_key, EvaluationRating.rating, sa.func.count())
            .join(CourseEvaluation, CourseEvaluation.id == EvaluationRating.evaluation_id)
            .where(CourseEvaluation.course_id == course_id)
            .group_by(EvaluationRating.question_key, EvaluationRating.rating))}
    questions = []
    for key in question_keys:
        distribution = tuple(counts.get((key, r), 0) for r in range(RATING_MIN, RATING_MAX + 1))
        total = sum(distribution)
        mean = sum(r * n for r, n in zip(range(RATING_MIN, RATING_MAX + 1), distribution,
                                         strict=True)) / total if total else None
        questions.append(QuestionSummary(key, total, mean, distribution))
    return EvaluationSummary(evaluations, completions, questions)


@dataclass(frozen=True)
class ModuleFeedbackSummary:
    module_id: int
    title: str
    helpful: int
    not_helpful: int
    comments: int

    @property
    def helpful_share(self) -> float | None:
        total = self.helpful + self.not_helpful
        return self.helpful / total if total else None


def module_feedback(course_id: int) -> list[ModuleFeedbackSummary]:
    """Per lesson of the course, in order: yes, no and comments (one statement)."""
    yes = sa.func.count(sa.case((ModuleFeedback.helpful.is_(True), 1)))
    no = sa.func.count(sa.case((ModuleFeedback.helpful.is_(False), 1)))
    comments = sa.func.count(ModuleFeedback.comment)
    rows = db.session.execute(
        sa.select(Module.id, Module.title, yes, no, comments)
        .outerjoin(ModuleFeedback, ModuleFeedback.module_id == Module.id)
        .where(Module.course_id == course_id, Module.for_learners_condition(),
               Module.kind == "lesson")
        .group_by(Module.id, Module.title, Module.position)
        .order_by(Module.position, Module.id)).all()
    return [ModuleFeedbackSummary(*row) for row in rows]
