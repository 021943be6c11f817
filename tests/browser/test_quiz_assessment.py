"""A learner on a phone (and on a laptop) meets the quiz rules: closed until the lessons are done,
a blank submit refused, answers saved and restored after closing the page,
unanswered questions listed, no answer key after a failed attempt, and a submit
without network that keeps the answers on the page."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db
from elearn.models import Module

from ..learn.conftest import course_files
from .conftest import LAPTOP, PHONE
from .helpers import answer_quiz, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def questions(app):
    with app.app_context():
        load_demo(content=None)
        save_course(course_files())  # two lessons and a quiz of four questions, 2 attempts
        db.session.commit()
        module = db.session.scalar(sa.select(Module).where(Module.kind == "quiz"))
        return module.quiz["questions"]


def _fits(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-360x740", "laptop-1366x768"])
def test_quiz_rules_and_answers_never_lost(questions, live_server, browser, viewport):
    context = browser.new_context(viewport=viewport, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, "peserta@demo.example")
    quiz_url = live_server + "/courses/pelayanan-publik/kuis"
    tab.goto(quiz_url)
    tab.get_by_role("button", name="Ikuti kursus ini").click()

    # Closed until the lessons before it are completed, with links to them.
    expect(tab.get_by_text("Kuis terbuka setelah Anda menyelesaikan pelajaran sebelumnya."))\
        .to_be_visible()
    expect(tab.get_by_role("button", name="Mulai kuis")).to_have_count(0)
    _fits(tab)
    tab.get_by_role("link", name="Pengantar", exact=True).last.click()
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Standar")
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kuis")
    expect(tab.get_by_text("Sisa kesempatan: 2 dari 2")).to_be_visible()
    tab.get_by_role("button", name="Mulai kuis").click()

    # A blank submit is refused and costs nothing.
    expect(tab.get_by_text("Pertanyaan 1 dari 4")).to_be_visible()
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("Anda belum menjawab satu pertanyaan pun")).to_be_visible()
    _fits(tab)

    # Two answers, saved as the learner goes; the page is closed and opened again.
    first, second = tab.locator("fieldset.question").all()[:2]
    first.locator("input").first.check()
    second.locator("input").first.check()
    expect(tab.get_by_text(re.compile(r"Jawaban tersimpan pukul"))).to_be_visible()
    attempt_url = tab.url
    tab.close()
    tab = context.new_page()
    tab.goto(quiz_url)
    tab.get_by_role("link", name="Lanjutkan percobaan").click()
    assert tab.url == attempt_url
    questions_now = tab.locator("fieldset.question").all()
    expect(questions_now[0].locator("input").first).to_be_checked()
    expect(questions_now[1].locator("input").first).to_be_checked()

    # Submitting with questions left lists them, with links, before anything is graded.
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_role("heading", name="2 dari 4 pertanyaan belum dijawab")).to_be_visible()
    expect(tab.locator("#unanswered").get_by_role("link")).to_have_count(2)
    _fits(tab)

    # A wrong attempt: the answer key and explanations stay hidden while attempts remain.
    answer_quiz(tab, questions, correct=False)
    tab.get_by_role("button", name="Kirim sekarang").click()
    expect(tab.get_by_role("heading", name="Tidak lulus")).to_be_visible()
    expect(tab.get_by_text("Nilai 0 dari 100")).to_be_visible()
    main = tab.locator("main").inner_text()
    assert "Standar memberi kepastian." not in main and "Aparatur Sipil Negara" not in main
    assert "Memberi kepastian" not in main
    _fits(tab)

    # No network at the moment of submitting: the answers stay on the page.
    tab.get_by_role("button", name="Coba lagi").click()
    answer_quiz(tab, questions, correct=True)
    context.set_offline(True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("Tidak ada koneksi: jawaban Anda masih ada di halaman ini."))\
        .to_be_visible()
    expect(tab.get_by_label("Jawaban Anda")).to_have_value("Aparatur Sipil Negara")
    context.set_offline(False)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_role("heading", name="Lulus")).to_be_visible()
    expect(tab.get_by_role("link", name="Unduh sertifikat (PDF)")).to_be_visible()
    expect(tab.get_by_text("Standar memberi kepastian.")).to_be_visible()
    _fits(tab)
    context.close()
