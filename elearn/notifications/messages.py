"""What each kind of message says, in its reader's language, as an email.

Emails are written when they are sent, from templates under
``templates/email/<kind>.txt`` (and ``.html``), in the person's language (the
site's default when they chose none). Links point at ``PUBLIC_URL``, never at
whatever address a request came in on.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import LANGUAGES
from ..mail import Mail
from ..models import Notification, User

#: kind -> function(notification, user) -> the template's variables (may raise NothingToSend).
_KINDS = {}


class NothingToSend(Exception):  # noqa: N818 - a state, not a failure
    """This message has no email (no address, an account closed since)."""


def kind(name: str):
    def register(function):
        _KINDS[name] = function
        return function

    return register


def subject_for(kind_name: str) -> str:
    subjects = {
        "password_reset": _("Reset your password"),
    }
    return subjects[kind_name]


def email_for(notification: Notification) -> Mail:
    """The email of ``notification``, written now in its reader's language."""
    user: User = notification.user
    if not user.email or not user.active:
        raise NothingToSend("the person has no email address or the account is closed")
    config = current_app.config
    public = str(config["PUBLIC_URL"]).rstrip("/")
    code = user.locale if user.locale in LANGUAGES else config["DEFAULT_LOCALE"]
    with current_app.test_request_context("/", base_url=public), force_locale(code):
        context = _KINDS[notification.kind](notification, user)
        context.update(user=user, agency=config["AGENCY_NAME"], public_url=public)
        subject = f"{subject_for(notification.kind)} · {config['AGENCY_NAME']}"
        text = render_template(f"email/{notification.kind}.txt", **context)
        html = render_template(f"email/{notification.kind}.html", subject=subject, **context)
    return Mail(to=user.email, subject=subject, text=text, html=html)
