"""The people behind a course's figures: its learners with their progress, and what
they wrote (evaluation comments and module feedback). Instructors see comments
without names; admins see who wrote them.

A page of either list is two statements (its count and its rows), whatever the
number of learners: progress and scores are grouped per learner in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..learning.catalog import Page
from ..models import (
    CourseCompletion,
    CourseEvaluation,
    Enrollment,
    Module,
    ModuleFeedback,
    ModuleProgress,
    Unit,
    User,
)


@dataclass(frozen=True)
class LearnerRow:
    name: str
    nip: str
    unit: str | None
    enrolled_at: datetime
    done: int
    total: int
    best_score: float | None  # mean of the best scores of the graded quizzes
    completed_at: datetime | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def learners_page(course_id: int, *, page: int, per_page: int, q: str = "") -> Page:
    """The course's learners, by name: progress over the modules that count, mean
    best graded-quiz score, completion date. ``q`` searches name and NIP."""
    total_modules = db.session.scalar(sa.select(sa.func.count()).select_from(Module).where(
        Module.course_id == course_id, Module.counts_condition())) or 0
    progress = (sa.select(ModuleProgress.user_id.label("user_id"),
                          sa.func.count(ModuleProgress.completed_at).label("done"),
                          sa.func.avg(sa.case((Module.kind == "quiz",
                                               ModuleProgress.best_score))).label("best"))
                .join(Module, Module.id == ModuleProgress.module_id)
                .where(Module.course_id == course_id, Module.counts_condition())
                .group_by(ModuleProgress.user_id).subquery("progress"))
    where = [Enrollment.course_id == course_id]
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") \
            + "%"
        where.append(sa.func.lower(User.full_name).like(pattern, escape="\\")
                     | User.nip.like(pattern, escape="\\"))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)
                              .join(User, User.id == Enrollment.user_id).where(*where))
    result = Page(page=page, per_page=per_page, total=count or 0)
    rows = db.session.execute(
        sa.select(User.full_name, User.nip, Unit.name, Enrollment.enrolled_at,
                  sa.func.coalesce(progress.c.done, 0), progress.c.best,
                  CourseCompletion.completed_at)
        .select_from(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(progress, progress.c.user_id == Enrollment.user_id)
        .outerjoin(CourseCompletion, (CourseCompletion.user_id == Enrollment.user_id)
                   & (CourseCompletion.course_id == course_id))
        .where(*where).order_by(User.full_name, User.id)
        .limit(per_page).offset((result.page - 1) * per_page)).all()
    result.items = [LearnerRow(name, nip, unit, enrolled, done, total_modules,
                               None if best is None else float(best), completed)
                    for name, nip, unit, enrolled, done, best, completed in rows]
    return result


@dataclass(frozen=True)
class Comment:
    about: str | None  # the module's title; None for the course evaluation
    text: str
    at: datetime
    name: str | None  # only for admins
    helpful: bool | None  # module feedback: yes or no


def comments_page(course_id: int, *, page: int, per_page: int, with_names: bool) -> Page:
    """Evaluation comments and module feedback comments, newest first."""
    evaluations = (sa.select(sa.literal(None).label("about"),
                             CourseEvaluation.comment.label("text"),
                             CourseEvaluation.updated_at.label("at"),
                             CourseEvaluation.user_id.label("user_id"),
                             sa.literal(None).label("helpful"))
                   .where(CourseEvaluation.course_id == course_id,
                          CourseEvaluation.comment.is_not(None)))
    feedback = (sa.select(Module.title.label("about"), ModuleFeedback.comment.label("text"),
                          ModuleFeedback.updated_at.label("at"),
                          ModuleFeedback.user_id.label("user_id"),
                          ModuleFeedback.helpful.label("helpful"))
                .join(Module, Module.id == ModuleFeedback.module_id)
                .where(Module.course_id == course_id, ModuleFeedback.comment.is_not(None)))
    both = sa.union_all(evaluations, feedback).subquery("comments")
    total = db.session.scalar(sa.select(sa.func.count()).select_from(both)) or 0
    result = Page(page=page, per_page=per_page, total=total)
    name = User.full_name if with_names else sa.literal(None)
    rows = db.session.execute(
        sa.select(both.c.about, both.c.text, both.c.at, name, both.c.helpful)
        .join(User, User.id == both.c.user_id)
        .order_by(both.c.at.desc(), both.c.text)
        .limit(per_page).offset((result.page - 1) * per_page)).all()
    result.items = [Comment(about, text, at, who if with_names else None,
                            None if helpful is None else bool(helpful))
                    for about, text, at, who, helpful in rows]
    return result
