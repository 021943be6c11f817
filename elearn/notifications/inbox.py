"""The messages a person sees in the app, and what they may turn off."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Certificate, Course, CourseCompletion, Notification, User
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


def latest_unread(user: User, count: int = 3) -> list[Shown]:
    """The newest unread messages, for the dashboard; no query when there is none
    (the count is on the user's row)."""
    if not user.unread_notifications:
        return []
    rows = db.session.scalars(listing(user).where(Notification.read_at.is_(None))
                              .limit(count)).all()
    return [item for item in shown(list(rows), user) if item.content is not None]


def _preload(notifications: list[Notification]) -> list:
    """The courses and certificates the messages name, in one query each, so writing
    them costs no query per message: ``Session.get`` finds them in the identity
    map as long as the returned list keeps them alive."""
    datas = [n.data or {} for n in notifications]
    course_ids = {d["course_id"] for d in datas if d.get("course_id")}
    certificate_ids = {d["certificate_id"] for d in datas if d.get("certificate_id")}
    kept: list = []
    if course_ids:
        kept += db.session.scalars(sa.select(Course).where(Course.id.in_(course_ids))).all()
    if certificate_ids:
        kept += db.session.scalars(
            sa.select(Certificate).where(Certificate.id.in_(certificate_ids)).options(
                joinedload(Certificate.completion).joinedload(CourseCompletion.course))).all()
    return kept


def shown(notifications: list[Notification], user: User) -> list[Shown]:
    """Each message written in the current language."""
    kept = _preload(notifications)  # noqa: F841 - alive while the messages are written
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
