"""The dashboard's cards, through ``fragments``: a card shows only the course's
slug and title and the learner's state on it (progress, the module to continue
with, the due date and whether it has passed; for a completed course, when and
for how many JP, and the certificate's code, number and status), and those same
values give the same card. A completed course's card is keyed by its certificate
code, unguessable and the person's own, so only its holder's page can show it."""

from __future__ import annotations

from markupsafe import Markup

from ..fragments import fragment

TEMPLATES = {"assigned": "main/_assigned_card.html", "in_progress": "main/_progress_card.html",
             "completed": "main/_completed_card.html"}


def board_cards(kind: str, items, courses_url: str, today) -> Markup:
    """``{{ board_cards('assigned', board.assigned, courses_url, board.today) }}``."""
    template = TEMPLATES[kind]
    parts = []
    for item in items:
        overdue = bool(item.due_date and item.due_date < today)
        if kind == "completed":
            key = (courses_url, tuple(item.course), tuple(item.completion),
                   tuple(item.certificate) if item.certificate else None)
        else:
            key = (courses_url, tuple(item.course), item.progress.done, item.progress.total,
                   item.continue_slug, item.due_date, overdue)
        parts.append(fragment(template, key, item=item, courses_url=courses_url,
                              overdue=overdue))
    return Markup("".join(parts))  # noqa: S704 - rendered by Jinja with autoescape
