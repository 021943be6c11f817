"""Learning without a connection, in Chromium at phone size: a course saved for offline
is read, its lessons marked completed and its quiz submitted while the browser is
offline; back online, each is recorded once with the device's times."""

import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db
from elearn.models import (
    CourseCompletion,
    Module,
    ModuleProgress,
    OfflineSubmission,
    QuizAttempt,
    User,
)

from ..learn.conftest import course_files
from .conftest import PHONE
from .helpers import answer_quiz, sign_in

pytestmark = pytest.mark.browser

LEARNER = "peserta@demo.example"


@pytest.fixture
def quiz(app):
    with app.app_context():
        load_demo(content=None)
        save_course(course_files())  # two lessons and a quiz
        db.session.commit()
        module = db.session.scalar(sa.select(Module).where(Module.kind == "quiz"))
        return module.quiz["questions"]


def _wait_for(app, check, seconds=20):
    deadline = time.monotonic() + seconds
    while True:
        with app.app_context():
            result = check()
            db.session.remove()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


def _saved_course(tab, base):
    """Enrol in the course and save it for offline from its page."""
    tab.goto(base + "/courses/pelayanan-publik")
    tab.get_by_role("button", name="Ikuti kursus ini").click()
    expect(tab.get_by_text("Anda sudah terdaftar")).to_be_visible()
    tab.get_by_role("button", name="Simpan untuk offline").click()
    expect(tab.get_by_text("Tersimpan di perangkat ini")).to_be_visible(timeout=20_000)


def test_a_saved_course_is_read_completed_and_its_quiz_submitted_offline(
        app, quiz, live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, LEARNER)
    _saved_course(tab, live_server)

    context.set_offline(True)
    offline_from = datetime.now(UTC)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_text("Salinan offline")).to_be_visible()
    for title in ("Pengantar", "Standar"):
        expect(tab.get_by_role("heading", level=1)).to_have_text(title)
        tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kuis")
    answer_quiz(tab, quiz, correct=True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("akan dinilai")).to_be_visible()
    offline_until = datetime.now(UTC)
    # Nothing reached the server while offline.
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 0
    time.sleep(1.5)  # the server's clock moves on: the device's times must be kept

    context.set_offline(False)
    tab.goto(live_server + "/")
    assert _wait_for(app, lambda: db.session.scalar(
        sa.select(sa.func.count(OfflineSubmission.id))) == 3), "the queue was not sent"
    # The learner sees what became of it on the next page (once the worker has
    # stored the server's answers, a moment after they arrived).
    graded = tab.get_by_text("sudah dinilai (100) dan kursus selesai")
    for _ in range(20):
        tab.goto(live_server + "/")
        # Filled in from the device's store (a saved course is listed): notices shown
        # are then marked seen, so look before leaving the page.
        expect(tab.locator("[data-saved-list]")).to_be_visible()
        if graded.count():
            break
        tab.wait_for_timeout(250)
    expect(graded).to_be_visible()
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == LEARNER))
        rows = db.session.scalars(sa.select(ModuleProgress).where(
            ModuleProgress.user_id == learner.id)).all()
        assert len(rows) == 3 and all(r.completed_at is not None for r in rows)
        for row in rows:
            done = row.completed_at.replace(tzinfo=UTC) if row.completed_at.tzinfo is None \
                else row.completed_at
            assert offline_from <= done <= offline_until, "not the device's time"
        attempts = db.session.scalars(sa.select(QuizAttempt).where(
            QuizAttempt.user_id == learner.id)).all()
        assert len(attempts) == 1 and attempts[0].passed
        assert db.session.scalar(sa.select(sa.func.count(CourseCompletion.id)).where(
            CourseCompletion.user_id == learner.id)) == 1
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 3
    context.close()
