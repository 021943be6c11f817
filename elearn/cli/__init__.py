"""Command line: thin click groups over the services, one module per area."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from .content import content_cli
    from .reports import reports_cli
    from .staff import import_users_command
    from .users import demo_command, users_cli

    users_cli.add_command(import_users_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(demo_command)
