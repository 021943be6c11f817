"""Learning without a connection: the installable web app (manifest, service worker)
and the pages and endpoints the offline copies of a course use.

The rules (what an offline completion or quiz submit may record, and when) live in
elearn/learning/offline.py; the browser side is elearn/static/sw.js (the service
worker) and elearn/static/offline.js. docs/offline.md describes the whole flow.
"""

from flask import Blueprint

bp = Blueprint("offline", __name__)


@bp.app_template_global("offline_key")
def _offline_key() -> str:
    """``{{ offline_key() }}``: the name the device keeps the signed-in account's
    offline data under (learning/offline.py)."""
    from ..auth.guards import me
    from ..learning.offline import offline_key

    return offline_key(me())

from . import routes  # noqa: E402,F401
