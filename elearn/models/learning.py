"""A learner's enrolments, progress, quiz attempts and completions; course assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .courses import Course, Module
from .people import Unit, User, utcnow


class Enrollment(db.Model):
    """A learner following a course."""

    __tablename__ = "enrollments"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", name="uq_enrollment_user_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The module opened most recently: where "Lanjutkan" (continue) leads.
    last_module_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="SET NULL"))
    last_opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    last_module: Mapped[Module | None] = relationship()


class ModuleProgress(db.Model):
    """One learner's state on one module; survives re-imports (same module row).

    ``completed_at`` is set when a lesson is marked completed or a quiz passed.
    """

    __tablename__ = "module_progress"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "module_id", name="uq_progress_user_module"),
        # Covers what the reports and exports read of every row (per module: who,
        # done, best score), so they scan this index instead of visiting each row.
        sa.Index("ix_module_progress_report", "module_id", "user_id", "completed_at",
                 "best_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Best quiz score in percent, for quizzes.
    best_score: Mapped[float | None]

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()


class QuizAttempt(db.Model):
    """One attempt at a quiz: its own order of questions and options, then its grade."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "module_id", "number", name="uq_attempt_number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(
            "(submitted_at IS NULL AND score IS NULL) OR "
            "(submitted_at IS NOT NULL AND score IS NOT NULL)", name="graded_when_submitted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    #: 1 for the first attempt of this learner at this quiz, and so on.
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Question keys in the order shown, and option keys per question.
    layout: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    #: What the learner chose, per question key.
    answers: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Per-question feedback kept at grading time, so results stay as graded.
    feedback: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    #: Percentage 0-100.
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    #: With a time limit: answers saved or sent after this instant are not graded.
    deadline: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: When the open attempt's answers were last saved (autosave or "Simpan jawaban").
    saved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()


class AttemptItem(db.Model):
    """One question drawn into a submitted attempt, as graded: the unit of item statistics."""

    __tablename__ = "quiz_attempt_items"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "question_key", name="uq_item_attempt_question"),
        sa.Index("ix_quiz_attempt_items_module_question", "module_id", "question_key"),
        sa.CheckConstraint("points >= 1", name="points_positive"),
        sa.CheckConstraint("earned >= 0 AND earned <= points", name="earned_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(sa.String(40))
    #: 1 for the first question shown in the attempt.
    position: Mapped[int]
    points: Mapped[int]
    earned: Mapped[float]
    #: Full points earned.
    correct: Mapped[bool]
    #: The option keys chosen, or the text typed.
    answer: Mapped[Any] = mapped_column(sa.JSON, nullable=True)


class CourseCompletion(db.Model):
    """Completing a course: at most one per learner and course (a database constraint)."""

    __tablename__ = "course_completions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", name="uq_completion_user_course"),
        sa.CheckConstraint("jp >= 0", name="jp_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="RESTRICT"), index=True)
    completed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                   index=True)
    course_version: Mapped[int]
    #: Average of the learner's best quiz scores in the course, or None without quizzes.
    final_score: Mapped[float | None]
    #: Lesson hours credited, copied from the course at completion.
    jp: Mapped[int]

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class Assignment(db.Model):
    """A course assigned to a unit (everyone in it) or to one person, maybe with a due date."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint("(unit_id IS NULL) <> (user_id IS NULL)", name="one_target"),
        sa.UniqueConstraint("course_id", "unit_id", name="uq_assignment_unit"),
        sa.UniqueConstraint("course_id", "user_id", name="uq_assignment_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    course: Mapped[Course] = relationship()
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class OfflineSubmission(db.Model):
    """Something a learner did offline (a lesson marked completed, a quiz submitted),
    as settled when it reached the server: recorded or refused, once.

    The device names each item with a key of its own; the unique constraint makes a
    second send of the same item find this row and get the same answer instead of
    recording it again (a lost answer, a retry, two tabs sending at once).
    """

    __tablename__ = "offline_submissions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_offline_submission_key"),
        sa.CheckConstraint("kind IN ('completion', 'quiz', 'attempt')", name="kind_known"),
        sa.CheckConstraint("status IN ('recorded', 'refused')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: The device's name for the item (a random UUID).
    key: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    #: What the learner is told, untranslated: {"text": msgid, "params": {...}}.
    message: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    course_slug: Mapped[str] = mapped_column(sa.String(200))
    module_slug: Mapped[str] = mapped_column(sa.String(200))
    #: The attempt a quiz submit recorded, if it did.
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="SET NULL"))
    #: When the device says the learner did it (after the server's bounds).
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
