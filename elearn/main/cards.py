"""The dashboard's cards of assigned courses and courses in progress, through
``fragments``: a card shows only the course's slug and title, the learner's
progress on it, the module to continue with, the due date and whether it has
passed, and those same values give the same card for everyone. (A completed
course's card carries the person's own certificate: it is rendered each time.)"""

from __future__ import annotations

from markupsafe import Markup

from ..fragments import fragment

TEMPLATES = {"assigned": "main/_assigned_card.html", "in_progress": "main/_progress_card.html"}


def board_cards(kind: str, items, courses_url: str, today) -> Markup:
    """``{{ board_cards('assigned', board.assigned, courses_url, board.today) }}``."""
    template = TEMPLATES[kind]
    parts = []
    for item in items:
        overdue = bool(item.due_date and item.due_date < today)
        key = (courses_url, tuple(item.course), item.progress.done, item.progress.total,
               item.continue_slug, item.due_date, overdue)
        parts.append(fragment(template, key, item=item, courses_url=courses_url,
                              overdue=overdue))
    return Markup("".join(parts))  # noqa: S704 - rendered by Jinja with autoescape
