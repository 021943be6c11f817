"""The base of every form: WTForms' own messages in the reader's language.

WTForms ships no Indonesian catalog, so Flask-WTF would show "Not a valid
choice." in the Indonesian interface. Every form of the platform derives from
``Form``, whose translations are the platform's own catalog (Flask-Babel); the
WTForms messages our forms can show are marked below so that message
extraction keeps them there.
"""

from __future__ import annotations

import wtforms.widgets as wtforms_widgets
import wtforms.widgets.core as wtforms_core
from flask_babel import get_translations
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.widgets.core import clean_key

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


def _html_params(**kwargs) -> Markup:
    """WTForms' ``html_params``, same output, without a ``str.format`` per attribute.

    WTForms builds each ``name="value"`` pair with ``Markup.format``, whose
    formatter is written in Python; a sign-in page spent a sixth of its time
    there. Values are escaped exactly as WTForms escapes them (``"`` as
    ``&quot;``); keys are code-chosen names, escaped all the same.
    """
    params = []
    for key, value in sorted(kwargs.items()):
        key = clean_key(key)
        if value is True:
            params.append(escape(key))
        elif value is False:
            continue
        else:
            value = escape(value).replace(Markup('"'), Markup("&quot;"))
            params.append(f'{escape(key)}="{value}"')
    return Markup(" ".join(params))  # noqa: S704 - every key and value is escaped above


def install_fast_html_params() -> None:
    """Make every WTForms widget use ``_html_params`` (idempotent)."""
    wtforms_core.html_params = _html_params
    wtforms_widgets.html_params = _html_params
    wtforms_core.Input.html_params = staticmethod(_html_params)
    wtforms_core.Button.html_params = staticmethod(_html_params)


WTFORMS_HTML_PARAMS = wtforms_core.html_params
install_fast_html_params()
