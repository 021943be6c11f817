"""The layout's header and footer, rendered once per kind of page and reused.

Every page carries the same header (brand, menu, sign-out form) and footer
(language form); what changes between two requests is only the language, the
person's role, which menu item is the current page, the CSRF token and the
footer's return address. Rendering them with Jinja on every request cost about
a fifth of a page's time (a dozen translations, links, the role tests), so each
is rendered once per process for each (language, role, current section, mount
point) and the
two per-request values are put into the stored text: the CSRF token as it is
(``[A-Za-z0-9._-]``) and the return address escaped. They are kept in
``fragments``' store; there are at most a few dozen of them, derived from the
code and the configuration only, never from data a request could change.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape

from .fragments import fragment
from .i18n import LANGUAGES
from .signed import csrf_token

#: Stand-ins for the per-request values inside a stored fragment (private-use
#: characters: no translation, link or name holds them).
CSRF_MARK = "\ue000csrf\ue000"
NEXT_MARK = "\ue000next\ue000"
UNREAD_MARK = "\ue000unread\ue000"

#: Endpoints and blueprints whose menu item is the current page.
_SECTION_ENDPOINTS = {"main.dashboard": "dashboard", "auth.change_password": "password",
                      "main.notifications": "notifications"}
_SECTION_BLUEPRINTS = {"learn": "learn", "author": "author", "admin": "admin"}


def _section() -> str:
    endpoint = request.endpoint or ""
    if endpoint in _SECTION_ENDPOINTS:
        return _SECTION_ENDPOINTS[endpoint]
    return _SECTION_BLUEPRINTS.get(request.blueprint or "", "")


def _fragment(template: str, locale: str, role: str | None, section: str) -> str:
    agency = current_app.config["AGENCY_NAME"]
    # The links depend on where the app is mounted (``SCRIPT_NAME`` from the proxy).
    return fragment(template, (locale, role, section, agency, request.script_root),
                    role=role, section=section, current_locale=locale, languages=LANGUAGES,
                    agency_name=agency, csrf_mark=CSRF_MARK, next_mark=NEXT_MARK,
                    unread_mark=UNREAD_MARK)


def _role() -> str | None:
    user = current_user._get_current_object()
    return user.role if user.is_authenticated else None


def site_header(locale: str) -> Markup:
    """``{{ site_header(current_locale) }}``: from ``<body>`` to the end of the header."""
    role = _role()
    text = _fragment("_site_header.html", locale, role, _section() if role else "")
    if role:
        text = text.replace(CSRF_MARK, str(escape(csrf_token())))
        text = text.replace(UNREAD_MARK, _unread_badge(current_user.unread_notifications))
    return Markup(text)  # noqa: S704 - rendered by Jinja with autoescape; token is URL-safe


def _unread_badge(count: int) -> str:
    """The menu's count of unread messages (from the user's row: no query)."""
    if not count:
        return ""
    shown = "99+" if count > 99 else str(int(count))
    label = escape(ngettext("%(num)d unread", "%(num)d unread", count))
    return (f' <span class="count" aria-hidden="true">{shown}</span>'
            f'<span class="visually-hidden"> ({label})</span>')


def site_footer(locale: str) -> Markup:
    """``{{ site_footer(current_locale) }}``: the language form, to ``</html>``."""
    text = _fragment("_site_footer.html", locale, None, "")
    back = request.full_path if request.method == "GET" else ""
    text = text.replace(CSRF_MARK, str(escape(csrf_token())))
    text = text.replace(NEXT_MARK, str(escape(back)))
    return Markup(text)  # noqa: S704 - rendered by Jinja with autoescape; values escaped
