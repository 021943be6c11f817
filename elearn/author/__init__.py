"""Instructors' web authoring: courses and modules in a Markdown editor."""

from flask import Blueprint

bp = Blueprint("author", __name__)

from . import editor_routes, insights_routes, routes  # noqa: E402,F401
