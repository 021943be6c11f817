"""Language and time zone: Bahasa Indonesia by default, English on request."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel
from flask_login import current_user

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}


def select_locale() -> str:
    """The signed-in user's choice, else the visitor's session choice, else the default."""
    if not has_request_context():  # command line: the site default
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return chosen
    return current_app.config["DEFAULT_LOCALE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale)
