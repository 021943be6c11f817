"""Courses, their modules and files, as imported from the folder format.

Markdown is rendered and sanitised once, at import or publish, and stored in
the ``*_html`` columns; the source is kept verbatim so a course can be
exported back to its folder unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..content.check import default_asset_url
from ..extensions import db
from ..vocabulary import (
    COMPETENCIES,
    DEFAULT_LEVEL,
    DEFAULT_REVIEW_POLICY,
    LEVELS,
    MODULE_KINDS,
    PUBLICATION_STATUSES,
    QUIZ_ROLES,
    REVIEW_POLICIES,
)
from .people import utcnow


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        sa.CheckConstraint("jp BETWEEN 1 AND 100", name="jp_range"),
        sa.CheckConstraint(sa.column("competency").in_(COMPETENCIES), name="competency_known"),
        sa.CheckConstraint(sa.column("level").in_(LEVELS), name="level_known"),
        sa.CheckConstraint(sa.column("status").in_(PUBLICATION_STATUSES), name="status_known"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(300))
    #: Lesson hours (jam pelajaran) credited on completion.
    jp: Mapped[int]
    competency: Mapped[str] = mapped_column(sa.String(20))
    level: Mapped[str] = mapped_column(sa.String(10), default=DEFAULT_LEVEL)
    cover_path: Mapped[str | None] = mapped_column(sa.String(255))
    #: Shown only to people the course is assigned to.
    restricted: Mapped[bool] = mapped_column(default=False)
    #: Share (0-100) of each lesson's estimated minutes that must pass between
    #: opening it and marking it completed; 0 means no minimum.
    min_reading_percent: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The certificate waits until the learner has evaluated the course.
    evaluation_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")
    #: course.md exactly as written (front matter and description).
    source: Mapped[str] = mapped_column(sa.Text)
    description_html: Mapped[str] = mapped_column(sa.Text)
    #: Goes up by one each time the course's files change.
    version: Mapped[int] = mapped_column(default=1)
    #: SHA-256 over every file of the course folder (see CourseFiles.content_hash).
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan")
    instructors: Mapped[list[CourseInstructor]] = relationship(
        cascade="all, delete-orphan", order_by="CourseInstructor.position")
    assets: Mapped[list[CourseAsset]] = relationship(
        cascade="all, delete-orphan", order_by="CourseAsset.path")
    #: The file named by ``cover_path``, if any: read on its own (or joined to the
    #: course's query) rather than by loading every file of the course.
    cover: Mapped[CourseAsset | None] = relationship(
        primaryjoin="and_(foreign(CourseAsset.course_id) == Course.id, "
                    "foreign(CourseAsset.path) == Course.cover_path)",
        viewonly=True, uselist=False)

    @property
    def instructor_nips(self) -> list[str]:
        return [i.nip for i in self.instructors]

    @property
    def active_modules(self) -> list[Module]:
        return [m for m in self.modules if m.retired_at is None]

    @property
    def cover_url(self) -> str | None:
        """Fingerprinted URL of the cover image, if the course has one."""
        asset = self.cover if self.cover_path else None
        return default_asset_url(self.slug, asset.path, asset.sha256) if asset else None


class CourseInstructor(db.Model):
    """An instructor, by NIP, who may edit the course (the account may come later)."""

    __tablename__ = "course_instructors"

    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    nip: Mapped[str] = mapped_column(sa.String(18), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "slug", name="uq_modules_course_slug"),
        sa.CheckConstraint(sa.column("kind").in_(MODULE_KINDS), name="kind_known"),
        sa.CheckConstraint(sa.column("status").in_(PUBLICATION_STATUSES), name="status_known"),
        sa.CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes_range"),
        sa.CheckConstraint("kind = 'lesson' OR quiz IS NOT NULL", name="quiz_has_questions"),
        sa.CheckConstraint(sa.column("review_policy").in_(REVIEW_POLICIES),
                           name="review_policy_known"),
        sa.CheckConstraint("retry_after_seconds IS NULL OR retry_after_seconds > 0",
                           name="retry_after_positive"),
        sa.CheckConstraint("time_limit_seconds IS NULL OR time_limit_seconds > 0",
                           name="time_limit_positive"),
        sa.CheckConstraint(sa.column("role").in_(QUIZ_ROLES), name="role_known"),
        sa.CheckConstraint("role = 'graded' OR kind = 'quiz'", name="pretest_is_quiz"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: Identity of the module across re-imports: progress is kept per slug.
    slug: Mapped[str] = mapped_column(sa.String(100))
    #: The NN of NN-slug.md: order within the course.
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10), default="lesson")
    minutes: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(10), default="published")
    #: The module file exactly as written.
    source: Mapped[str] = mapped_column(sa.Text)
    #: Rendered lesson, or the quiz's introduction.
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: Questions with answers and explanations; never sent to a page as is.
    quiz: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    pass_score: Mapped[int | None]
    max_attempts: Mapped[int | None]
    shuffle: Mapped[bool] = mapped_column(default=False)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    #: When a learner sees which answers were right, the correct answers and the
    #: explanations (see ``elearn.learning.quiz.review_of``).
    review_policy: Mapped[str] = mapped_column(sa.String(20), default=DEFAULT_REVIEW_POLICY)
    #: A quiz opens only once every published lesson before it is completed.
    require_lessons: Mapped[bool] = mapped_column(default=True)
    #: Wait after a failed attempt before the next one may start.
    retry_after_seconds: Mapped[int | None]
    #: Time allowed per attempt, enforced on the server.
    time_limit_seconds: Mapped[int | None]
    #: graded, or pretest: a quiz taken before the lessons that never blocks anything,
    #: has no pass mark and never counts towards completion (see ``counts``).
    role: Mapped[str] = mapped_column(sa.String(10), default="graded", server_default="graded")
    #: Set when the module disappeared from the course folder; kept for history.
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="modules")

    @property
    def filename(self) -> str:
        return f"{self.position:02d}-{self.slug}.md"

    @property
    def for_learners(self) -> bool:
        """Published and not retired: what learners follow and reports count."""
        return self.status == "published" and self.retired_at is None

    @classmethod
    def for_learners_condition(cls):
        """The SQL form of ``for_learners``, for queries."""
        return (cls.status == "published") & cls.retired_at.is_(None)

    @property
    def counts(self) -> bool:
        """For learners and not a pre-test: what completing the course takes and
        progress counts."""
        return self.for_learners and self.role != "pretest"

    @classmethod
    def counts_condition(cls):
        """The SQL form of ``counts``, for queries."""
        return cls.for_learners_condition() & (cls.role != "pretest")


class CourseAsset(db.Model):
    """An image or attachment of a course, stored in the database.

    Kept in the database rather than on disk so every process and host serves
    the same files without shared storage.
    """

    __tablename__ = "course_assets"
    __table_args__ = (sa.UniqueConstraint("course_id", "path", name="uq_course_assets_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: Path inside the course folder, e.g. media/alur.png.
    path: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
