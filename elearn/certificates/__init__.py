"""Completion certificates: issue, PDF, download and public verification."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import routes  # noqa: E402,F401
