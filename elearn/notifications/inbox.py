"""The messages a person sees in the app, and what they may turn off."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Notification, User
from . import messages


@dataclass
class Shown:
    notification: Notification
    content: messages.Content | None  # None: what it was about is gone

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def in_app_kinds() -> list[str]:
    return [k.name for k in messages.KINDS.values() if k.in_app]


def listing(user: User):
    """The statement of ``user``'s messages in the app, newest first."""
    return (sa.select(Notification)
            .where(Notification.user_id == user.id, Notification.kind.in_(in_app_kinds()))
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def shown(notifications: list[Notification], user: User) -> list[Shown]:
    """Each message written in the current language."""
    found = []
    for notification in notifications:
        try:
            found.append(Shown(notification, messages.content(notification, user)))
        except messages.NothingToSend:
            found.append(Shown(notification, None))
    return found


def set_turned_off(user: User, kinds: set[str]) -> None:
    """Turn off exactly ``kinds`` (only optional kinds can be)."""
    allowed = {k.name for k in messages.optional_kinds()}
    user.notifications_off = ",".join(sorted(kinds & allowed)) or None
    db.session.flush()
