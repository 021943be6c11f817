"""Durations as authors write them: ``30m``, ``1h``, ``1h30m``, ``2d``.

Days, hours and minutes, in that order, each at most once, no spaces, upper
or lower case. The quiz front matter (``retry_after``, ``time_limit``), the
web editor and the learner pages all read and write this one form.
"""

from __future__ import annotations

import re

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# At most nine digits per unit: int() of a longer digit string may refuse it,
# and no useful duration needs more.
_DURATION = re.compile(r"(?:([0-9]{1,9})d)?(?:([0-9]{1,9})h)?(?:([0-9]{1,9})m)?", re.IGNORECASE)


def parse_duration(text: str) -> int | None:
    """Seconds in ``text`` (``"1h30m"`` is 5400), or None if it is not a duration.

    A bare number (``"90"``) is not a duration: its unit would be a guess.
    """
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        return None
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return days * DAY + hours * HOUR + minutes * MINUTE


def format_duration(seconds: int) -> str:
    """The duration in its largest units, as ``parse_duration`` reads it: 5400 is ``1h30m``.

    Seconds are rounded up to a whole minute, so a wait or a time left shown
    to a learner is never shorter than the real one; zero is ``0m``.
    """
    minutes = -(-max(seconds, 0) // MINUTE)
    days, minutes = divmod(minutes, DAY // MINUTE)
    hours, minutes = divmod(minutes, HOUR // MINUTE)
    text = "".join(f"{value}{unit}" for value, unit in ((days, "d"), (hours, "h"),
                                                        (minutes, "m")) if value)
    return text or "0m"
