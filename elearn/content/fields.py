"""Reading front-matter values: each wrong value becomes a problem on its line.

A mixin for the course checker: the class using it provides
``add(path, line, message, **params)``.
"""

from __future__ import annotations

import re

from .durations import DAY, HOUR, MINUTE, format_duration, parse_duration
from .frontmatter import FrontMatter
from .model import N_

#: Allowed range, in seconds, of each duration key of a quiz.
DURATION_BOUNDS = {"retry_after": (MINUTE, 30 * DAY), "time_limit": (MINUTE, 24 * HOUR)}
_WHOLE_NUMBER = re.compile(r"[0-9]+")


class FrontMatterFields:
    """Typed readers of front-matter keys that report every mistake with its line."""

    def add(self, path: str, line: int, message: str, **params) -> None:
        raise NotImplementedError

    def check_keys(self, path: str, fm: FrontMatter, allowed: set[str],
                   required: tuple[str, ...]) -> None:
        for key, line in fm.lines.items():
            if key not in allowed:
                self.add(path, line, N_("unknown key '%(key)s' (allowed: %(allowed)s)"),
                         key=key, allowed=", ".join(sorted(allowed)))
        for key in required:
            if key not in fm.data or fm.data[key] in (None, ""):
                self.add(path, fm.lines.get(key, 1), N_("missing required key '%(key)s'"),
                         key=key)

    def text_value(self, path: str, fm: FrontMatter, key: str, limit: int) -> str:
        value = fm.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.add(path, fm.lines[key], N_("%(key)s must be text"), key=key)
            return ""
        value = str(value).strip()
        if len(value) > limit:
            self.add(path, fm.lines[key], N_("%(key)s is longer than %(limit)d characters"),
                     key=key, limit=limit)
        return value

    def int_value(self, path: str, fm: FrontMatter, key: str, low: int, high: int,
                  default: int | None = None) -> int | None:
        if key not in fm.data:
            return default
        value = fm.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(path, fm.lines[key], N_(
                "%(key)s must be a whole number from %(low)d to %(high)d, got '%(value)s'"),
                key=key, low=low, high=high, value=value)
            return default
        return value

    def bool_value(self, path: str, fm: FrontMatter, key: str, default: bool = False) -> bool:
        value = fm.data.get(key, default)
        if not isinstance(value, bool):
            self.add(path, fm.lines[key], N_("%(key)s must be true or false, got '%(value)s'"),
                     key=key, value=value)
            return default
        return value

    def duration_value(self, path: str, fm: FrontMatter, key: str) -> int | None:
        """Seconds of a duration key (``30m``, ``1h30m``, ``2d``); None when absent."""
        value = fm.data.get(key)
        if value is None:
            return None
        low, high = DURATION_BOUNDS[key]
        text = str(value)
        if _WHOLE_NUMBER.fullmatch(text) and not isinstance(value, bool):
            self.add(path, fm.lines[key], N_(
                "%(key)s needs a unit: write %(value)sm, not %(value)s (units: d, h, m)"),
                key=key, value=text)
            return None
        seconds = parse_duration(text) if isinstance(value, str) else None
        if seconds is None:
            self.add(path, fm.lines[key], N_(
                "%(key)s must be a duration such as 30m, 1h or 1h30m (units: d, h, m), "
                "got '%(value)s'"), key=key, value=text)
        elif not low <= seconds <= high:
            self.add(path, fm.lines[key], N_(
                "%(key)s must be from %(low)s to %(high)s, got '%(value)s'"),
                key=key, low=format_duration(low), high=format_duration(high), value=text)
            return None
        return seconds

    def choice_value(self, path: str, fm: FrontMatter, key: str, choices: tuple[str, ...],
                     default: str | None = None) -> str:
        value = fm.data.get(key, default)
        if value is None:  # "level:" with nothing after it means the default
            return default or ""
        if value not in choices:
            self.add(path, fm.lines.get(key, 1), N_(
                "%(key)s must be one of %(choices)s, got '%(value)s'"),
                key=key, choices=", ".join(choices), value=value)
            return default or ""
        return value
