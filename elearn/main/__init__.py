"""The signed-in home, health check and language switch."""

from flask import Blueprint

from .cards import board_cards

bp = Blueprint("main", __name__)
bp.add_app_template_global(board_cards, "board_cards")

from . import routes  # noqa: E402,F401
