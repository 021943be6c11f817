"""Uploaded staff files waiting between the dry-run preview and the apply step.

The file is kept in the database, not in a process or on one host's disk, so
the preview and the apply may be served by different gunicorn processes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User, utcnow


class StaffImport(db.Model):
    __tablename__ = "staff_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Counts written when applied: created, updated, unchanged, skipped.
    summary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    created_by: Mapped[User | None] = relationship()
