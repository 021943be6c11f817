"""Language and time zone: Bahasa Indonesia by default, English on request.

The translation sources (``translations/<lang>/LC_MESSAGES/messages.po``) are
compiled when the app starts, so the interface speaks Indonesian however the
app is started (``make run``, or ``pip install`` then ``gunicorn wsgi:app``)
and never serves a stale catalog. The compiled catalogs (``.mo``) go to the
instance folder, which is writable even when the package is not; a catalog is
rewritten only when its content differs from a fresh compilation, through a
temporary file and an atomic rename, so several workers may start at once.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DOMAIN = "messages"

log = logging.getLogger(__name__)


#: Parsed once per process: Flask-Babel parses whatever the selector returns on
#: every request, unless it is a Locale already (about 1% of a page).
_PARSED = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale:
    """The signed-in user's choice, else the visitor's session choice, else the default."""
    if not has_request_context():  # command line: the site default
        code = current_app.config["DEFAULT_LOCALE"]
    elif current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        code = current_user.locale
    else:
        chosen = session.get("locale")
        code = chosen if chosen in LANGUAGES else current_app.config["DEFAULT_LOCALE"]
    return _PARSED.get(code) or Locale.parse(code)


def compile_catalog(po: Path, locale: str) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file, as ``pybabel compile`` makes them."""
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/messages.po`` under ``source`` to the same
    place under ``target`` where the ``.mo`` there is missing or stale; returns the
    ``.mo`` files written. Raises ``OSError`` if ``target`` cannot be written."""
    written = []
    for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        data = compile_catalog(po, po.parent.parent.name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        try:
            if mo.read_bytes() == data:
                continue
        except OSError:
            pass  # missing or unreadable: write it
        mo.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=mo.parent, prefix=f".{DOMAIN}.", suffix=".mo.tmp")
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, mo)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        written.append(mo)
    return written


def catalog_directory(app: Flask) -> Path:
    """Where the up-to-date compiled catalogs are: the instance folder, else the
    package's own translations folder (as ``make translations`` builds it), else a
    private temporary folder."""
    source = Path(app.root_path) / "translations"
    candidates = [Path(app.instance_path) / "translations", source]
    for target in candidates:
        try:
            compile_catalogs(source, target)
            return target
        except OSError as exc:
            log.warning("cannot write the compiled translations to %s (%s)", target, exc)
    target = Path(tempfile.mkdtemp(prefix="elearn-translations-"))
    compile_catalogs(source, target)
    return target


def init_i18n(app: Flask, babel: Babel) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalog_directory(app))
    babel.init_app(app, locale_selector=select_locale)
    # Templates translate through request_translations: the same catalogs as
    # Flask-Babel's callables, looked up once per request instead of per string.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # ``_`` and ``gettext`` directly, without Jinja's alias and wrapper layers (a page
    # calls them dozens of times); same results, see template_gettext.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext)
    app.jinja_env.filters.update(dateformat=date_filter, datetimeformat=datetime_filter)


#: A date pattern that shows the day only ("d MMMM yyyy"): no time of day, no quoted text.
_DAY_PATTERN = re.compile(r"[dMyLEGc ,./-]+")


def date_filter(value=None, format=None) -> str:
    """``{{ day|dateformat('d MMMM yyyy') }}``: Flask-Babel's ``format_date`` (a moment is
    first moved into the agency's time zone), each text made once per process for a
    language, day and pattern. Babel took about 40 microseconds a date, and a
    dashboard or a list shows several; the same days come back all the time."""
    if isinstance(value, datetime):
        # Flask-Babel's to_user_timezone, through zoneinfo: a naive moment is UTC.
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        value = moment.astimezone(_zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    if not isinstance(value, date):
        return flask_babel.format_date(value, format)
    return _day_text(locale_name(), value, format)


def datetime_filter(value=None, format=None) -> str:
    """``{{ moment|datetimeformat(pattern) }}``: Flask-Babel's ``format_datetime``; a
    pattern of the day only goes through ``date_filter`` (the same text)."""
    if isinstance(value, datetime) and format and _DAY_PATTERN.fullmatch(format):
        return date_filter(value, format)
    return flask_babel.format_datetime(value, format)


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def _day_text(locale: str, day: date, format: str | None) -> str:
    # ``locale`` is the request's (the key); format_date reads it from the request.
    return flask_babel.format_date(day, format)


@pass_eval_context
def template_gettext(eval_ctx, string: str, /, **variables) -> str:
    """Jinja's new-style ``gettext`` (escaped, %-formatted with keyword arguments),
    with one shortcut: a translation without ``%`` and no arguments is returned as
    it is, where Jinja formats it with an empty mapping all the same.

    It takes the evaluation context (only its autoescape setting matters), not the
    template context Jinja's own callables take: called inside a loop or a block
    with its own variables, a context-taking function gets a fresh copy of the
    whole context on every call, which cost more than the translation itself.
    (A call is never folded at compile time, so the language stays the request's.)"""
    text = request_translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - a translation from the platform's catalog
    if variables or "%" in text:
        return text % variables
    return text


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, /,
                      **variables) -> str:
    """Jinja's new-style ``ngettext``: ``num`` is also available as ``%(num)d``."""
    variables.setdefault("num", num)
    text = request_translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - a translation from the platform's catalog
    return text % variables


def request_translations():
    """Flask-Babel's ``get_translations()``, remembered in its own per-request state
    for as long as the request's locale stays the same object (``refresh`` and
    ``force_locale`` replace it, and the next call looks the catalogs up again).

    A page calls this for every string it translates: the remembered answer costs
    one look at ``g`` (a context-local proxy: each access has a price)."""
    try:
        state = g._flask_babel
    except (AttributeError, RuntimeError):  # no state yet, or outside a request
        state = None
    else:
        memo = getattr(state, "elearn_translations", None)
        if memo is not None and memo[0] is getattr(state, "babel_locale", None):
            return memo[1]
    translations = get_translations()
    state = getattr(g, "_flask_babel", None) if g else None
    if state is not None:
        state.elearn_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def locale_name() -> str:
    """``str(get_locale())`` (``"id"``, ``"en"``), remembered in Flask-Babel's own
    per-request state for as long as the request's locale stays the same object.

    A catalog page asks for it once per card (the key of each stored fragment):
    ``get_locale`` looks through ``g`` on every call and Babel rebuilds the text
    each time, together about 5% of the page."""
    try:
        state = g._flask_babel
    except (AttributeError, RuntimeError):  # no state yet, or outside a request
        return str(get_locale())
    memo = getattr(state, "elearn_locale_name", None)
    locale = getattr(state, "babel_locale", None)
    if memo is not None and memo[0] is locale:
        return memo[1]
    name = str(get_locale())
    state.elearn_locale_name = (getattr(state, "babel_locale", None), name)
    return name


def translate(string: str) -> str:
    """Flask-Babel's ``gettext`` without variables, through the request's remembered
    catalogs (a catalog page translates a label on every card)."""
    return request_translations().ugettext(string)
