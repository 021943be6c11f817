"""Who may do what: the user loader, the role decorator and the first-sign-in rule."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..extensions import login_manager
from ..models import User
from ..people.sessions import load_session_user

#: Endpoints a user who must change the password may still reach.
_OPEN_DURING_PASSWORD_CHANGE = {
    "auth.change_password", "auth.logout", "auth.logout_everywhere", "static", "main.healthz",
    "main.set_language", "offline.manifest", "offline.service_worker", "offline.fallback",
    "offline.session_state",
}


def role_required(*roles: str):
    """Allow the view only to signed-in users whose role is one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def me() -> User:
    """The signed-in user itself, not Flask-Login's proxy: a service reads the user a
    dozen times, and every read through the proxy looks it up again in the request
    context. (Anonymous: Flask-Login's anonymous user.)"""
    return current_user._get_current_object()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a live session; an ended or unknown session is signed out (and so
    is a session cookie naming something other than a session id)."""
    if not isinstance(session_id, str):
        return None
    return load_session_user(session_id)


def init_guards(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open that page.")
    login_manager.login_message_category = "info"
    # "basic" marks a session non-fresh when address or browser change rather
    # than ending it: phones on mobile data change address all the time.
    login_manager.session_protection = "basic"

    @app.before_request
    def require_new_password():
        # The endpoint first: a static file must not load the user. That would cost
        # a query, and reading the session makes the response vary on the Cookie
        # header, so a browser revalidates every cached CSS and JS file whenever
        # the session cookie changes (after any flash message).
        if (
            request.endpoint not in _OPEN_DURING_PASSWORD_CHANGE
            and current_user.is_authenticated
            and current_user.must_change_password
        ):
            flash(_l("Choose a new password before you continue."), "info")
            return redirect(url_for("auth.change_password"))
        return None
