"""Error pages in the site's layout."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from .extensions import db

_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"), _l("Your account does not have permission to open this page.")),
    404: (_l("Page not found"), _l("The page you are looking for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("File too large"), _l("The file is larger than this site accepts.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Wait a few minutes, then try again."),
    ),
    500: (_l("Something went wrong"), _l("An error occurred on our side. Please try again later.")),
}


def _render(code: int, message=None):
    title, default = _MESSAGES[code]
    html = render_template("errors/error.html", code=code, title=title, message=message or default)
    return html, code


def register_error_handlers(app: Flask) -> None:
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, lambda e, code=code: _render(code))

    @app.errorhandler(413)
    def too_large(e):
        # The body was refused unread: forget it, or the page's own forms (CSRF
        # token of the sign-out button) would try to parse it again and fail.
        discard = getattr(request, "discard_body", None)
        if discard is not None:
            discard()
        return _render(413)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render(
            400, _l("The form expired or was sent from elsewhere. Reload the page and try again.")
        )

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return _render(500)
