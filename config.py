"""Settings for elearn.

Three profiles (development, production, test) chosen by ``ELEARN_ENV``.
Every upper-case setting below can be overridden by an environment variable
of the same name prefixed with ``ELEARN_`` (``ELEARN_DATABASE_URL``,
``ELEARN_SECRET_KEY``, ``ELEARN_LOGIN_LIMIT_PER_ADDRESS`` ...); the README
lists them all. Values are converted to the type of the default (booleans
accept 1/0, true/false, yes/no, on/off).
"""

from __future__ import annotations

import os

ENV_PREFIX = "ELEARN_"


class Config:
    #: Database URL. None means a SQLite file in the instance folder.
    DATABASE_URL: str | None = None
    #: Signs session cookies and CSRF tokens. Required in production.
    SECRET_KEY: str | None = None
    #: Where sign-in attempt counters live; memory:// is per process, use
    #: redis://host:6379 when several gunicorn processes or hosts serve.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    #: Failed sign-in attempts allowed from one network address.
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    #: Failed sign-ins against one account (NIP and email together) before
    #: each further attempt must wait; the wait starts at LOGIN_DELAY_SECONDS
    #: and doubles with each failure up to LOGIN_MAX_DELAY_SECONDS (no lock-out).
    LOGIN_FREE_FAILURES = 5
    LOGIN_DELAY_SECONDS = 30
    LOGIN_MAX_DELAY_SECONDS = 900
    #: Number of reverse proxies in front of the app whose X-Forwarded-*
    #: headers are trusted (for the client address used by rate limits).
    TRUSTED_PROXIES = 0
    DEFAULT_LOCALE = "id"
    TIMEZONE = "Asia/Jakarta"
    #: Yearly lesson-hour (JP) target per ASN.
    YEARLY_JP_TARGET = 20
    #: Name of the issuing agency shown in the layout and documents.
    AGENCY_NAME = "BKPSDM Kota Medan"
    SESSION_COOKIE_SECURE = False
    #: Strict-Transport-Security max-age sent on HTTPS requests (seen as HTTPS
    #: directly or through a trusted proxy's X-Forwarded-Proto); 0 sends none.
    HSTS_SECONDS = 31536000
    #: Public address of the platform, used in certificate QR codes and links
    #: shared outside (not localhost in production).
    PUBLIC_URL = "http://127.0.0.1:5000"
    #: Certificate numbers: {seq} counts per year from 1, {year} is the year of issue.
    CERTIFICATE_NUMBER_PATTERN = "{seq:04d}/ELN/{year}"
    #: Optional PNG or JPEG logo printed on certificates (a file path).
    CERTIFICATE_LOGO = ""
    CERTIFICATE_SIGNATORY_NAME = "Dr. Ahmad Syahputra Harahap, M.Si."
    CERTIFICATE_SIGNATORY_TITLE = "Kepala Badan Kepegawaian dan Pengembangan SDM"
    CERTIFICATE_SIGNATORY_NIP = "197508172000031002"
    #: Requests to the public verification page allowed per address.
    VERIFY_RATE_LIMIT = "30 per minute"
    #: Outgoing email (SMTP). With no MAIL_HOST, messages are written to the log
    #: instead and everything else works the same.
    MAIL_HOST = ""
    MAIL_PORT = 587
    #: "starttls" (port 587), "ssl" (port 465) or "none" (a relay on a trusted network).
    MAIL_SECURITY = "starttls"
    MAIL_USER = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "elearn <no-reply@localhost>"
    #: Seconds to wait for the mail server before a message counts as failed (and retried).
    MAIL_TIMEOUT = 10
    #: How long a password-reset link works, in seconds.
    PASSWORD_RESET_MAX_AGE = 3600
    #: "Lupa kata sandi?" requests allowed per network address.
    PASSWORD_RESET_LIMIT = "5 per 15 minutes"  # noqa: S105 - a rate, not a password
    #: Course evaluation questions: a YAML file (a list of key, id and en texts,
    #: see docs/evaluation.md); empty means the default Indonesian set.
    EVALUATION_QUESTIONS_FILE = ""
    #: Rows per page in long lists.
    PAGE_SIZE = 25
    #: Largest request accepted, in bytes (zipped course uploads).
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    #: Zipped course uploads: most entries (files and folders) in one archive,
    ZIP_MAX_ENTRIES = 1000
    #: largest unpacked file (the checker refuses course files over 10 MB anyway),
    ZIP_MAX_FILE_BYTES = 10 * 1024 * 1024
    #: largest unpacked total, counted while unpacking,
    ZIP_MAX_TOTAL_BYTES = 100 * 1024 * 1024
    #: and largest unpacked/packed ratio of an entry over 1 MB (zip bombs).
    ZIP_MAX_RATIO = 100
    TESTING = False


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret-key"  # noqa: S105 - the test profile only
    WTF_CSRF_ENABLED = True


PROFILES: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def _coerce(name: str, raw: str, default: object) -> object:
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"{ENV_PREFIX}{name}: expected a boolean (true/false), got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name}: expected a whole number, got {raw!r}") from None
    return raw


def load_settings(
    env: dict[str, str] | None = None, profile: str | None = None
) -> dict[str, object]:
    """Return the settings for a profile with ``ELEARN_*`` overrides applied."""
    env = dict(os.environ if env is None else env)
    profile = profile or env.get(f"{ENV_PREFIX}ENV", "development")
    if profile not in PROFILES:
        raise ValueError(
            f"{ENV_PREFIX}ENV must be one of {', '.join(sorted(PROFILES))}, got {profile!r}"
        )
    cls = PROFILES[profile]
    settings: dict[str, object] = {
        name: getattr(cls, name) for name in dir(cls) if name.isupper()
    }
    for name, default in list(settings.items()):
        raw = env.get(ENV_PREFIX + name)
        if raw is not None:
            settings[name] = _coerce(name, raw, default)
    settings["ENV_PROFILE"] = profile
    return settings
