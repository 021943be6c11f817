"""A saved course keeps its lessons' images on the device, and its attachments when
the learner asks for them, their size shown first (Chromium at phone size)."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db

from ..learn.conftest import LESSON_MD, course_files
from .test_offline import SCREENS, _learner_with_a_saved_course

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n" + b"0" * 20_471  # 20 480 bytes: "20 KB"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (11, 94, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def illustrated(app):
    """The two-lesson course, its first lesson with an image and an attachment."""
    lesson = LESSON_MD + "\n![Alur layanan](media/alur.png)\n\n[Formulir](media/formulir.pdf)\n"
    with app.app_context():
        load_demo(content=None)
        save_course(course_files({"01-pengantar.md": lesson, "media/alur.png": _png(),
                                  "media/formulir.pdf": PDF}))
        db.session.commit()


def _image_shown(tab) -> bool:
    return tab.evaluate("""() => { const i = document.querySelector("img[alt='Alur layanan']");
      return !!i && i.complete && i.naturalWidth === 40; }""")


def _attachment_status(tab) -> int:
    """What the page gets for the attachment (0: nothing, no connection)."""
    return tab.evaluate("""async () => {
      const a = [...document.querySelectorAll("a")].find((x) => x.textContent === "Formulir");
      try { return (await fetch(a.href)).status; } catch (e) { return 0; } }""")


def test_images_are_saved_and_attachments_only_when_asked_with_their_size(
        app, illustrated, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)
    include = tab.get_by_label("Sertakan lampiran (20 KB)")
    expect(include).not_to_be_checked()

    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_text("Salinan offline")).to_be_visible()
    tab.wait_for_function("""() => { const i = document.querySelector("img[alt='Alur layanan']");
      return i && i.complete; }""")
    assert _image_shown(tab), "the lesson's image was not saved"
    assert _attachment_status(tab) == 0, "an attachment was saved without being asked for"

    context.set_offline(False)
    tab.goto(live_server + "/courses/pelayanan-publik")
    include.check()
    expect(include).to_be_checked()
    expect(tab.get_by_text("Tersimpan di perangkat ini")).to_be_visible(timeout=20_000)
    expect(include).to_be_enabled()
    tab.screenshot(path=str(SCREENS / "offline-attachments-phone.png"), full_page=True)

    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_text("Salinan offline")).to_be_visible()
    assert _attachment_status(tab) == 200
    context.close()
