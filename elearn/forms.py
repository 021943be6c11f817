"""The base of every form: WTForms' own messages in the reader's language.

WTForms ships no Indonesian catalog, so Flask-WTF would show "Not a valid
choice." in the Indonesian interface. Every form of the platform derives from
``Form``, whose translations are the platform's own catalog (Flask-Babel); the
WTForms messages our forms can show are marked below so that message
extraction keeps them there.
"""

from __future__ import annotations

from flask_babel import gettext, ngettext
from flask_wtf import FlaskForm

from .errors import N_

WTFORMS_MESSAGES = (
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid date value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
)


class _PlatformCatalog:
    """The two calls WTForms makes, answered from the platform's catalog."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _PlatformCatalog()
