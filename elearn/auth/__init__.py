"""Sign-in, sign-out, passwords and role checks."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401
