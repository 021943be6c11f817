"""Issue 9 item 10c (and 6): course files are served only by their full
digest, only when the course page or a published module links them, and any
file name downloads."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from elearn.courses.store import rerender_course, save_course
from elearn.extensions import db
from elearn.models import Course, Module

from ..content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\4" * 16
PDF_NAME = "media/SOP pelayanan – revisi.pdf"
LESSON = LESSON_MD + "\n![Alur](media/alur.png)\n\nUnduh [SOP](<" + PDF_NAME + ">).\n"
DRAFT = "---\ntitle: Rahasia\nminutes: 5\n---\nLihat ![bagan](media/draf.png).\n"
QUIZ = QUIZ_MD.replace("Jawablah semua soal.", "Jawablah semua soal.\n\n![Soal](media/soal.png)")


@pytest.fixture
def course(app):
    with app.app_context():
        result = save_course(make_course({
            "course.md": COURSE_MD.replace("jp: 2", "jp: 2\ncover: media/sampul.png"),
            "01-pengantar.md": LESSON, "02-kuis.md": QUIZ, "03-rahasia.md": DRAFT,
            "media/alur.png": PNG, "media/sampul.png": PNG + b"s", "media/soal.png": PNG + b"q",
            "media/draf.png": PNG + b"d", "media/lepas.png": PNG + b"x",
            PDF_NAME: b"%PDF-1.4 sop"}))
        db.session.scalar(sa.select(Module).where(Module.slug == "rahasia")).status = "draft"
        db.session.commit()
        return {a.path: f"/courses/pelayanan-publik/files/{a.sha256}/{a.path}"
                for a in result.course.assets}


@pytest.fixture
def learner(make_user, auth):
    user = make_user("learner")
    auth.login(user.nip)
    return user


def test_a_linked_file_is_served_by_its_full_digest(client, course, learner):
    response = client.get(course["media/alur.png"])
    assert response.status_code == 200 and response.data == PNG


@pytest.mark.parametrize("length", [1, 12, 63])
def test_a_digest_prefix_is_not_enough(client, course, learner, length):
    url = course["media/alur.png"]
    digest = url.split("/")[4]
    assert client.get(url.replace(digest, digest[:length])).status_code == 404


def test_a_file_no_published_module_links_is_not_served_to_learners(client, course, learner):
    assert client.get(course["media/lepas.png"]).status_code == 404
    assert client.get(course["media/draf.png"]).status_code == 404


def test_the_cover_and_quiz_images_are_served(client, course, learner):
    assert client.get(course["media/sampul.png"]).status_code == 200
    assert client.get(course["media/soal.png"]).status_code == 200


def test_instructors_still_see_every_file_of_their_course(client, course, make_user, auth):
    instructor = make_user("instructor")
    auth.login(instructor.nip)
    assert client.get(course["media/lepas.png"]).status_code == 200
    assert client.get(course["media/draf.png"]).status_code == 200


def test_an_attachment_named_outside_latin1_downloads(client, course, learner):
    response = client.get(quote(course[PDF_NAME]))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="SOP pelayanan  revisi.pdf"')
    assert "filename*=UTF-8''SOP%20pelayanan%20%E2%80%93%20revisi.pdf" in disposition


def test_rerender_brings_stored_html_to_the_current_renderer(app, course):
    with app.app_context():
        stored = db.session.scalar(sa.select(Course))
        module = next(m for m in stored.modules if m.slug == "pengantar")
        module.body_html = module.body_html.replace("/files/", "/old/")
        version = stored.version
        assert rerender_course(stored) == []
        db.session.commit()
        assert course["media/alur.png"] in module.body_html
        assert stored.version == version


def test_rerender_command_renders_every_course(runner, course):
    result = runner.invoke(args=["content", "rerender"])
    assert result.exit_code == 0, result.output
    assert "1 kursus dirender ulang, 0 dibiarkan tanpa perubahan." in result.output
