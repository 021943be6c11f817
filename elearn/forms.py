"""The base of every form: WTForms' own messages in the reader's language.

WTForms ships no Indonesian catalog, so Flask-WTF would show "Not a valid
choice." in the Indonesian interface. Every form of the platform derives from
``Form``, whose translations are the platform's own catalog (Flask-Babel); the
WTForms messages our forms can show are marked below so that message
extraction keeps them there.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm

from .errors import N_


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message for extraction (``pybabel extract -k N_plural:1,2``)."""
    return singular, plural


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
    N_plural("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    N_plural("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
)


class _PlatformCatalog:
    """The two calls WTForms makes, answered from the platform's catalog. WTForms
    fills in the %-placeholders itself, so these only look the text up (Flask-Babel's
    own ``ngettext`` would format, and fail on WTForms' ``%(max)d``)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _PlatformCatalog()
