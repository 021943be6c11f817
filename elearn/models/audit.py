"""Who did what, when and why: the trail admins and auditors rely on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: What happened, e.g. certificate.revoke.
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    #: What it happened to, e.g. certificate 0042/ELN/2026.
    target: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()


def record(actor: User | None, action: str, target: str, *, reason: str | None = None,
           **details: Any) -> AuditEntry:
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action, target=target,
                       reason=reason, details=details or None)
    db.session.add(entry)
    return entry
