"""The floor under the lesson page: its own SQL and its compressed bytes, nothing else.

    gunicorn bench.floor:app        (ELEARN_FLOOR_FILE names what capture() wrote)

What share of the hello ceiling can the lesson page reach at best on a database?
``capture`` opens the bench's lesson in elearn itself, as a signed-in learner
who has opened it before, and records the statements the page ran, with their
parameters, and the page it answered. This app then answers every request with
only the work no framework can take away: it runs those same statements, in
order, on a connection of the same driver (psycopg in autocommit, as elearn's
reads, prepared after five runs as psycopg does; or sqlite3 on the same file),
fetches every row, and sends the recorded page compressed with brotli at the
lesson's level. No session, no sign-in, no templates, no headers beyond Flask's.

bench/run.py serves it beside elearn under the same gunicorn settings and
measures it with wrk between two hello runs, like a budgeted page: the row
"lesson floor". The gap between it and the lesson row is what elearn's own code
costs on top of the database and the compression; a floor near or below a
budget says the budget leaves elearn's code almost nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import brotli
from flask import Flask, Response

#: The environment variable that names the captured floor (a JSON file).
FLOOR_FILE_ENV = "ELEARN_FLOOR_FILE"


class CaptureError(RuntimeError):
    pass


def _plain_parameters(parameters):
    """The statement's parameters as JSON can hold them: only ints, strings and None
    are expected on the lesson page (ids, slugs, a token's hash)."""
    values = parameters.values() if isinstance(parameters, dict) else parameters
    for value in values:
        if value is not None and not isinstance(value, int | str):
            raise CaptureError(f"a parameter of type {type(value).__name__} cannot be replayed")
    return dict(parameters) if isinstance(parameters, dict) else list(parameters)


def capture(app, cookie: str, path: str, target: Path) -> dict:
    """Open ``path`` in ``app`` twice with the Cookie header ``cookie`` (the first
    view may record where the learner is; the second is the repeat view the bench
    measures) and write the second view's statements and page to ``target``."""
    import sqlalchemy as sa

    from elearn.compression import BROTLI_LEVEL
    from elearn.extensions import db

    statements: list[tuple[str, object]] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    client = app.test_client(use_cookies=False)
    headers = {"Cookie": cookie}
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(2):
            statements.clear()
            response = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    if response.status_code != 200 or b'name="password"' in response.data:
        raise CaptureError(f"{path} answered {response.status_code}, not the signed-in page")
    if not statements:
        raise CaptureError(f"{path} ran no statement")
    for statement, _parameters in statements:
        if not statement.lstrip().upper().startswith("SELECT"):
            raise CaptureError(f"a repeat view of {path} ran a write: {statement[:60]}")
    floor = {
        "url": engine.url.render_as_string(hide_password=False),
        "statements": [[s, _plain_parameters(p)] for s, p in statements],
        "html": response.get_data(as_text=True),
        "brotli_level": BROTLI_LEVEL,
    }
    target.write_text(json.dumps(floor))
    return floor


def _driver_connection(url: str):
    """A connection of elearn's driver for ``url`` (a SQLAlchemy URL)."""
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"))
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return psycopg.connect(plain, autocommit=True)


def make_app(floor: dict, connect=_driver_connection) -> Flask:
    """The floor's Flask app; ``connect(url)`` opens its driver connection."""
    html = floor["html"].encode()
    level = floor["brotli_level"]
    statements = [(sql, params if isinstance(params, dict) else tuple(params))
                  for sql, params in floor["statements"]]
    floor_app = Flask(__name__)
    #: The worker's one connection, opened at its first request (after gunicorn forks).
    floor_app.config["FLOOR_CONNECTION"] = None

    @floor_app.route("/")
    def page():
        connection = floor_app.config["FLOOR_CONNECTION"]
        if connection is None:
            connection = floor_app.config["FLOOR_CONNECTION"] = connect(floor["url"])
        cursor = connection.cursor()
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
        finally:
            cursor.close()
        return Response(brotli.compress(html, quality=level),
                        content_type="text/html; charset=utf-8",
                        headers={"Content-Encoding": "br"})

    return floor_app


def _app_from_environment():
    name = os.environ.get(FLOOR_FILE_ENV)
    if not name:
        return None
    return make_app(json.loads(Path(name).read_text()))


app = _app_from_environment()
