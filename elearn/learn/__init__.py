"""What learners use: catalog, course and module pages, quiz attempts, course files."""

from flask import Blueprint

from .cards import catalog_cards, module_outline, outline_items

bp = Blueprint("learn", __name__)
bp.add_app_template_global(catalog_cards, "catalog_cards")
bp.add_app_template_global(outline_items, "outline_items")
bp.add_app_template_global(module_outline, "module_outline")

from . import evaluation_routes, quiz_routes, routes  # noqa: E402,F401
