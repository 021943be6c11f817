"""Sign in with NIP or email, sign out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..people.services import PeopleError, change_password, find_user_by_login
from . import bp
from .forms import ChangePasswordForm, EmptyForm, LoginForm


def _account_key() -> str:
    """Rate-limit key for the account being tried, whatever address tries it."""
    identifier = (request.form.get("identifier") or "").strip().lower().replace(" ", "")
    return f"account:{identifier}"


def _failed(response) -> bool:
    # A successful sign-in redirects; only failures count against the limits.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"], deduct_when=_failed, scope="login-address",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"], deduct_when=_failed, key_func=_account_key, scope="login-account",
)
def login():
    """Sign-in form; NIP or email plus password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_login(form.identifier.data)
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(_("The NIP/email or password is wrong."))
        elif not user.active:
            form.identifier.errors.append(
                _("This account has been deactivated. Contact the training admin.")
            )
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only follow local paths, never another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("main.dashboard")


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST, so no other site can sign a user out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    """Change one's own password; required at first sign-in of created accounts."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except PeopleError as exc:
            for field, messages in exc.errors.items():
                getattr(form, field).errors.extend(messages)
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/change_password.html", form=form)

