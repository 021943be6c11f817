"""The repeated parts of the catalog, the course page and the module page, through
``fragments``."""

from __future__ import annotations

from markupsafe import Markup

from ..fragments import fragment


def catalog_cards(entries, courses_url: str) -> Markup:
    """``{{ catalog_cards(page.items, courses_url) }}``: the ``<li>`` of every entry
    (a card shows the course's listed row and its module figures)."""
    return Markup("".join(  # noqa: S704 - rendered by Jinja with autoescape
        fragment("learn/_catalog_card.html",
                 (courses_url, tuple(entry.course), entry.modules, entry.minutes),
                 entry=entry, courses_url=courses_url)
        for entry in entries))


def outline_items(modules, states: dict, course_url: str) -> Markup:
    """``{{ outline_items(modules, states, course_url) }}``: the ``<li>`` of every module
    of a course page, with the learner's state on it."""
    parts = []
    for m in modules:
        s = states.get(m.id)
        state = None if s is None else (s.completed_at is not None, s.best_score)
        parts.append(fragment(
            "learn/_outline_item.html",
            (course_url, m.id, m.slug, m.title, m.kind, m.role, m.minutes, m.status, state),
            m=m, s=s, course_url=course_url))
    return Markup("".join(parts))  # noqa: S704 - rendered by Jinja with autoescape


def module_outline(modules, current_id: int, done_ids, course_url: str) -> Markup:
    """``{{ module_outline(modules, module.id, done_ids, course_url) }}``: the ``<li>``
    of every module on a module page (slug and title, the current one marked, the
    completed ones ticked), stored once per list, current module and completed set."""
    key = (course_url, current_id,
           tuple((m.id, m.slug, m.title, m.id in done_ids) for m in modules))
    return Markup(fragment(  # noqa: S704 - rendered by Jinja with autoescape
        "learn/_module_outline.html", key, modules=modules, current_id=current_id,
        done_ids=done_ids, course_url=course_url))
