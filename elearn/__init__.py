"""elearn: a light e-learning platform for Indonesia's civil servants (ASN)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import sqlite3
from functools import partial, wraps
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.globals import request_ctx
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, load_settings

from .extensions import babel, csrf, db, limiter, login_manager

#: Whether this process already warned that the demo signatory signs certificates.
_demo_signatory_warned = False


class ConfigurationError(RuntimeError):
    """The app cannot start with the configuration it was given."""


def _register_blueprints(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables)
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .author import bp as author_bp
    from .certificates.routes import bp as certificates_bp
    from .learn import bp as learn_bp
    from .main import bp as main_bp
    from .offline import bp as offline_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(author_bp, url_prefix="/author")
    app.register_blueprint(admin_bp, url_prefix="/admin")


def _load_evaluation_questions(app: Flask) -> None:
    """Read the course evaluation questions once, at start: a broken file stops the
    start with its file and line."""
    from .learning.evaluation import load_questions

    app.config["EVALUATION_QUESTIONS"] = load_questions(app.config["EVALUATION_QUESTIONS_FILE"])


def create_app(
    overrides: dict | None = None, *, profile: str | None = None, instance_path: str | None = None
) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI, errors.

    ``profile`` (development, production, test) defaults to ``ELEARN_ENV``;
    ``overrides`` are applied last, after the ``ELEARN_*`` variables.
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    from .inputs import init_inputs

    init_inputs(app)  # request class and URL converters, before any route is added
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_settings(profile=profile))
    if overrides:
        app.config.update(overrides)
    _configure_secret_key(app)
    _check_production_settings(app)
    _configure_database(app)
    _configure_cookies(app)
    _load_evaluation_questions(app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    _init_database(app)
    csrf.init_app(app)
    limiter.init_app(app)
    _check_limits_only_where_declared(app)
    login_manager.init_app(app)
    from .i18n import init_i18n

    init_i18n(app, babel)

    _register_blueprints(app)

    from .auth.guards import init_guards
    from .cli import register_cli
    from .error_pages import register_error_handlers
    from .schema_migrations import init_schema_migrations
    from .web import init_web

    init_schema_migrations(app)  # Flask-Migrate and Alembic load when first used
    init_guards(app)
    init_web(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def _configure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_PROFILE"] == "production":
        raise ConfigurationError(
            "ELEARN_SECRET_KEY is not set. A production server needs a long random "
            "secret key, for example: export ELEARN_SECRET_KEY=$(python3 -c "
            "'import secrets; print(secrets.token_urlsafe(48))')"
        )
    # Development: one generated key kept in the instance folder, so sessions
    # survive restarts and every process of this instance shares it.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _is_local_address(url: str) -> bool:
    """Whether ``url`` is not an http(s) address others can reach (no host, localhost,
    a loopback or unspecified IP address)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return True
    if parts.scheme not in ("http", "https") or not host:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _check_production_settings(app: Flask) -> None:
    """Refuse a production start whose certificates would point at this machine; warn
    (once per process) while the demo signatory signs the certificates."""
    global _demo_signatory_warned
    if app.config["ENV_PROFILE"] != "production":
        return
    url = str(app.config.get("PUBLIC_URL") or "")
    if _is_local_address(url):
        raise ConfigurationError(
            f"ELEARN_PUBLIC_URL is {url!r}, an address only this machine can reach. "
            "Certificates carry a QR code and a link to it: set it to the public address "
            "of the platform, for example: export ELEARN_PUBLIC_URL=https://elearn.example.go.id"
        )
    demo = (app.config.get("CERTIFICATE_SIGNATORY_NAME") == Config.CERTIFICATE_SIGNATORY_NAME
            or app.config.get("CERTIFICATE_SIGNATORY_NIP") == Config.CERTIFICATE_SIGNATORY_NIP)
    if demo and not _demo_signatory_warned:
        _demo_signatory_warned = True
        app.logger.warning(
            "CERTIFICATES ARE SIGNED BY THE DEMO SIGNATORY (%s, NIP %s). Set "
            "ELEARN_CERTIFICATE_SIGNATORY_NAME, ELEARN_CERTIFICATE_SIGNATORY_TITLE and "
            "ELEARN_CERTIFICATE_SIGNATORY_NIP to the official who signs them.",
            app.config.get("CERTIFICATE_SIGNATORY_NAME"),
            app.config.get("CERTIFICATE_SIGNATORY_NIP"))


def _configure_database(app: Flask) -> None:
    url = app.config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "elearn.sqlite3")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    # A database server can drop pooled connections: elearn.dbpool tests those that
    # sat idle as they leave the pool (after db.init_app). A SQLite file has no
    # server to lose.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})


def _init_database(app: Flask) -> None:
    """Flask-SQLAlchemy, and on a database server the idle-connection test
    (elearn.dbpool) on its engine."""
    db.init_app(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from .dbpool import ping_after_idle, reads_outside_transactions

        with app.app_context():
            ping_after_idle(db.engine)
            reads_outside_transactions(db.engine)


def _configure_cookies(app: Flask) -> None:
    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on and WAL journal for every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _check_limits_only_where_declared(app: Flask) -> None:
    """Drop Flask-Limiter's check before every request when nothing needs it.

    Limits here sit on a few views (sign-in, certificate verification), whose
    decorator checks them when the view runs. The before-request hook exists for
    default and application-wide limits; without any it only costs every request
    of every page a walk through the limiter's bookkeeping.
    """
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    # Its after-request hook (headers, deductions) and teardown (reset) then have
    # nothing to do on a request whose view has no limit: each would still build
    # the limiter's per-request state only to find it empty.
    for funcs in (app.after_request_funcs.get(None, []), app.teardown_request_funcs.get(None, [])):
        for index, hook in enumerate(funcs):
            if _limiter_hook(hook):
                funcs[index] = _only_after_a_limit(hook)


def _limiter_hook(hook) -> bool:
    owner = getattr(hook, "__self__", None)
    if owner is None and isinstance(hook, partial) and hook.args:
        owner = hook.args[0]
    return owner is limiter


def _only_after_a_limit(hook):
    """``hook``, called only when the request's view checked a limit (the limiter's
    per-request state exists); otherwise the response passes through."""

    @wraps(getattr(hook, "func", hook))
    def wrapped(value=None):
        if hasattr(request_ctx, "_limiter_request_context"):
            return hook(value)
        return value

    return wrapped
