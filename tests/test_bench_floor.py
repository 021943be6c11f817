"""bench/floor.py replays a page's own work and nothing else: the statements a repeat
view of the page ran, in the same order with the same parameters, on the same
database, and the page's own bytes compressed at the brotli level elearn sends it
at. A page that does not answer signed in cannot be captured."""

from __future__ import annotations

import json

import brotli
import pytest
import sqlalchemy as sa

from bench import floor
from elearn.compression import BROTLI_LEVEL, PAGE_BROTLI_LEVEL
from elearn.extensions import db
from elearn.learning.progress import published_modules
from elearn.models import Course

from .conftest import AuthActions, recorded_sql


@pytest.fixture
def paths(app, sample_course):
    with app.app_context():
        course = db.session.scalar(
            sa.select(Course).where(Course.slug == "komunikasi-dengan-warga"))
        lesson = next(m for m in published_modules(course) if m.kind == "lesson")
        return {"lesson": f"/courses/{course.slug}/{lesson.slug}",
                "course": f"/courses/{course.slug}", "dashboard": "/"}


@pytest.fixture
def cookie(app, make_user):
    account = make_user("learner")
    auth = AuthActions(app.test_client())
    assert auth.login(account.nip).status_code == 302
    return f"session={auth.client.get_cookie('session').value}"


def test_capture_records_each_pages_repeat_view_and_its_brotli_level(app, cookie, paths,
                                                                       tmp_path):
    captured = floor.capture(app, cookie, paths, tmp_path / "floor.json")

    assert json.loads((tmp_path / "floor.json").read_text()) == captured
    assert set(captured["pages"]) == set(paths)
    client = app.test_client(use_cookies=False)
    for name, path in paths.items():
        page = captured["pages"][name]
        with recorded_sql(app) as statements:
            assert client.get(path, headers={"Cookie": cookie}).status_code == 200
        assert [sql for sql, _params in page["statements"]] == list(statements), name
        assert all(sql.lstrip().upper().startswith("SELECT") for sql in statements), name
        assert 'name="password"' not in page["html"], name
        sent = client.get(path, headers={"Cookie": cookie, "Accept-Encoding": "br"})
        assert brotli.compress(page["html"].encode(), quality=page["brotli_level"]) \
            == sent.get_data(), name
    # Lessons are compressed harder than other pages (elearn.compression).
    assert captured["pages"]["lesson"]["brotli_level"] == BROTLI_LEVEL
    assert captured["pages"]["course"]["brotli_level"] == PAGE_BROTLI_LEVEL
    assert "<article" in captured["pages"]["lesson"]["html"]


def test_the_floor_app_runs_a_pages_statements_and_sends_it_compressed(app, cookie, paths,
                                                                         tmp_path):
    captured = floor.capture(app, cookie, paths, tmp_path / "floor.json")
    seen: list[str] = []
    floor_app = floor.make_app(
        captured, connect=lambda url: _Recording(floor._driver_connection(url), seen))
    try:
        client = floor_app.test_client()
        for name in paths:
            seen.clear()
            response = client.get(f"/{name}")
            assert response.status_code == 200, name
            assert response.headers["Content-Encoding"] == "br", name
            page = captured["pages"][name]
            assert brotli.decompress(response.data).decode() == page["html"], name
            assert seen == [sql for sql, _params in page["statements"]], name
        assert client.get("/nothing").status_code == 404
    finally:
        connection = floor_app.config["FLOOR_CONNECTION"]
        if connection is not None:
            connection.close()


def test_a_page_that_is_not_signed_in_cannot_be_captured(app, paths, tmp_path):
    with pytest.raises(floor.CaptureError, match="not the signed-in page"):
        floor.capture(app, "session=not-a-session", paths, tmp_path / "floor.json")
    assert not (tmp_path / "floor.json").exists()


class _Recording:
    """A driver connection whose cursors note each statement they execute."""

    def __init__(self, connection, seen: list[str]):
        self._connection, self._seen = connection, seen

    def cursor(self):
        cursor, seen = self._connection.cursor(), self._seen

        class Cursor:
            def execute(self, sql, params):
                seen.append(sql)
                return cursor.execute(sql, params)

            def fetchall(self):
                return cursor.fetchall()

            def close(self):
                cursor.close()

        return Cursor()

    def close(self):
        self._connection.close()
