"""One rule for redirecting to an address the request supplied (``next``).

Only a path on this site is followed. Browsers forgive a lot in a URL: they
drop tabs and newlines (``/\\t/evil.example`` becomes ``//evil.example``),
read a backslash as a slash and an address starting with ``//`` as another
host. So anything that is not a plain local path falls back to ``fallback``.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

#: Longer ``next`` values are not followed (a real page path is far shorter).
MAX_LENGTH = 2048


def safe_target(target: object, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return fallback
    # Stricter than elearn.text: tab and newlines too, since browsers drop them.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    # Characters outside ASCII (a fullwidth or other look-alike slash) are sent
    # percent-encoded, so they stay part of the path whatever the browser does.
    target = quote(target, safe="".join(chr(c) for c in range(33, 127)))
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
