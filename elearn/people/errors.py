"""What the people rules say when they refuse something, untranslated.

A rule's message is a :class:`Message`: an English text marked with ``N_``
and its parameters. As a ``str`` it reads in English (logs, tests, the
English CLI); ``message.text(gettext)`` gives it in the reader's language.
The web forms and the command line translate; the rules never do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..errors import DomainError


def _as_written(message: str) -> str:
    return message


class Message(str):
    """An untranslated message with its parameters; as a ``str``, the English text."""

    message: str
    params: dict

    def __new__(cls, message: str, **params) -> Message:
        if isinstance(message, Message) and not params:
            return message
        self = super().__new__(cls, message % params if params else message)
        self.message, self.params = str(message), params
        return self

    def text(self, translate: Callable[[str], str] = _as_written) -> str:
        """The message in the reader's language, given gettext (or as written)."""
        translated = translate(self.message)
        return translated % self.params if self.params else translated


class PeopleError(DomainError):
    """A person, unit or staff file was refused.

    ``fields`` maps each field (a form field, CLI option or ``file``) to its
    messages, untranslated; a plain ``str`` is taken as a message without
    parameters.
    """

    def __init__(self, fields: Mapping[str, Sequence[str]]):
        self.fields = {name: [Message(m) for m in messages]
                       for name, messages in fields.items() if messages}
        first = next(m for messages in self.fields.values() for m in messages)
        super().__init__(first.message, **first.params)
        self.args = (self.text(),)

    def field_texts(self, translate: Callable[[str], str] = _as_written
                    ) -> dict[str, list[str]]:
        """Each field's messages in the reader's language."""
        return {name: [m.text(translate) for m in messages]
                for name, messages in self.fields.items()}

    def text(self, translate: Callable[[str], str] = _as_written) -> str:
        """Every message, in the reader's language, as one text."""
        return " ".join(text for texts in self.field_texts(translate).values()
                        for text in texts)


class StaffImportError(PeopleError):
    """A staff file was refused as a whole; nothing was written.

    ``StaffImportError(N_("... %(name)s ..."), name=...)``, or several
    messages at once (each a ``Message``, e.g. the password rule's).
    """

    def __init__(self, message: str, *more: str, **params):
        super().__init__({"file": [Message(message, **params), *more]})


class ImportFileError(StaffImportError):
    """The file cannot be read at all (wrong type, unreadable, empty, too large)."""


class ImportRefused(StaffImportError):
    """The plan cannot be applied as asked."""
