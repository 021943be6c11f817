"""Cross-cutting web concerns: fingerprinted static files, security headers, template globals."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from babel import numbers
from babel.numbers import parse_pattern
from flask import Flask, current_app, g, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_login import current_user
from jinja2 import pass_context
from jinja2.ext import Extension
from markupsafe import Markup

from .compression import init_compression
from .i18n import LANGUAGES, locale_name, translate
from .layout import site_footer, site_header
from .signed import csrf_token, open_cookie
from .vocabulary import audit_target, certificate_competency, choices, label

ONE_YEAR = 365 * 24 * 3600

# Everything is served from this host: no CDN, fonts or scripts from elsewhere,
# so pages work on closed office networks and nothing can exfiltrate.
# Scripts and styles fall back to default-src: naming them again ('self') would add
# 36 bytes to every page and change nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

#: A line break and the blank lines and indentation after it, in a template's source.
_INDENTED_LINES = re.compile(r"\n\s+")


class CollapsedIndentation(Extension):
    """HTML templates lose their source's indentation and blank lines before they
    are compiled: every run of whitespace that starts a line becomes one line break,
    which an HTML page renders the same (no template writes a <pre> or <textarea>
    over several lines). Pages are about 60 bytes smaller compressed; a lesson's
    repeat visit needs them under its 5 KB budget (see compression.BROTLI_LEVEL).
    Plain-text templates (emails) are left as written."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None or not name.endswith(".html"):
            return source
        return _INDENTED_LINES.sub("\n", source)


@lru_cache(maxsize=256)
def _file_digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=256)
def _static_version(folder: str, filename: str) -> str:
    path = Path(folder) / filename
    return _file_digest(str(path), path.stat().st_mtime_ns)


def static_url(filename: str) -> str:
    """URL of a static file with a content hash, so it can be cached for a year.

    The digest is derived from the file itself, so every process computes the
    same URL without shared state. Static files change only with a deployment,
    which restarts the processes: the digest is read once per process, except
    while templates auto-reload (debug), where it follows each change.
    """
    folder = current_app.static_folder
    if current_app.jinja_env.auto_reload:
        path = Path(folder) / filename
        version = _file_digest(str(path), path.stat().st_mtime_ns)
        return url_for("static", filename=filename, v=version)
    return _memo_url("static", filename=filename, v=_static_version(folder, filename))


#: At most this many built URLs are remembered per process (then it starts over).
URL_MEMO_SIZE = 4096
_url_memo: dict[tuple, str] = {}


