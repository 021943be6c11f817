"""Issue 9, item 10: opening a module (a GET) never enrols, and an image request
pointing at a module page never records progress."""

from __future__ import annotations

import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import Enrollment, ModuleProgress

from ..learn.conftest import SLUG, course, learner  # noqa: F401 (fixtures)


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(t))
                     for t in (Enrollment, ModuleProgress))


def test_opening_a_module_without_enrolling_writes_nothing(app, course, learner):  # noqa: F811
    page = learner.client.get(f"/courses/{SLUG}/standar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="/courses/{SLUG}/enrol"' in html
    assert 'name="module" value="standar"' in html
    assert "Tandai selesai" not in html
    assert _counts(app) == (0, 0)


def test_a_quiz_page_without_enrolling_offers_enrolment_not_the_quiz(app, course, learner):  # noqa: F811
    html = learner.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    assert "Mulai kuis" not in html and "Daftar untuk memulai" in html
    assert _counts(app) == (0, 0)


def test_enrolling_from_a_module_page_comes_back_to_it_and_then_records_it(
        app, course, learner):  # noqa: F811
    response = learner.post(f"/courses/{SLUG}/enrol", {"module": "standar"},
                            page=f"/courses/{SLUG}/standar")
    assert response.headers["Location"] == f"/courses/{SLUG}/standar"
    html = learner.client.get(f"/courses/{SLUG}/standar").get_data(as_text=True)
    assert "Tandai selesai" in html
    with app.app_context():
        assert db.session.scalar(sa.select(Enrollment)).last_module.slug == "standar"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleProgress)) == 1


def test_enrolling_with_an_unknown_module_goes_to_the_course_page(course, learner):  # noqa: F811
    for module in ("//evil.example", "tidak-ada", "../admin"):
        response = learner.post(f"/courses/{SLUG}/enrol", {"module": module},
                                page=f"/courses/{SLUG}")
        assert response.headers["Location"] == f"/courses/{SLUG}"


def test_a_module_url_loaded_as_an_image_does_not_enrol_or_record(app, course, learner):  # noqa: F811
    image = {"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors"}
    learner.client.get(f"/courses/{SLUG}/standar", headers=image)
    assert _counts(app) == (0, 0)
    # Even for an enrolled learner an image request does not move "continue".
    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.client.get(f"/courses/{SLUG}/pengantar", headers={"Sec-Fetch-Dest": "document"})
    learner.client.get(f"/courses/{SLUG}/standar", headers=image)
    with app.app_context():
        assert db.session.scalar(sa.select(Enrollment)).last_module.slug == "pengantar"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleProgress)) == 1


def test_a_get_of_the_enrol_address_enrols_no_one(app, course, learner):  # noqa: F811
    assert learner.client.get(f"/courses/{SLUG}/enrol").status_code in (404, 405)
    assert _counts(app) == (0, 0)
