"""Messages to people: what was sent to whom, and how its email went."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User, utcnow

#: pending: to be emailed (again) at next_attempt_at; sent; failed: given up after
#: the last retry; none: nothing to email (no address).
EMAIL_STATUSES = ("pending", "sent", "failed", "none")


class Notification(db.Model):
    """One message to one person. ``(user, kind, key)`` is unique: whoever records
    a message twice (two hosts running the sender at once) records it once."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "key", name="uq_notification_once"),
        sa.CheckConstraint(sa.column("email_status").in_(EMAIL_STATUSES),
                           name="email_status_known"),
        sa.Index("ix_notifications_email_due", "email_status", "next_attempt_at"),
        sa.Index("ix_notifications_kind_created", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    #: What kind of message, e.g. password_reset.
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: What makes it one message of its kind for this person (a request id, a course id).
    key: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: What the message needs to be written (never a secret: links are made when sent).
    data: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    email_status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: When the person saw it in the app (set at once for what the app does not list).
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()
