"""Administration for the training agency: people, units, reports."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import assignment_routes, bulk_assignment_routes, import_routes, report_routes, routes  # noqa: E402,F401
