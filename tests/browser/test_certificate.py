"""Complete a course, download the certificate, verify it signed out, see it revoked."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db
from elearn.models import Module

from ..content.helpers import make_course
from .conftest import LAPTOP, PHONE
from .helpers import answer_quiz, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def quiz(app, live_server):
    old = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = live_server  # the QR code must point at this server
    with app.app_context():
        load_demo(content=None)
        save_course(make_course())
        db.session.commit()
        questions = db.session.scalar(sa.select(Module).where(Module.kind == "quiz")).quiz
    yield questions["questions"]
    app.config["PUBLIC_URL"] = old


def test_certificate_download_verify_and_revoke(quiz, live_server, browser, tmp_path):
    learner = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True)
    tab = learner.new_page()
    sign_in(tab, live_server, "peserta@demo.example")
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    tab.get_by_role("button", name="Ikuti kursus ini").click()  # opening never enrols
    tab.get_by_role("button", name="Tandai selesai").click()
    tab.get_by_role("button", name="Mulai kuis").click()
    answer_quiz(tab, quiz, correct=True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("Selamat, Anda telah menyelesaikan kursus ini")).to_be_visible()

    tab.get_by_role("link", name="Pembelajaran Saya").click()
    with tab.expect_download() as info:
        tab.get_by_role("link", name="Unduh sertifikat (PDF)").click()
    pdf_path = tmp_path / "sertifikat.pdf"
    info.value.save_as(pdf_path)
    text = PdfReader(pdf_path).pages[0].extract_text()
    assert "Andi Pratama Lubis" in text
    url = re.search(re.escape(live_server) + r"/verify/[A-Z2-7]{16}", text).group(0)
    learner.close()

    anyone = browser.new_context(viewport={"width": 360, "height": 740})
    visitor = anyone.new_page()
    visitor.goto(url)
    expect(visitor.get_by_role("heading", name="Sertifikat ini asli")).to_be_visible()
    expect(visitor.get_by_text("1992**********1005")).to_be_visible()

    admin_context = browser.new_context(viewport={"width": 1366, "height": 768})
    admin = admin_context.new_page()
    sign_in(admin, live_server, "admin@demo.example")
    admin.goto(live_server + "/admin/certificates")
    admin.locator("table a").first.click()
    admin.get_by_text("Cabut sertifikat ini").click()
    admin.locator("#revoke-category").select_option("requirements_not_met")
    admin.locator("#revoke-reason").fill("Peserta tidak mengikuti pelatihan sendiri")
    admin.locator("#revoke-confirm").check()
    admin.get_by_role("button", name="Cabut", exact=True).click()
    expect(admin.get_by_text("dicabut.")).to_be_visible()
    admin_context.close()

    visitor.goto(url)
    expect(visitor.get_by_role("heading", name=re.compile("Sertifikat ini dicabut pada"))
           ).to_be_visible()
    expect(visitor.get_by_text("Alasan: Persyaratan pelatihan tidak terpenuhi")).to_be_visible()
    anyone.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-360x740", "laptop-1366x768"])
def test_html_certificate_fits_the_screen_and_prints_on_one_a4_landscape_page(
        quiz, live_server, browser, app, viewport):
    from elearn.models import User

    from ..certificates.conftest import complete_course

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "peserta@demo.example"))
        course_id = db.session.scalar(sa.select(Module.course_id))
        complete_course(user.id, course_id)
        db.session.commit()
        from elearn.models import Certificate

        code = db.session.scalar(sa.select(Certificate.code))
    context = browser.new_context(viewport=viewport, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, "peserta@demo.example")
    tab.goto(f"{live_server}/certificates/{code}")
    # The 18-digit NIP and a long unit name stay inside the frame on a phone.
    assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    tab.emulate_media(media="print")
    expect(tab.locator("header.site")).to_be_hidden()
    pdf = tab.pdf(prefer_css_page_size=True)
    import io

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    context.close()
