"""Sign in with NIP or email, sign out, change password, reset a forgotten one."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..models import User
from ..models.audit import record as audit
from ..notifications import inbox, messages, outbox, reset
from ..people.services import (
    change_password,
    check_sign_in,
    find_user_by_login,
    password_change_problems,
)
from ..people.sessions import end_all_sessions, end_session, session_remembered, start_session
from ..safe_redirect import safe_target
from . import bp, throttle
from .forms import (
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignOutEverywhereForm,
)


def _failed(response) -> bool:
    # A successful sign-in redirects; only failures count against the limits.
    return response.status_code != 302


def _sign_in(user: User, remember: bool) -> None:
    """Start a new recorded session for ``user`` and commit it."""
    user.session_id = start_session(user, remember=remember)
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign-in form; NIP or email plus password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    if request.method == "POST":
        return _attempt_sign_in(LoginForm())
    # Showing the form needs no form object: the template writes the empty fields.
    return render_template("auth/login.html", form=None)


# The limit sits on the attempt, not on the page: showing the form checks nothing.
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    deduct_when=_failed, scope="login-address",
)
def _attempt_sign_in(form: LoginForm):
    """One sign-in attempt from the posted form; failures count against the limits."""
    if form.validate_on_submit():
        user = find_user_by_login(form.identifier.data)
        account = throttle.account_key(user, form.identifier.data)
        if wait := throttle.wait_before_attempt(account):
            form.password.errors.append(_(
                "Too many failed sign-ins for this account. Try again in %(seconds)d seconds.",
                seconds=wait))
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(wait)}
        # Unknown accounts cost a password check too, so timing tells nothing.
        if not check_sign_in(user, form.password.data):
            throttle.record_failure(account)
            form.password.errors.append(_("The NIP/email or password is wrong."))
        elif not user.active:
            form.identifier.errors.append(
                _("This account has been deactivated. Contact the training admin.")
            )
        else:
            throttle.record_success(account)
            _sign_in(user, form.remember.data)
            return redirect(safe_target(request.args.get("next"), url_for("main.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST, so no other site can sign a user out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Ends this session for good: a copy of its cookies signs no one in.
            end_session(current_user.session_id)
            db.session.commit()
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the signed-in person, on every device."""
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        for message in form.sure.errors or [
                _("The form expired or was sent from elsewhere. Reload the page and try again.")]:
            flash(message, "error")
        return redirect(url_for("auth.change_password"))
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have been signed out of all devices."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    """Change one's own password; required at first sign-in of created accounts."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if user.must_change_password:
        form.current_password.label.text = _("Temporary password")
    if form.is_submitted() and _password_form_ok(form, user):
        remember = session_remembered(user.session_id)  # asked before the sessions end
        change_password(user, form.current_password.data, form.new_password.data)
        outbox.password_changed(user)
        # Every session ended with the old password; this device gets a new one.
        _sign_in(user, remember)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.dashboard"))
    keep_what_can_be_kept(form)
    return render_template("auth/change_password.html", form=form,
                           everywhere=SignOutEverywhereForm(), **_preferences(user))


def _preferences(user: User) -> dict:
    off = messages.turned_off(user)
    return {"kinds": messages.optional_kinds(), "kinds_off": off,
            "preferences": EmptyForm(prefix="notify")}


@bp.route("/account/notifications", methods=["POST"])
@login_required
def notification_preferences():
    """Which optional messages the person gets (security notices always come)."""
    if EmptyForm(prefix="notify").validate_on_submit():
        wanted = set(request.form.getlist("kind"))
        inbox.set_turned_off(current_user._get_current_object(),
                             {k.name for k in messages.optional_kinds()} - wanted)
        db.session.commit()
        flash(_("Your choice of messages is saved."), "success")
    else:
        flash(_("The form expired or was sent from elsewhere. Reload the page and try "
                "again."), "error")
    return redirect(url_for("auth.change_password") + "#notifications")


def _password_form_ok(form: ChangePasswordForm, user) -> bool:
    """Validate the form and check the passwords, showing every problem at once."""
    valid = form.validate()
    if form.csrf_token.errors or not (form.current_password.data and form.new_password.data):
        return False
    problems = password_change_problems(user, form.current_password.data,
                                        form.new_password.data)
    for field, found in problems.items():
        getattr(form, field).errors.extend(m.text(_) for m in found)
    return valid and not problems


def keep_what_can_be_kept(form: ChangePasswordForm | ResetPasswordForm) -> None:
    """After a refusal, the page shows again with every field still right filled in:
    a wrong current password or a refused new one is cleared, nothing else."""
    current = getattr(form, "current_password", None)
    cleared = {current} if current is not None and current.errors else set()
    if form.new_password.errors:
        cleared |= {form.new_password, form.confirm}
    if form.confirm.errors:
        cleared.add(form.confirm)
    for field in cleared:
        field.data, field.raw_data = "", []


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """"Lupa kata sandi?": a reset link by email. The answer is the same whether or
    not the NIP or email belongs to an account (see elearn/notifications/reset.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    if request.method == "POST":
        return _request_reset(ForgotPasswordForm())
    return render_template("auth/forgot_password.html", form=ForgotPasswordForm(formdata=None))


@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], scope="password-reset")
def _request_reset(form: ForgotPasswordForm):
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form)
    identifier = form.identifier.data
    response = redirect(url_for("auth.login"))
    # Everything that depends on the account runs after the answer has gone: the
    # answer, and its time, are the same for every NIP or email.
    app = current_app._get_current_object()

    def send_link():
        with app.app_context():
            try:
                notification_id = reset.request_reset(find_user_by_login(identifier))
                if notification_id is not None:
                    outbox.deliver_now(notification_id)
            except Exception:  # the answer has gone: log, never raise into the server
                app.logger.exception("password reset: recording or sending the link failed")
            finally:
                db.session.remove()

    response.call_on_close(send_link)
    flash(_("If that NIP or email belongs to an account with an email address, a link to "
            "choose a new password is on its way to that address. It works for "
            "%(minutes)d minutes. No email? Look in the spam folder, or ask the training "
            "admin of your agency to reset your password.",
            minutes=int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60), "info")
    return response


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password from the link of a reset email; signs in on success."""
    try:
        user = reset.user_for_token(token)
    except reset.InvalidToken as exc:
        return render_template("auth/reset_invalid.html", expired=exc.expired), 410
    form = ResetPasswordForm()
    if form.is_submitted():
        # Every problem at once, as on the change-password page.
        valid = form.validate()
        problems = reset.reset_problems(user, form.new_password.data) \
            if form.new_password.data else []
        if valid and not problems:
            reset.reset_password(user, form.new_password.data)
            outbox.password_changed(user)
            audit(user, "user.password_reset", f"user {user.nip}")
            if current_user.is_authenticated:
                logout_user()
            _sign_in(user, remember=False)
            flash(_("Your password has been changed. You are signed in; every other "
                    "session of your account has ended."), "success")
            return redirect(url_for("main.dashboard"))
        form.new_password.errors = [*form.new_password.errors,
                                    *(m.text(_) for m in problems)]
        keep_what_can_be_kept(form)
    return render_template("auth/reset_password.html", form=form, user=user)
