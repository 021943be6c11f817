from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import PasswordInput

from ..forms import Form


def _bounded(value):
    """At most one character past the longest email address: the length check still
    refuses it, and a page showing the form again never echoes megabytes back."""
    return value[:255] if isinstance(value, str) else value


class LoginForm(Form):
    identifier = StringField(
        _l("NIP or email"),
        validators=[DataRequired(message=_l("Enter your NIP or email.")), Length(max=254)],
        filters=[_bounded],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


#: Password inputs that show again what was typed, unless the view cleared it (a page
#: with personal data is never cached: Cache-Control no-store).
KEPT = PasswordInput(hide_value=False)


class ResetPasswordForm(Form):
    """A new password, typed twice (from a reset link)."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password."))],
        render_kw={"autocomplete": "new-password"}, widget=KEPT,
        description=_l("At least 8 characters; a phrase of several words is easiest to "
                       "remember. Not allowed: common or leaked passwords, repeated or "
                       "sequential characters (aaaa, 1234, qwerty) and anything built from "
                       "your NIP, email or name."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the new password.")),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"}, widget=KEPT,
    )
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(ResetPasswordForm):
    """The current password, then a new one typed twice."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"}, widget=KEPT,
    )


class SignOutEverywhereForm(Form):
    sure = BooleanField(
        _l("Yes, sign me out of every device, this one included."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Sign out of all devices"))


class EmptyForm(Form):
    """A form with only a CSRF token, for button-only POSTs."""

    submit = SubmitField(_l("Send"))


class ForgotPasswordForm(Form):
    identifier = StringField(
        _l("NIP or email"),
        validators=[DataRequired(message=_l("Enter your NIP or email.")), Length(max=254)],
        filters=[_bounded],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    submit = SubmitField(_l("Send the link"))

