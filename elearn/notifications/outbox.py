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


def record(user: User, kind: str, key: str, data: dict | None = None) -> Notification | None:
    """Record the message (``kind``, ``key``) to ``user`` unless it exists; returns
    the new row, or None when it was already there. Flushes, does not commit."""
    values = {"user_id": user.id, "kind": kind, "key": str(key)[:100], "data": data,
              "created_at": utcnow(), "attempts": 0,
              "email_status": "pending" if user.email else "none",
              "next_attempt_at": utcnow() if user.email else None}
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)
    statement = (insert(Notification).values(**values)
                 .on_conflict_do_nothing(index_elements=["user_id", "kind", "key"])
                 .returning(Notification.id))
    new_id = db.session.execute(statement).scalar()
    return db.session.get(Notification, new_id) if new_id is not None else None


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
