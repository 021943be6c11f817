"""A learner on a phone goes from enrolling to a completed course and more JP."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import DEMO_PASSWORD, load_demo
from elearn.extensions import db
from elearn.models import Module

from ..learn.conftest import course_files
from .helpers import answer_quiz

pytestmark = pytest.mark.browser


@pytest.fixture
def quiz(app):
    with app.app_context():
        load_demo(content=None)
        save_course(course_files())  # two lessons and a quiz
        db.session.commit()
        module = db.session.scalar(sa.select(Module).where(Module.kind == "quiz"))
        return module.quiz["questions"]


def test_learner_journey_on_a_phone(quiz, live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    tab = context.new_page()
    tab.goto(live_server + "/login")
    tab.get_by_label("NIP atau email").fill("peserta@demo.example")
    tab.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    tab.get_by_role("button", name="Masuk").click()
    expect(tab.get_by_text("0 / 20 JP")).to_be_visible()

    tab.get_by_role("link", name="Kursus", exact=True).click()
    tab.get_by_role("link", name="Pelayanan Publik").click()
    tab.get_by_role("button", name="Ikuti kursus ini").click()
    expect(tab.get_by_text("Anda sudah terdaftar")).to_be_visible()
    tab.get_by_role("link", name="Mulai").click()

    for title in ("Pengantar", "Standar"):  # read every lesson
        expect(tab.get_by_role("heading", level=1)).to_have_text(title)
        tab.get_by_role("button", name="Tandai selesai").click()
        expect(tab.get_by_text("Modul ditandai selesai.")).to_be_visible()

    # The quiz: fail first, then pass.
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kuis")
    tab.get_by_role("button", name="Mulai kuis").click()
    answer_quiz(tab, quiz, correct=False)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("Tidak lulus", exact=True)).to_be_visible()
    tab.get_by_role("button", name="Coba lagi").click()
    answer_quiz(tab, quiz, correct=True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("Selamat, Anda telah menyelesaikan kursus ini")).to_be_visible()
    expect(tab.get_by_text("Lulus", exact=True)).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360

    tab.get_by_role("link", name="Pembelajaran Saya").click()
    expect(tab.get_by_text("2 / 20 JP")).to_be_visible()
    completed = tab.locator("section", has=tab.locator("#done-h"))
    expect(completed.get_by_role("link", name="Pelayanan Publik")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
