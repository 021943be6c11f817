"""At phone size: a learner takes the pre-test, completes the course, evaluates it and
sees their gain; the course's instructor then finds the evaluation and the gain on
the course's insights page (without the learner's name on the comment)."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db
from elearn.models import Module

from ..evaluation.conftest import pretest_course
from .conftest import PHONE
from .helpers import answer_quiz, sign_in

pytestmark = pytest.mark.browser
COURSE = "/courses/pelayanan-publik"


@pytest.fixture
def questions(app):
    with app.app_context():
        load_demo(content=None)
        save_course(pretest_course())  # the demo instructor teaches it
        db.session.commit()
        return db.session.scalar(sa.select(Module).where(Module.slug == "kuis")).quiz["questions"]


def _fits(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]


def _learner_takes_the_course(tab, base, questions):
    tab.goto(base + COURSE + "/pretes")
    tab.get_by_role("button", name="Ikuti kursus ini").click()
    expect(tab.get_by_text("tanpa batas lulus, tidak menghalangi apa pun")).to_be_visible()
    tab.get_by_role("button", name="Mulai kuis").click()
    answer_quiz(tab, questions, correct=False)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_role("heading", name="Pre-test sudah dikerjakan")).to_be_visible()
    expect(tab.get_by_text("Nilai 0 dari 100")).to_be_visible()
    assert "Standar memberi kepastian." not in tab.locator("main").inner_text()
    _fits(tab)
    tab.goto(base + COURSE)
    expect(tab.get_by_text("Kemajuan: 0 dari 3 modul")).to_be_visible()
    tab.goto(base + COURSE + "/pengantar")
    expect(tab.get_by_role("heading", name="Apakah modul ini membantu?")).to_be_visible()
    tab.get_by_role("button", name="Ya", exact=True).click()
    expect(tab.get_by_text("Terima kasih atas masukan Anda.")).to_be_visible()
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Standar")
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kuis")
    tab.get_by_role("button", name="Mulai kuis").click()
    answer_quiz(tab, questions, correct=True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_role("heading", name="Lulus")).to_be_visible()


def test_pretest_completion_evaluation_and_the_instructors_insights(questions, live_server,
                                                                   browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, "peserta@demo.example")
    _learner_takes_the_course(tab, live_server, questions)

    tab.goto(live_server + COURSE)
    expect(tab.get_by_text("Pre-test 0 → post-test 100")).to_be_visible()
    tab.get_by_role("link", name="Evaluasi kursus ini").click()
    expect(tab.get_by_role("heading", name="Evaluasi kursus", exact=True)).to_be_visible()
    _fits(tab)
    tab.get_by_role("button", name="Kirim evaluasi").click()  # nothing rated yet
    for rating, box in zip(("5", "4", "4", "5"), tab.locator("fieldset.rating").all(),
                           strict=True):
        box.locator("label.option", has_text=rating).locator("input").check()
    tab.get_by_label("Komentar (opsional)").fill("Contoh kasusnya dekat dengan pekerjaan.")
    tab.get_by_role("button", name="Kirim evaluasi").click()
    expect(tab.get_by_text("Terima kasih: evaluasi Anda tersimpan.")).to_be_visible()
    expect(tab.get_by_role("link", name="Ubah evaluasi Anda")).to_be_visible()
    _fits(tab)
    context.close()

    context = browser.new_context(viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, "pengajar@demo.example")
    tab.goto(live_server + "/author" + COURSE)
    tab.get_by_role("link", name="Hasil belajar").click()
    summary = tab.locator("section", has=tab.get_by_role("heading", name="Ringkasan"))
    expect(summary).to_contain_text("0 → 100")
    expect(summary).to_contain_text("1 (100% dari yang selesai)")
    evaluation = tab.locator("section", has=tab.get_by_role("heading", name="Evaluasi kursus"))
    expect(evaluation.get_by_role("row", name="Penilaian keseluruhan")).to_contain_text("5")
    expect(tab.get_by_text("Contoh kasusnya dekat dengan pekerjaan.")).to_be_visible()
    assert "Andi Pratama Lubis" not in tab.locator("#comments-h + ul").inner_text()
    _fits(tab)
    context.close()


def test_the_editor_hides_what_a_pretest_has_no_use_for(questions, live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, "pengajar@demo.example")
    tab.goto(live_server + "/author" + COURSE + "/modules/pretes")
    expect(tab.get_by_label("Peran")).to_have_value("pretest")
    expect(tab.get_by_label("Nilai lulus (%)")).to_be_hidden()
    tab.get_by_label("Peran").select_option("graded")
    expect(tab.get_by_label("Nilai lulus (%)")).to_be_visible()
    tab.get_by_label("Peran").select_option("pretest")
    expect(tab.get_by_label("Nilai lulus (%)")).to_be_hidden()
    expect(tab.get_by_label("Acak urutan soal")).to_be_visible()
    _fits(tab)
    context.close()
