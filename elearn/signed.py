"""Signed values a request reads or writes on every page, without re-signing each time.

Every page opens the session cookie (itsdangerous: base64, JSON, an HMAC checked)
and writes a CSRF token into its forms (another HMAC, a fresh timestamp); together
about a tenth of a dashboard's CPU. Both are pure functions of their input and
the key, so a process keeps recent results, bounded, and nothing depends on
them being there (no state shared between processes or required across requests):

- ``open_cookie``: the data of a session cookie whose signature was checked
  before, while it is younger than the session lifetime. Only cookies holding
  plain values are kept (not flashed messages, which Flask changes in place).
- ``csrf_token``: a CSRF token signed for the same session token within the last
  ``CSRF_REUSE_SECONDS``. A token is valid for ``WTF_CSRF_TIME_LIMIT`` (an hour)
  from its signing, so a reused one stays valid at least that minus a minute.
"""

from __future__ import annotations

from time import time as _clock

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature

#: How many cookies and tokens a process keeps (the oldest go first).
MAX_KEPT = 4096
#: A CSRF token signed this recently is handed out again for the same session.
CSRF_REUSE_SECONDS = 60

_PLAIN = (str, int, float, bool, type(None))
_cookies: dict[str, tuple[object, dict, int]] = {}
_tokens: dict[str, tuple[object, str, float]] = {}


def _keep(store: dict, key: str, value: tuple) -> None:
    if len(store) >= MAX_KEPT:
        store.pop(next(iter(store)))
    store[key] = value


def open_cookie(serializer, value: str, max_age: int) -> dict | None:
    """The data signed in cookie ``value`` (a copy), or None when its signature is
    wrong, it is older than ``max_age`` seconds (as ``serializer.loads``) or it
    holds something other than a mapping."""
    kept = _cookies.get(value)
    if kept is not None and kept[0] is serializer:
        age = int(_clock()) - kept[2]
        if 0 <= age <= max_age:
            return dict(kept[1])
    try:
        data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
    except BadSignature:
        return None
    if not isinstance(data, dict):  # signed with the key, yet not a session: start anew
        return None
    if all(type(v) in _PLAIN for v in data.values()):
        _keep(_cookies, value, (serializer, dict(data), int(signed_at.timestamp())))
    return data


def csrf_token() -> str:
    """The request's CSRF token (what Flask-WTF's ``generate_csrf`` returns), signed
    again only when the session's last one is over ``CSRF_REUSE_SECONDS`` old."""
    token = g.get("csrf_token")
    if token:
        return token
    config = current_app.config
    key = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    raw = session.get("csrf_token")
    if isinstance(raw, str) and raw:
        kept = _tokens.get(raw)
        if (kept is not None and kept[0] == key
                and 0 <= _clock() - kept[2] < CSRF_REUSE_SECONDS):
            g.csrf_token = kept[1]
            return kept[1]
    token = generate_csrf()
    raw = session.get("csrf_token")
    if isinstance(raw, str) and raw:
        _keep(_tokens, raw, (key, token, _clock()))
    return token


def forget() -> None:
    """Drop everything kept (tests; a key rotation needs nothing: entries carry it)."""
    _cookies.clear()
    _tokens.clear()
