"""What learners say of the training: course evaluations and module feedback."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import utcnow

#: The lowest and highest rating of an evaluation question.
RATING_MIN, RATING_MAX = 1, 5
#: Longest comment kept, in characters.
COMMENT_MAX = 2000


class CourseEvaluation(db.Model):
    """One learner's evaluation of a course they completed: one per learner and
    course (a database constraint), editable for a while after it is given."""

    __tablename__ = "course_evaluations"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", name="uq_evaluation_user_course"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    ratings: Mapped[list[EvaluationRating]] = relationship(
        cascade="all, delete-orphan", order_by="EvaluationRating.question_key")


class EvaluationRating(db.Model):
    """The rating (1-5) one evaluation gives one question, by the question's key:
    the installation's question set may change; what was answered stays."""

    __tablename__ = "evaluation_ratings"
    __table_args__ = (
        sa.CheckConstraint(f"rating BETWEEN {RATING_MIN} AND {RATING_MAX}", name="rating_range"),
        sa.Index("ix_evaluation_ratings_question", "question_key", "rating"),
    )

    evaluation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_evaluations.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    rating: Mapped[int]


class ModuleFeedback(db.Model):
    """"Was this module helpful?": one answer per learner and module, changeable."""

    __tablename__ = "module_feedback"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "module_id", name="uq_feedback_user_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
