"""Parts of a page rendered once and reused: a course's card in the catalog, a
module's line in a course outline, the layout's header and footer (``layout``).

Such a part shows only values from its row (a course's listed columns, a
module's title and the learner's state on it), and those same values give the
same text for everyone who sees them; rendering its dozen expressions with Jinja
was a fifth of the page. Each part's text is kept under a key holding the
template, the language and every value the part shows (the caller passes them),
so a course edited by its author or a module completed gets a new key, and a
stored part can never be out of date. At most ``CACHE_SIZE`` are kept per
process, the least recently used go first; when templates are reloaded as they
are edited (development), nothing is kept.
"""

from __future__ import annotations

from collections import OrderedDict

from flask import current_app

from .i18n import locale_name

CACHE_SIZE = 4096

_store: OrderedDict[tuple, str] = OrderedDict()


def fragment(template: str, key: tuple, **context) -> str:
    """``template`` rendered with ``context``; ``key`` holds every value the text
    depends on besides the template and the language."""
    env = current_app.jinja_env
    full_key = (template, locale_name(), key)
    text = _store.get(full_key)
    if text is not None:
        _store.move_to_end(full_key)
        return text
    text = env.get_template(template).render(**context)
    if not env.auto_reload:
        _store[full_key] = text
        if len(_store) > CACHE_SIZE:
            _store.popitem(last=False)
    return text
