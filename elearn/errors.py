"""The one error type the domain raises when a rule refuses an action.

Domain code (people, learning, certificates, courses, reporting) never
translates: it raises a subclass of ``DomainError`` carrying an English
message marked with ``N_`` and its parameters. The web layer translates it
with gettext (``error.text(gettext)``) in the reader's language, the command line
in the platform's default language.
"""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:  # noqa: N802 - the gettext marker's customary name
    """Mark a message for translation without translating it here."""
    return message


class DomainError(ValueError):
    """A rule refused an action; ``message`` (with ``params``) says why, untranslated."""

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)

    def text(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """The message in the reader's language, given gettext (or as written)."""
        translated = translate(self.message)
        return translated % self.params if self.params else translated
