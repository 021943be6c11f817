"""What counts as a control character, in one place (pure Python, no Flask).

Used by request hygiene (elearn/inputs.py), the course checker, the
sign-in lookup and the spreadsheet exports (a `next` address refuses tab and
newlines as well: elearn/safe_redirect.py). Tab, line feed
and carriage return are text; NUL, the other C0 characters and DEL are not
(PostgreSQL cannot even store NUL). Spreadsheets also drop the C1 range.
"""

from __future__ import annotations

import re

#: C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The same plus the C1 range (U+0080-U+009F), which spreadsheet cells must not hold.
CONTROL_CHARACTERS_WITH_C1 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def strip_control_characters(value: str) -> str:
    """``value`` without NUL and the other control characters (tab and newlines stay)."""
    return CONTROL_CHARACTERS.sub("", value)
