"""Administration for the training agency: people, units, reports."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import (  # noqa: E402,F401
    assignment_routes,
    bulk_assignment_routes,
    evaluation_report_routes,
    import_routes,
    notification_routes,
    report_routes,
    routes,
)
