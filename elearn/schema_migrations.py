"""Flask-Migrate (``flask db ...``, ``flask_migrate.upgrade()``), loaded when first used.

Flask-Migrate brings Alembic, about 11 MB per process that serving pages never
needs. So the app registers a ``db`` command group and an ``extensions["migrate"]``
entry that both stand in for it and call ``Migrate.init_app`` the first time a
migration command or function touches them; from then on Flask-Migrate's own
objects are in place.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, g
from flask.cli import with_appcontext

from .extensions import db


def _init_flask_migrate(app: Flask) -> None:
    from flask_migrate import Migrate

    directory = Path(app.root_path).parent / "migrations"
    Migrate().init_app(app, db, directory=str(directory))  # replaces both stand-ins


class _MigrateConfigStandIn:
    """``app.extensions["migrate"]`` until first read: then Flask-Migrate's own."""

    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_app":
            raise AttributeError(name)
        _init_flask_migrate(self._app)
        return getattr(self._app.extensions["migrate"], name)


@with_appcontext
def _group_options(directory: str | None, x_arg: tuple[str, ...]) -> None:
    # What Flask-Migrate's own ``db`` group does with its options.
    g.directory = directory
    g.x_arg = x_arg


class _MigrateCommands(click.Group):
    """``flask db``: Flask-Migrate's group (same options), its commands imported when
    one is run or listed."""

    def __init__(self, app: Flask):
        super().__init__("db", help="Perform database migrations.", callback=_group_options,
                         params=[
                             click.Option(["-d", "--directory"], default=None,
                                          help='Migration script directory (default is '
                                               '"migrations")'),
                             click.Option(["-x", "--x-arg"], multiple=True,
                                          help="Additional arguments consumed by custom "
                                               "env.py scripts")])
        self._app = app

    def _commands(self) -> click.Group:
        if isinstance(self._app.extensions.get("migrate"), _MigrateConfigStandIn):
            _init_flask_migrate(self._app)
        from flask_migrate.cli import db as commands

        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._commands().get_command(ctx, name)


def init_schema_migrations(app: Flask) -> None:
    app.extensions["migrate"] = _MigrateConfigStandIn(app)
    app.cli.add_command(_MigrateCommands(app))