def _memo_url(endpoint: str, /, **values) -> str:
    """``url_for`` for templates, remembered per process.

    A URL is a function of the endpoint, its values and the application's root
    path (the routes never change while a process runs, and the app registers no
    URL defaults or preprocessors; with some, nothing would be remembered), so a
    page's links are built once instead of on every view; a layout builds a dozen.
    Blueprint-relative endpoints (``.x``), the ``_external``/``_anchor``/...
    options and unhashable values go to ``url_for`` itself. The key has each
    value's type: 1 and True make different URLs but hash alike.
    """
    if endpoint[:1] == "." or any(key[:1] == "_" for key in values):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint,
           *((name, type(value), value) for name, value in values.items()))
    try:
        return _url_memo[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value (a list of ids)
        return url_for(endpoint, **values)
    url = url_for(endpoint, **values)
    app = current_app
    if app.url_default_functions or app.url_value_preprocessors:
        return url  # URL defaults could depend on the request: build every time
    if len(_url_memo) >= URL_MEMO_SIZE:
        _url_memo.clear()
    _url_memo[key] = url
    return url


#: Public pages that still show a person's name (certificate verification).
PERSONAL_PUBLIC_ENDPOINTS = {"certificates.verify"}
#: The installable app's own files, the same for everyone (they set their own caching).
SHARED_ENDPOINTS = {"offline.manifest", "offline.service_worker", "offline.fallback"}


def _holds_personal_data(endpoint: str | None, present: dict[str, str]) -> bool:
    """Pages and downloads that must not be cached: anything for a signed-in user,
    every attachment and public pages naming a person. Content-addressed course
    files (marked immutable by their view) and static files are not personal.
    ``present``: the response's headers so far, by lower-case name."""
    if (endpoint == "static" or endpoint in SHARED_ENDPOINTS
            or "immutable" in present.get("cache-control", "")):
        return False
    if present.get("content-disposition", "").startswith("attachment"):
        return True
    if endpoint in PERSONAL_PUBLIC_ENDPOINTS:
        return True
    if "_login_user" not in g:  # not looked up by this request: do not query now
        return "_user_id" in session
    return current_user.is_authenticated


#: What every response says unless its view set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which a static file leaves alone.

    Flask-Login looks at the session after every request; saved as usual, that
    makes a CSS or JS response say ``Vary: Cookie``, and a browser then
    revalidates its year-long cached copy whenever the session cookie changes
    (after any flash message): a round trip and about 600 bytes per file.
    """

    def save_session(self, app, session, response):
        if request.endpoint != "static":
            super().save_session(app, session, response)

    def open_session(self, app, request):
        """Flask's, with a cookie checked before read from ``elearn.signed``."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        data = open_cookie(serializer, value, max_age)
        return self.session_class(data) if data is not None else self.session_class()

    def get_signing_serializer(self, app):
        """Flask's serializer, built once per key: Flask builds one for every read and
        write of the cookie, and building one serializes a test value to JSON."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_serializer", None)
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]


#: Headers only a document uses (a stylesheet or script cannot be framed or run
#: a policy), and headers a year-long ``Cache-Control`` makes redundant.
_DOCUMENT_ONLY_HEADERS = ("Content-Security-Policy", "X-Frame-Options")
_REDUNDANT_STATIC_HEADERS = ("Content-Disposition", "Expires")


def _trim_static_headers(response) -> None:
    """Every page loads the static files: each header saved is saved on every file.
    (An SVG opened by itself is a document: it keeps its policy.)"""
    dropped = _REDUNDANT_STATIC_HEADERS
    if response.mimetype in ("text/css", "text/javascript", "application/javascript"):
        dropped += _DOCUMENT_ONLY_HEADERS
    for name in dropped:
        response.headers.pop(name, None)


def human_duration(seconds: int) -> str:
    """A duration for people, in the page's language: "1 hari 2 jam", "30 menit".

    Rounded up to whole minutes, so a wait shown is never shorter than the real one.
    """
    minutes = -(-max(int(seconds), 0) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes or not parts:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts)


#: The number formats of the filters below, parsed once: Babel parses a pattern given
#: as text on every call, half the cost of formatting a number (a reports page
#: formats over a hundred). Same output.
_SCORE_PATTERN = parse_pattern("#,##0.#")
_PERCENT_PATTERN = parse_pattern("#,##0.#%")


def score_format(value: float | None) -> str:
    """``{{ attempt.score|score }}``: a score in the page's language, at most one
    decimal and only when it has one ("80", "66,7" in Indonesian, "66.7" in English)."""
    return "—" if value is None else format_decimal(value, _SCORE_PATTERN)


def percent_format(value: float | None) -> str:
    """``{{ row.completion_rate|percent }}``: a percentage (0 to 100) in the page's
    language, with at most one decimal ("66,7%")."""
    if value is None:
        return "—"
    if type(value) is int and 0 <= value <= 100:  # a progress bar's whole percent
        return _whole_percent(get_locale(), value)
    return format_percent(value / 100, _PERCENT_PATTERN)


@lru_cache(maxsize=512)
def _whole_percent(locale, value: int) -> str:
    """A whole percent in ``locale``, formatted once per process (a dashboard shows
    one for each course, and there are 101 of them per language)."""
    return numbers.format_percent(value / 100, _PERCENT_PATTERN, locale=locale)


@pass_context  # never folded at compile time: the language is the request's
def vocabulary_label(context, value: str, vocabulary: str) -> str:
    """``{{ course.level|label('level') }}``: a vocabulary value in the page's language."""
    return label(value, vocabulary, translate)


@pass_context
def audit_target_text(context, target: str, names: dict[str, str] | None = None) -> str:
    """``{{ entry.target|audit_target(names) }}``: what an audit entry is about, readable
    (``names``: course slug or ``"user NIP"`` -> its title or name)."""
    return audit_target(target, translate, names)


def csrf_field() -> Markup:
    """``{{ csrf_field() }}``: the hidden CSRF input of a button-only form, without
    building a WTForms form for it (the layout has two on every page)."""
    return Markup('<input name="csrf_token" type="hidden" value="%s">') % csrf_token()


def vocabulary_choices(vocabulary: str) -> list[tuple[str, str]]:
    """``{% for value, text in vocabulary_choices('role') %}``: the options of a filter."""
    return choices(vocabulary, translate)


def security_headers(response):
    """After every request: the security headers a view did not set itself, and
    ``no-store`` on anything personal."""
    headers = response.headers
    # One pass over the few headers set so far: a look-up of a missing header in
    # werkzeug's Headers raises and catches an exception, six times a page.
    present: dict[str, str] = {}
    for name, value in headers.items():
        present.setdefault(name.lower(), value)
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    endpoint = request.endpoint
    if endpoint == "static":
        _trim_static_headers(response)
    if endpoint == "static" and request.args.get("v"):
        headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    elif _holds_personal_data(endpoint, present):
        # Nothing a signed-in person sees, and no download, stays in a browser or
        # proxy cache (a shared office computer, a caching proxy).
        headers["Cache-Control"] = "no-store"
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
    return response


#: Past this many distinct callables the remembered set starts over (functions made
#: anew on every call would otherwise grow it without end).
SYNC_MEMO_SIZE = 1024


def _ensure_sync_remembered(ensure_sync):
    """Flask's ``ensure_sync``, remembering the callables it returned unchanged (not
    coroutine functions). Flask asks it of every hook and view on every request, a
    dozen ``inspect.iscoroutinefunction`` calls a page; the answer for a function
    never changes."""
    plain: set = set()

    def remembered(func):
        try:
            if func in plain:
                return func
        except TypeError:  # unhashable: ask every time
            return ensure_sync(func)
        result = ensure_sync(func)
        if result is func:
            if len(plain) >= SYNC_MEMO_SIZE:
                plain.clear()
            plain.add(func)
        return result

    return remembered


def init_web(app: Flask) -> None:
    # First: after_request handlers run last-registered first, so the compressor
    # runs after security_headers below has set every header.
    init_compression(app)
    default_max_age = app.get_send_file_max_age

    def get_send_file_max_age(filename):
        # Fingerprinted URLs never change content: cache them for a year.
        if request.args.get("v"):
            return ONE_YEAR
        return default_max_age(filename)

    app.get_send_file_max_age = get_send_file_max_age

    app.session_interface = SessionInterface()
    app.jinja_env.add_extension(CollapsedIndentation)
    app.ensure_sync = _ensure_sync_remembered(app.ensure_sync)

    app.after_request(security_headers)

    app.add_template_filter(human_duration, "duration")
    app.add_template_filter(vocabulary_label, "label")
    app.add_template_filter(audit_target_text, "audit_target")
    app.add_template_filter(score_format, "score")
    app.add_template_filter(percent_format, "percent")
    # {{ number(n) }}: a count in the page's language ("1.234" in Indonesian).
    app.add_template_global(format_decimal, "number")
    app.add_template_global(csrf_field, "csrf_field")
    app.add_template_global(site_header, "site_header")
    app.add_template_global(site_footer, "site_footer")
    app.add_template_global(_memo_url, "url_for")
    app.add_template_filter(certificate_competency, "certificate_competency")

    @app.context_processor
    def template_globals():
        return {
            # The user itself, not Flask-Login's proxy: a page reads it a dozen times.
            "current_user": current_user._get_current_object(),
            "static_url": static_url,
            "languages": LANGUAGES,
            "current_locale": locale_name(),
            "agency_name": app.config["AGENCY_NAME"],
            "vocabulary_choices": vocabulary_choices,
        }
