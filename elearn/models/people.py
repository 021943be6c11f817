"""Units (OPD) and the people who use the platform."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..vocabulary import EMPLOYMENT_STATUSES, ROLES


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made once per process when first needed."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """A stored instant as an aware UTC datetime (SQLite hands back naive UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Unit(db.Model):
    """An organisational unit (OPD) of a regional government."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code used in staff files, e.g. DISKOMINFO.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The unit this one belongs to (a bidang within a dinas), if any.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="unit")
    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class User(UserMixin, db.Model):
    """A civil servant (PNS or PPPK) with a role on the platform."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("length(nip) = 18", name="nip_length"),
        sa.CheckConstraint(sa.column("role").in_(ROLES), name="role_known"),
        sa.CheckConstraint(sa.column("employment_status").in_(EMPLOYMENT_STATUSES),
                           name="status_known"),
        sa.CheckConstraint("locale IS NULL OR locale IN ('id', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Nomor Induk Pegawai: 18 digits kept as text (leading zeros, no arithmetic).
    nip: Mapped[str] = mapped_column(sa.String(18), unique=True)
    employment_status: Mapped[str] = mapped_column(sa.String(4), default="PNS")
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: Stored lower-case so uniqueness is case-insensitive.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    #: Jabatan.
    position: Mapped[str | None] = mapped_column(sa.String(200))
    #: Golongan/pangkat: I/a..IV/e for PNS, I..XVII for PPPK.
    grade: Mapped[str | None] = mapped_column(sa.String(8))
    place_of_birth: Mapped[str | None] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(16), default="learner")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: Set for accounts created by an admin or an import: the first sign-in
    #: must choose a new password before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: UI language chosen by the user; None means the site default.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    #: Kinds of optional messages the person turned off (comma-separated, see
    #: elearn/notifications/messages.py).
    notifications_off: Mapped[str | None] = mapped_column(sa.String(200))
    #: Messages in the app not yet read: kept with each change of them, so the menu
    #: shows it from the row every page loads anyway.
    unread_notifications: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    unit: Mapped[Unit | None] = relationship(back_populates="users")

    #: The signed-in session this object was loaded for ("<id>:<token>", see
    #: people.sessions); not a column.
    session_id = None

    def get_id(self) -> str:
        """Flask-Login's id: the session, so ending it invalidates its cookies."""
        if self.session_id is None:
            raise RuntimeError("start a session (people.sessions.start_session) first")
        return self.session_id

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_no_password(password: str) -> bool:
        """Spend the time of a password check for an account that cannot sign in.

        Unknown and deactivated accounts are checked against a dummy hash so
        that a wrong guess takes as long whether or not the account exists.
        """
        check_password_hash(_dummy_hash(), password)
        return False

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.nip} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser: its cookie carries the token, only a hash is stored.

    Deleting the row ends that session and its remember-me cookie; deleting
    all rows of a user signs them out everywhere.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random token in the cookie (hex).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Whether the person asked to stay signed in (a remember-me cookie exists).
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Updated at most every few minutes, not on every page view.
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
