"""What learners use: catalog, course and module pages, quiz attempts, course files."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import quiz_routes, routes  # noqa: E402,F401
