"""Maintained report figures: one row per course and learners' unit (a "cell")."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: ``unit_key`` of the cell of learners without a unit (unit ids start at 1).
NO_UNIT = 0


class ReportCell(db.Model):
    """The enrolments of one course by learners of one unit, summed.

    Database triggers (``elearn.reporting.cell_triggers``) bump ``version``
    whenever a write may change the figures; the figures are those of
    ``fresh_version``, so the cell is stale while the two differ. No foreign
    keys: a cell of a deleted course or unit is stale (its enrolments' deletion
    bumped it) and is removed when recomputed empty.
    """

    __tablename__ = "report_cells"
    __table_args__ = (sa.Index("ix_report_cells_unit_key", "unit_key"),)

    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The unit's id, or ``NO_UNIT``: a primary key cannot hold NULL.
    unit_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))
    fresh_version: Mapped[int] = mapped_column(server_default=sa.text("0"))
    enrolled: Mapped[int] = mapped_column(server_default=sa.text("0"))
    completed: Mapped[int] = mapped_column(server_default=sa.text("0"))
    #: Enrolments with a best score, and the sum of those scores (each the average
    #: of the learner's best quiz scores on the course's published modules).
    scored: Mapped[int] = mapped_column(server_default=sa.text("0"))
    score_sum: Mapped[float] = mapped_column(server_default=sa.text("0"))
