"""Command line: thin click groups over the services, one module per area.

The command line speaks the platform's default language (``DEFAULT_LOCALE``,
Indonesian unless configured otherwise) throughout: a command runs with no
request, so ``elearn.i18n.select_locale`` gives the default locale, and every
message (its own, the services' problems, ``file:line: message`` and
``row N, column X: message``) goes through the same gettext as the web.
"""

from __future__ import annotations

import click
from flask import Flask
from flask_babel import gettext

from ..errors import N_

#: How a save of a course came out (``SaveResult.outcome``), as the CLI says it.
OUTCOMES = {"created": N_("created"), "updated": N_("updated"), "unchanged": N_("unchanged")}


class CliError(click.ClickException):
    """A command's failure (exit code 1), shown as "Galat: …" in the default language.

    The line is translated when the error is raised: click shows it after the
    command's application context (and so its language) is gone."""

    def __init__(self, message: str):
        super().__init__(message)
        self.line = gettext("Error: %(message)s", message=message)

    def show(self, file=None) -> None:
        click.echo(self.line, err=True, file=file)


def outcome(value: str) -> str:
    """A save's outcome in the CLI's language."""
    return gettext(OUTCOMES[value]) if value in OUTCOMES else value


def register_cli(app: Flask) -> None:
    from .content import content_cli
    from .notify import notify_cli
    from .reports import reports_cli
    from .staff import import_users_command
    from .users import demo_command, users_cli

    users_cli.add_command(import_users_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(notify_cli)
