"""bench/floor.py replays the lesson page's own work and nothing else: the statements
a repeat view of the page ran, in the same order with the same parameters, on the
same database, and the page's own bytes compressed at the lesson's brotli level. A
page that does not answer signed in cannot be captured."""

from __future__ import annotations

import json

import brotli
import pytest
import sqlalchemy as sa

from bench import floor
from elearn.compression import BROTLI_LEVEL
from elearn.extensions import db
from elearn.learning.progress import published_modules
from elearn.models import Course

from .conftest import AuthActions, recorded_sql


@pytest.fixture
def lesson_path(app, sample_course):
    with app.app_context():
        course = db.session.scalar(
            sa.select(Course).where(Course.slug == "komunikasi-dengan-warga"))
        lesson = next(m for m in published_modules(course) if m.kind == "lesson")
        return f"/courses/{course.slug}/{lesson.slug}"


def _signed_in_cookie(app, make_user) -> str:
    account = make_user("learner")
    auth = AuthActions(app.test_client())
    assert auth.login(account.nip).status_code == 302
    return f"session={auth.client.get_cookie('session').value}"


def test_capture_records_the_repeat_views_statements_and_page(app, make_user, lesson_path,
                                                               tmp_path):
    cookie = _signed_in_cookie(app, make_user)
    captured = floor.capture(app, cookie, lesson_path, tmp_path / "floor.json")

    assert json.loads((tmp_path / "floor.json").read_text()) == captured
    client = app.test_client(use_cookies=False)
    with recorded_sql(app) as statements:
        page = client.get(lesson_path, headers={"Cookie": cookie})
    assert page.status_code == 200
    assert [sql for sql, _params in captured["statements"]] == list(statements)
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in statements)
    assert "<article" in captured["html"] and 'name="password"' not in captured["html"]
    assert captured["brotli_level"] == BROTLI_LEVEL


def test_the_floor_app_runs_those_statements_and_sends_the_page_compressed(
        app, make_user, lesson_path, tmp_path):
    captured = floor.capture(app, _signed_in_cookie(app, make_user), lesson_path,
                             tmp_path / "floor.json")
    seen: list[str] = []
    floor_app = floor.make_app(
        captured, connect=lambda url: _Recording(floor._driver_connection(url), seen))
    try:
        response = floor_app.test_client().get("/")
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert brotli.decompress(response.data).decode() == captured["html"]
        assert seen == [sql for sql, _params in captured["statements"]]
    finally:
        connection = floor_app.config["FLOOR_CONNECTION"]
        if connection is not None:
            connection.close()


def test_a_page_that_is_not_signed_in_cannot_be_captured(app, lesson_path, tmp_path):
    with pytest.raises(floor.CaptureError, match="not the signed-in page"):
        floor.capture(app, "session=not-a-session", lesson_path, tmp_path / "floor.json")
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
