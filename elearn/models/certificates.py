"""Completion certificates and their yearly number sequences."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import CERTIFICATE_STATUSES, REVOKE_CATEGORIES
from .learning import CourseCompletion
from .people import User, utcnow


class CertificateSequence(db.Model):
    """The last certificate number used in a year; its row lock orders concurrent issues."""

    __tablename__ = "certificate_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class Certificate(db.Model):
    """A certificate for one completion, with the facts printed on it frozen at issue."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(CERTIFICATE_STATUSES), name="status_known"),
        sa.CheckConstraint(sa.column("revoke_category").in_(REVOKE_CATEGORIES),
                           name="revoke_category_known"),
        # A revoked certificate always says why, by category, on its public page.
        sa.CheckConstraint("status <> 'revoked' OR revoke_category IS NOT NULL",
                           name="revoked_has_category"),
        sa.UniqueConstraint("year", "seq", name="uq_certificates_year_seq"),
        # One current certificate per learner and course; replaced ones are history.
        sa.Index("uq_certificates_current", "user_id", "course_id", unique=True,
                 sqlite_where=sa.text("status <> 'replaced'"),
                 postgresql_where=sa.text("status <> 'replaced'")),
    )

    @classmethod
    def current(cls):
        """SQL condition: not replaced (the rows ``uq_certificates_current`` covers).

        The value is written into the SQL, not bound: when a bound value decides
        whether a partial index applies, SQLite plans the statement again on every
        execution, which made the course page's query ten times slower.
        """
        return cls.status != sa.literal_column("'replaced'", sa.String)

    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_completions.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="RESTRICT"))
    #: Human-readable number, e.g. 0042/ELN/2026.
    number: Mapped[str] = mapped_column(sa.String(64), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    #: Unguessable verification code: 16 base32 characters (80 random bits).
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="valid")
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: One of vocabulary.REVOKE_CATEGORIES; public, unlike the reason.
    revoke_category: Mapped[str | None] = mapped_column(sa.String(30))
    replaced_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="SET NULL"))
    # The facts printed on the certificate, as they were when it was issued.
    full_name: Mapped[str] = mapped_column(sa.String(200))
    nip: Mapped[str] = mapped_column(sa.String(18))
    place_of_birth: Mapped[str | None] = mapped_column(sa.String(100))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    unit_name: Mapped[str | None] = mapped_column(sa.String(200))
    position: Mapped[str | None] = mapped_column(sa.String(200))
    grade: Mapped[str | None] = mapped_column(sa.String(8))
    course_title: Mapped[str] = mapped_column(sa.String(200))
    competency: Mapped[str] = mapped_column(sa.String(20))
    jp: Mapped[int]
    completed_on: Mapped[date]

    completion: Mapped[CourseCompletion] = relationship()
    user: Mapped[User] = relationship()
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    @property
    def display_code(self) -> str:
        """The code in groups of four, easier to read aloud and type."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))


def jp_credited(completion_id_column) -> sa.ColumnElement[bool]:
    """SQL: a completion still earns its JP, i.e. its certificate was not revoked.

    A revoked certificate takes the JP with it (dashboard and JP report alike);
    reissuing it after a correction gives them back.
    """
    return ~sa.exists().where(Certificate.completion_id == completion_id_column,
                              Certificate.status == "revoked")
