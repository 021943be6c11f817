"""Record messages once, and deliver their emails: now, or later when it failed.

A message is one ``Notification`` row per (person, kind, key): recording it a
second time (a retried request, two hosts running ``flask notify send`` at the
same minute) finds the row there and records nothing. Its email is then due at
once; ``deliver_due`` takes each due row by moving its ``next_attempt_at`` on
with a conditional UPDATE (only one sender's UPDATE matches), sends it, and marks
it sent, or failed for another try later (``RETRY_MINUTES``) until
``MAX_ATTEMPTS``. A sender that dies between sending and marking leaves the row
to be tried again after the lease: an email may then arrive twice, never not at
all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..mail import MailError, send
from ..models import Notification, User
from ..models.people import utcnow
from . import messages

log = logging.getLogger("elearn.notifications")

#: Tries before an email is given up (status ``failed``).
MAX_ATTEMPTS = 5
#: Minutes before the next try after each failure.
RETRY_MINUTES = (1, 5, 30, 120)
#: How long a sender holds a row it took before another may take it again.
LEASE = timedelta(minutes=10)


def _insert():
    return postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert


def _values(user_id: int, has_email: bool, kind: str, key, data: dict | None, now) -> dict:
    in_app = messages.KINDS[kind].in_app
    return {"user_id": user_id, "kind": kind, "key": str(key)[:100], "data": data,
            "created_at": now, "attempts": 0,
            "email_status": "pending" if has_email else "none",
            "next_attempt_at": now if has_email else None,
            # what the app does not list is never unread there
            "read_at": None if in_app else now}


def record(user: User, kind: str, key, data: dict | None = None) -> Notification | None:
    """Record the message (``kind``, ``key``) to ``user`` unless it exists or the
    person turned that kind off; returns the new row, or None. Flushes, does not
    commit."""
    if messages.KINDS[kind].optional and kind in messages.turned_off(user):
        return None
    statement = (_insert()(Notification)
                 .values(**_values(user.id, bool(user.email), kind, key, data, utcnow()))
                 .on_conflict_do_nothing(index_elements=["user_id", "kind", "key"])
                 .returning(Notification.id))
    new_id = db.session.execute(statement).scalar()
    if new_id is None:
        return None
    if messages.KINDS[kind].in_app:
        recount_unread([user.id])
    return db.session.get(Notification, new_id)


def record_many(kind: str, rows: list[tuple[int, bool, str, dict | None]]) -> int:
    """Record ``kind`` for many people at once: rows of (user id, has an email
    address, key, data); each (person, key) once, whoever else records it. Returns
    how many were new. Does not commit."""
    if not rows:
        return 0
    now, added = utcnow(), 0
    users: set[int] = set()
    for start in range(0, len(rows), 500):
        chunk = [_values(user_id, has_email, kind, key, data, now)
                 for user_id, has_email, key, data in rows[start:start + 500]]
        statement = (_insert()(Notification).values(chunk)
                     .on_conflict_do_nothing(index_elements=["user_id", "kind", "key"])
                     .returning(Notification.user_id))
        new = list(db.session.execute(statement).scalars())
        added += len(new)
        users.update(new)
    if messages.KINDS[kind].in_app:
        recount_unread(sorted(users))
    return added


def recount_unread(user_ids: list[int]) -> None:
    """Set each person's count of unread messages from the messages themselves."""
    unread = (sa.select(sa.func.count()).select_from(Notification)
              .where(Notification.user_id == User.id, Notification.read_at.is_(None))
              .scalar_subquery())
    for start in range(0, len(user_ids), 500):
        db.session.execute(
            sa.update(User).where(User.id.in_(user_ids[start:start + 500]))
            .values(unread_notifications=unread, updated_at=User.updated_at)
            .execution_options(synchronize_session=False))


def password_changed(user: User) -> None:
    """The security notice after any change of ``user``'s password (cannot be
    turned off). Does not commit."""
    now = utcnow()
    record(user, "password_changed", now.isoformat(), {"at": now.isoformat()})


def mark_read(user: User) -> int:
    """Mark every message of ``user`` read; returns how many were unread."""
    changed = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    recount_unread([user.id])
    db.session.expire(user, ["unread_notifications"])
    return changed


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


def _take(notification_id: int, due_before: datetime, now: datetime) -> bool:
    """Take a due row for this sender (None of the others can take it for ``LEASE``)."""
    taken = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.email_status == "pending",
               Notification.next_attempt_at <= due_before)
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return taken.rowcount == 1


def deliver_one(notification: Notification) -> bool:
    """Send one taken row's email and record how it went (committed). True if sent.

    The email is written first and the transaction ended before the mail server is
    contacted: no database lock is held while it answers (SQLite would make every
    other writer wait for it)."""
    problem: Exception | None = None
    try:
        mail = messages.email_for(notification)
    except messages.NothingToSend as exc:
        mail, problem = None, exc
    db.session.commit()
    if mail is not None:
        try:
            send(mail)
        except MailError as exc:
            problem = exc
    notification.attempts += 1
    if problem is None:
        notification.email_status = "sent"
        notification.sent_at = utcnow()
        notification.next_attempt_at = None
        notification.last_error = None
        db.session.commit()
        return True
    if isinstance(problem, messages.NothingToSend):
        notification.email_status = "none"
        notification.next_attempt_at = None
    elif notification.attempts >= MAX_ATTEMPTS:
        notification.email_status = "failed"
        notification.next_attempt_at = None
    else:
        wait = RETRY_MINUTES[min(notification.attempts, len(RETRY_MINUTES)) - 1]
        notification.next_attempt_at = utcnow() + timedelta(minutes=wait)
    notification.last_error = str(problem)[:2000]
    log.warning("email %s to user %s not sent (try %d): %s", notification.kind,
                notification.user_id, notification.attempts, problem)
    db.session.commit()
    return False


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> Delivery:
    """Send every email that is due (at most ``limit``), each by one sender only."""
    now = now or utcnow()
    done = Delivery()
    due = list(db.session.scalars(
        sa.select(Notification.id)
        .where(Notification.email_status == "pending", Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id).limit(limit)))
    db.session.commit()
    for notification_id in due:
        if not _take(notification_id, now, utcnow()):
            continue  # another sender has it
        notification = db.session.get(Notification, notification_id)
        if deliver_one(notification):
            done.sent += 1
        elif notification.email_status == "failed":
            done.given_up += 1
        else:
            done.failed += 1
    return done


def deliver_now(notification_id: int) -> None:
    """Try a just-recorded message's email at once (after the response, see
    ``reset``); whatever happens, ``deliver_due`` tries again later if it failed."""
    now = utcnow()
    try:
        if _take(notification_id, now, now):
            deliver_one(db.session.get(Notification, notification_id))
    except Exception:  # noqa: BLE001 - never let a mail problem escape; it is retried
        db.session.rollback()
        log.exception("email of notification %s: unexpected error", notification_id)
