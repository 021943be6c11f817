"""Password reset by email: "Lupa kata sandi?".

A request names a NIP or an email. The answer is the same whether or not an
account matches (no one learns which accounts exist): the view only looks the
account up, and everything else (recording the message, writing and sending the
email) runs after the response has gone (``after_response``), for an account
with an email address that is active.

The link carries a signed token (the app's secret key) of the user id and a
fingerprint of the password hash at the time of sending. It works for
``PASSWORD_RESET_MAX_AGE`` seconds and only while the password is unchanged: a
reset changes it, so a link works once, and any password change (by the person,
an admin or another link) ends every link sent before.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..models import Notification, User
from ..models.people import utcnow
from ..people.passwords import password_problems
from ..people.services import set_new_password
from . import messages, outbox

KIND = "password_reset"
#: One reset email per account at most this often (a second request meanwhile is
#: answered the same and sends nothing: no mailbox flooding).
RESEND_AFTER = timedelta(minutes=2)
_SALT = "elearn-password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _fingerprint(user: User) -> str:
    return hmac.new(current_app.secret_key.encode(), user.password_hash.encode(),
                    hashlib.sha256).hexdigest()[:24]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _fingerprint(user)})


class InvalidToken(Exception):  # noqa: N818
    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def user_for_token(token: str) -> User:
    """The active user a live reset link is for; ``InvalidToken`` otherwise."""
    if not isinstance(token, str) or len(token) > 500:
        raise InvalidToken()
    try:
        data = _serializer().loads(token, max_age=int(current_app.config["PASSWORD_RESET_MAX_AGE"]))
    except SignatureExpired:
        raise InvalidToken(expired=True) from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidToken()
    user = db.session.get(User, data["u"])
    if user is None or not user.active or not hmac.compare_digest(
            str(data.get("p", "")), _fingerprint(user)):
        raise InvalidToken()
    return user


def request_reset(user: User | None) -> int | None:
    """Record a reset email for ``user`` if it should get one (an active account
    with an address, none sent in the last ``RESEND_AFTER``); returns the
    notification id to deliver, else None. Commits."""
    if user is None or not user.active or not user.email:
        return None
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == KIND,
        Notification.created_at > utcnow() - RESEND_AFTER))
    if recent:
        return None
    notification = outbox.record(user, KIND, secrets.token_hex(8))
    db.session.commit()
    return notification.id if notification else None


def reset_problems(user: User, password: str) -> list:
    return password_problems(password, nip=user.nip, email=user.email, full_name=user.full_name)


def reset_password(user: User, password: str) -> None:
    """Set the new password (checked by the caller) and end every session: every
    link sent before stops working with the old password hash."""
    set_new_password(user, password)


@messages.kind(KIND, optional=False, in_app=False)
def _reset_email(notification: Notification, user: User) -> messages.Content:
    from flask import url_for
    from flask_babel import gettext as _

    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    return messages.Content(
        _("Reset your password"),
        [_("Someone (we hope you) asked to reset the password of your %(agency)s elearn "
           "account (NIP %(nip)s). Open this link to choose a new password:",
           agency=current_app.config["AGENCY_NAME"], nip=user.nip),
         _("The link works for %(minutes)d minutes, once. Choosing the new password signs "
           "you out of every device.", minutes=minutes),
         _("If you did not ask for this, ignore this email: your password stays as it is.")],
        (_("Choose a new password"), url_for("auth.reset_password", token=make_token(user))))
