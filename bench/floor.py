"""The floor under a page: its own SQL and its compressed bytes, nothing else.

    gunicorn bench.floor:app        (ELEARN_FLOOR_FILE names what capture() wrote)

What share of the hello ceiling can a page reach at best on a database?
``capture`` opens the page in elearn itself, as a signed-in learner who has
opened it before, and records the statements it ran, with their parameters, the
page it answered, and the brotli level elearn compressed it at (found by
compressing the page at each level until the bytes are elearn's own). This app
then answers ``/<page>`` with only the work no framework can take away: it runs
those same statements, in order, on a connection of the same driver (psycopg
in autocommit, as elearn's reads, prepared after five runs as psycopg does; or
sqlite3 on the same file), fetches every row, and sends the recorded page
compressed at that level. No session, no sign-in, no templates, no headers
beyond Flask's.

bench/run.py serves it beside elearn under the same gunicorn settings and
measures each budgeted learner page's floor with wrk between two hello runs,
like the page itself: the rows "lesson floor", "course floor" and so on. The
gap between a page and its floor is what elearn's own code costs on top of the
database and the compression; a floor near a budget says the budget leaves
elearn's code almost nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

import brotli
from flask import Flask, Response, abort

#: The environment variable that names the captured floors (a JSON file).
FLOOR_FILE_ENV = "ELEARN_FLOOR_FILE"


class CaptureError(RuntimeError):
    pass


def _plain(value):
    """A parameter as JSON holds it: ids, slugs and hashes as they are; a moment (the
    dashboard's start of the year, on PostgreSQL) as {"datetime": ISO 8601 text}."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise CaptureError(f"a parameter of type {type(value).__name__} cannot be replayed")


def _restored(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value


def _plain_parameters(parameters):
    if isinstance(parameters, dict):
        return {name: _plain(value) for name, value in parameters.items()}
    return [_plain(value) for value in parameters]


def _restored_parameters(parameters):
    if isinstance(parameters, dict):
        return {name: _restored(value) for name, value in parameters.items()}
    return tuple(_restored(value) for value in parameters)


def _brotli_level(html: bytes, sent: bytes, path: str) -> int:
    """The level at which brotli turns ``html`` into exactly ``sent``."""
    for level in range(12):
        if brotli.compress(html, quality=level) == sent:
            return level
    raise CaptureError(f"{path}: no brotli level gives the bytes elearn sent")


def _capture_page(client, engine, headers: dict, path: str) -> dict:
    import sqlalchemy as sa

    statements: list[tuple[str, object]] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(2):  # the first view may record where the learner is
            statements.clear()
            response = client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    if response.status_code != 200 or b'name="password"' in response.data:
        raise CaptureError(f"{path} answered {response.status_code}, not the signed-in page")
    if not statements:
        raise CaptureError(f"{path} ran no statement")
    for statement, _parameters in statements:
        if not statement.lstrip().upper().startswith("SELECT"):
            raise CaptureError(f"a repeat view of {path} ran a write: {statement[:60]}")
    # The page once more, plain and then as brotli: the same page both times unless a
    # minute turned in between (a lesson's "N more minutes of reading"): then again.
    for _ in range(3):
        html = client.get(path, headers=headers).get_data()
        compressed = client.get(path, headers={**headers, "Accept-Encoding": "br"})
        if compressed.headers.get("Content-Encoding") != "br":
            raise CaptureError(f"{path} was not sent with brotli")
        if brotli.decompress(compressed.get_data()) == html:
            break
    else:
        raise CaptureError(f"{path}: the brotli answer is never the same page")
    return {"statements": [[s, _plain_parameters(p)] for s, p in statements],
            "html": html.decode(), "brotli_level": _brotli_level(html, compressed.get_data(), path)}


def capture(app, cookie: str, paths: dict[str, str], target: Path) -> dict:
    """Open each of ``paths`` (name -> path) in ``app`` with the Cookie header
    ``cookie``, as a repeat view, and write what each ran and sent to ``target``."""
    from elearn.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": cookie}
    pages = {name: _capture_page(client, engine, headers, path)
             for name, path in paths.items()}
    floor = {"url": engine.url.render_as_string(hide_password=False), "pages": pages}
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
    """The floors' Flask app, ``/<page>`` for each captured page; ``connect(url)``
    opens its driver connection."""
    pages = {
        name: ([(sql, _restored_parameters(params)) for sql, params in page["statements"]],
               page["html"].encode(), page["brotli_level"])
        for name, page in floor["pages"].items()
    }
    floor_app = Flask(__name__)
    #: The worker's one connection, opened at its first request (after gunicorn forks).
    floor_app.config["FLOOR_CONNECTION"] = None

    @floor_app.route("/<name>")
    def page(name: str):
        if name not in pages:
            abort(404)
        statements, html, level = pages[name]
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
