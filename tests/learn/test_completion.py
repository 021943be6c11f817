"""Completion exactly once, minimum reading time, yearly JP."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Course, CourseCompletion, Enrollment, ModuleProgress

from ..content.helpers import COURSE_MD
from .conftest import SLUG, answers_for, course_files


def _completions(app):
    with app.app_context():
        return db.session.scalars(sa.select(CourseCompletion)).all()


def test_lessons_and_a_passed_quiz_complete_the_course_once(app, course, learner):
    learner.complete("pengantar")
    learner.complete("standar")
    assert _completions(app) == []
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=False))
    assert _completions(app) == []  # a failed quiz does not complete
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True))
    completions = _completions(app)
    assert len(completions) == 1
    c = completions[0]
    assert (c.jp, c.course_version, c.final_score) == (2, 1, 100.0)
    # Marking again and retaking change nothing.
    learner.complete("pengantar")
    assert learner.start_quiz().status_code == 302  # no attempts left: nothing new
    assert len(_completions(app)) == 1


def test_the_database_refuses_a_second_completion(app, course, learner):
    learner.finish()
    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id))
        db.session.add(CourseCompletion(user_id=learner.account.id, course_id=course_id,
                                        course_version=1, jp=2))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_course_page_and_dashboard_show_completion_and_yearly_jp(app, course, learner):
    html = learner.client.get("/").get_data(as_text=True)
    assert "<strong>0</strong> / 20 JP" in html
    response = learner.finish()
    assert response.status_code == 302
    dashboard = learner.client.get("/").get_data(as_text=True)
    assert "<strong>2</strong> / 20 JP" in dashboard
    assert "Kurang 18 JP lagi" in dashboard
    assert "Pelayanan Publik" in dashboard.split('id="done-h"')[1]
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Selesai pada" in page and "memperoleh 2 JP" in page


def test_once_every_course_is_completed_in_progress_says_so(app, course, learner):
    before = learner.client.get("/").get_data(as_text=True)
    assert "Anda belum mengikuti kursus apa pun." in before
    learner.finish()
    after = learner.client.get("/").get_data(as_text=True).split('id="progress-h"')[1]
    in_progress = after.split('id="done-h"')[0]
    assert "Anda belum mengikuti kursus apa pun." not in in_progress
    assert "semua yang Anda mulai sudah selesai" in in_progress


def test_only_this_years_completions_count_toward_jp(app, course, learner):
    learner.finish()
    with app.app_context():
        completion = db.session.scalar(sa.select(CourseCompletion))
        completion.completed_at = datetime.now(UTC) - timedelta(days=400)
        db.session.commit()
    assert "<strong>0</strong> / 20 JP" in learner.client.get("/").get_data(as_text=True)


def test_the_years_jp_counts_when_the_board_has_no_course_left(app, course, learner):
    """The JP total rides on the dashboard's course rows; a person whose only course was
    unpublished after they completed it has no row, and still sees the JP earned."""
    learner.finish()
    assert "<strong>2</strong> / 20 JP" in learner.client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(sa.select(Course)).status = "draft"
        db.session.commit()
    html = learner.client.get("/").get_data(as_text=True)
    assert "Pelayanan Publik" not in html
    assert "<strong>2</strong> / 20 JP" in html


@pytest.fixture
def slow_course(app):
    slow = COURSE_MD.replace("jp: 2", "jp: 2\nmin_reading_percent: 50")
    with app.app_context():
        save_course(course_files(course_md=slow))  # lessons are 10 minutes: 5 required
        db.session.commit()


def test_minimum_reading_time_explains_how_long_is_left(app, slow_course, learner):
    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.client.get(f"/courses/{SLUG}/pengantar")  # opened while enrolled: the timer starts
    response = learner.complete("pengantar")
    page = learner.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "materi ini dapat ditandai selesai dalam 5 menit lagi" in page
    with app.app_context():
        row = db.session.scalar(sa.select(ModuleProgress))
        assert row.completed_at is None
        row.first_opened_at = datetime.now(UTC) - timedelta(minutes=6)
        db.session.commit()
    learner.complete("pengantar")
    with app.app_context():
        assert db.session.scalar(sa.select(ModuleProgress)).completed_at is not None


def test_opening_a_module_once_enrolled_is_remembered_for_continue(app, course, learner):
    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.client.get(f"/courses/{SLUG}/standar")
    with app.app_context():
        enrollment = db.session.scalar(sa.select(Enrollment))
        assert enrollment.last_module.slug == "standar"
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert f'href="/courses/{SLUG}/standar">Lanjutkan: Standar' in page
    dashboard = learner.client.get("/").get_data(as_text=True)
    assert f'href="/courses/{SLUG}/standar">Lanjutkan' in dashboard


def test_enrol_button_enrols_once(app, course, learner):
    for _ in range(2):
        learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1
