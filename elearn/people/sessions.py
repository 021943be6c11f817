"""Signed-in sessions that can be ended one by one or all at once.

Every sign-in creates a row in ``user_sessions`` holding the SHA-256 of a
random token. Flask-Login's user id is ``"<user id>:<token>"``; it goes into
the session cookie and into the remember-me cookie, and the user loader
accepts it only while the row exists. Signing out deletes that row, so a
copied session or remember cookie stops working; a password change, an admin
password reset, deactivation and "sign out of all devices" delete every row
of the person. Services flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..fastread import columns, entities, read
from ..models import Unit, User, UserSession
from ..models.people import utcnow

#: ``last_seen_at`` is written at most this often, not on every page view.
TOUCH_INTERVAL = timedelta(minutes=10)
#: A session unseen this long is over (the remember cookie lasts a year).
MAX_IDLE = timedelta(days=400)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, remember: bool = False) -> str:
    """Record a new session for ``user``; returns the id to give Flask-Login."""
    token = secrets.token_urlsafe(32)
    db.session.execute(sa.delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.last_seen_at < utcnow() - MAX_IDLE))
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), remember=remember))
    db.session.flush()
    return f"{user.id}:{token}"


def _parse(session_id: str) -> tuple[int, str] | None:
    user_id, sep, token = (session_id or "").partition(":")
    if not sep or not token or not user_id.isascii() or not user_id.isdigit() \
            or len(user_id) > 18:
        return None
    return int(user_id), token


def _row(session_id: str) -> UserSession | None:
    parsed = _parse(session_id)
    if parsed is None:
        return None
    user_id, token = parsed
    return db.session.scalar(sa.select(UserSession).where(
        UserSession.user_id == user_id, UserSession.token_hash == _hash(token)))


@cache
def _session_user_statement():
    """Built once per process: every request of a signed-in person runs it. The
    session's last sighting, every column of the user, then every column of the
    user's unit (NULLs when there is none)."""
    return (sa.select(UserSession.last_seen_at, *columns(User), *columns(Unit))
            .select_from(UserSession)
            .join(User, User.id == UserSession.user_id)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .where(UserSession.user_id == sa.bindparam("user_id"),
                   UserSession.token_hash == sa.bindparam("token_hash")))


def load_session_user(session_id: str) -> User | None:
    """The active user whose live session is ``session_id``, else None.

    One query, which also brings the user's unit (the dashboard shows it, and a
    query of its own would cost about as much as the whole lookup). It goes
    through ``fastread`` and the user and unit are made from its row: the ORM's
    loading would cost as much again as the query, on every page.
    """
    parsed = _parse(session_id)
    if parsed is None:
        return None
    user_id, token = parsed
    found = read(_session_user_statement(),
                 {"user_id": user_id, "token_hash": _hash(token)}).first()
    if found is None:
        return None
    now = utcnow()
    last_seen = _aware(found[0])
    if now - last_seen > MAX_IDLE:
        return None
    _seen, user, unit = entities(found, None, User, Unit)
    if not user.active:
        return None
    if "unit" not in sa.inspect(user).dict:
        set_committed_value(user, "unit", unit)
    if now - last_seen > TOUCH_INTERVAL:
        db.session.execute(sa.update(UserSession)
                           .where(UserSession.user_id == user_id,
                                  UserSession.token_hash == _hash(token))
                           .values(last_seen_at=now))
        db.session.commit()
    user.session_id = session_id
    return user


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def end_session(session_id: str | None) -> None:
    """End one session (sign-out); its cookies no longer sign anyone in."""
    row = _row(session_id or "")
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def session_remembered(session_id: str | None) -> bool:
    row = _row(session_id or "")
    return bool(row and row.remember)


def end_all_sessions(user: User) -> None:
    """Sign ``user`` out on every device, remember-me cookies included."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    db.session.flush()
