"""Issue 9 item 6: a NUL or other control character inside course text is refused
by the checker with file:line (PostgreSQL cannot store NUL; it used to be a 500)."""

from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa

from elearn.content import check_course
from elearn.extensions import db
from elearn.models import Course

from ..conftest import csrf_token
from ..content.helpers import LESSON_MD, make_course


def _problems(changes):
    return [str(p) for p in check_course(make_course(changes))[1]]


def test_nul_byte_in_a_lesson_is_refused_with_its_line():
    lesson = LESSON_MD.replace("Pelayanan publik", "Pelayanan\x00publik")
    line = lesson.split("\n").index(next(li for li in lesson.split("\n") if "\x00" in li)) + 1
    problems = _problems({"01-pengantar.md": lesson})
    assert f"content/pelayanan-publik/01-pengantar.md:{line}: control character U+0000 " \
        "is not allowed in text" in problems


def test_escape_and_delete_characters_in_course_md_are_refused():
    assert any("course.md:1: control character U+001B" in p
               for p in _problems({"course.md": "\x1b" + "x"}))
    from ..content.helpers import COURSE_MD
    assert any("control character U+007F" in p
               for p in _problems({"course.md": COURSE_MD + "\x7f\n"}))


def test_tabs_and_windows_line_ends_stay_allowed():
    lesson = LESSON_MD.replace("\n", "\r\n").replace("Pelayanan publik", "Pelayanan\tpublik")
    assert _problems({"01-pengantar.md": lesson}) == []


def test_web_upload_of_a_course_with_a_nul_byte_lists_the_problem(app, client, make_user, auth):
    auth.login(make_user("admin").nip)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in make_course({"01-pengantar.md": LESSON_MD + "\x00\n"}).files.items():
            archive.writestr(f"pelayanan-publik/{path}", data)
    token = csrf_token(client.get("/author/upload").get_data(as_text=True))
    response = client.post("/author/upload", data={
        "csrf_token": token, "archive": (io.BytesIO(buffer.getvalue()), "kursus.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "karakter kendali U+0000 tidak boleh ada di dalam teks" in \
        response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
