"""Signed-in sessions for the benchmark, minted with the app's own code.

Signing in through /login is rate limited per address (and slow on purpose:
a password hash per attempt), so the benchmark does what a sign-in does
without the form: ``people.sessions.start_session`` records the session row,
and the Flask session cookie is signed with the app's own session serializer,
holding what Flask-Login and Flask-WTF put there (``_user_id`` as
"<user id>:<token>", ``_fresh``, ``_id`` and the CSRF token).

``_id`` is Flask-Login's identifier of the client (address and User-Agent);
Flask-Login computes it for the client the benchmark will be (127.0.0.1, and
wrk sends no User-Agent), so "basic" session protection accepts the cookie as
is and no response rewrites it (a mismatch would mark every session not fresh
and make every response set a new cookie, which a real browser does not cost).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Minted:
    user_id: int
    #: The whole Cookie header value, e.g. "session=eyJ...".
    cookie: str
    #: The cookie value alone (for a test client's set_cookie).
    value: str
    #: A CSRF token for forms posted with this session.
    csrf_token: str


def client_identifier(app, remote_addr: str = "127.0.0.1", user_agent: str | None = None) -> str:
    """Flask-Login's identifier of a client (what it stores as ``_id``), computed by
    Flask-Login itself for a request from that address with that User-Agent."""
    from flask import request

    headers = {"User-Agent": user_agent} if user_agent is not None else {}
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": remote_addr},
                                  headers=headers):
        if user_agent is None:
            request.environ.pop("HTTP_USER_AGENT", None)
        if request.headers.get("User-Agent") != user_agent:
            raise RuntimeError("could not build a request with the benchmark's User-Agent")
        return app.login_manager._session_identifier_generator()


def mint(app, user_ids: list[int], *, remote_addr: str = "127.0.0.1",
         user_agent: str | None = None) -> list[Minted]:
    """Start a recorded session for each user and return its cookie and CSRF token.

    Run inside ``app.app_context()``; commits the session rows.
    """
    from itsdangerous import URLSafeTimedSerializer

    from elearn.extensions import db
    from elearn.models import User
    from elearn.people.sessions import start_session

    serializer = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    name = app.config["SESSION_COOKIE_NAME"]
    identifier = client_identifier(app, remote_addr, user_agent)
    minted = []
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        if user is None:
            raise LookupError(f"no user {user_id}")
        raw = hashlib.sha1(secrets.token_bytes(64)).hexdigest()  # noqa: S324 - as Flask-WTF
        value = serializer.dumps({"_user_id": start_session(user), "_fresh": True,
                                  "_id": identifier, "csrf_token": raw})
        minted.append(Minted(user_id=user_id, cookie=f"{name}={value}", value=value,
                             csrf_token=csrf.dumps(raw)))
    db.session.commit()
    return minted
