"""An instructor writes a module in the web editor, previews, publishes and reads it."""

import pytest
from playwright.sync_api import expect

from elearn.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

BODY = """## Nilai BerAKHLAK

Setiap ASN memegang **nilai dasar** yang sama.

| Nilai | Contoh |
|---|---|
| Akuntabel | Mencatat setiap layanan |

!!! tip "Tips"
    Jadikan nilai ini kebiasaan di loket.
"""




def test_instructor_publishes_a_module_and_sees_it_rendered(course, live_server, page):
    page.goto(live_server + "/login")
    page.get_by_label("NIP atau email").fill("pengajar@demo.example")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Penyusunan Materi").click()
    page.get_by_role("link", name="Pelayanan Publik").click()
    page.get_by_role("link", name="Tambah modul").click()

    page.get_by_label("Nama singkat (slug)").fill("nilai-dasar")
    page.get_by_label("Judul").fill("Nilai Dasar ASN")
    page.get_by_label("Perkiraan waktu (menit)").fill("12")
    page.get_by_label("Isi (Markdown)").fill(BODY)
    if page.viewport_size["width"] < 900:  # on a phone the preview is a tab
        page.get_by_role("tab", name="Pratinjau").click()
    page.get_by_role("button", name="Perbarui pratinjau").click()
    preview = page.locator("section.preview")
    expect(preview.get_by_role("heading", name="Nilai BerAKHLAK")).to_be_visible()
    expect(preview.locator("table")).to_be_visible()

    page.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_text("Modul diterbitkan.")).to_be_visible()
    page.get_by_role("link", name="Lihat sebagai peserta").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nilai Dasar ASN")
    article = page.locator("article.prose")
    expect(article.get_by_role("heading", name="Nilai BerAKHLAK")).to_be_visible()
    expect(article.locator("strong")).to_have_text("nilai dasar")
    expect(article.locator(".admonition.tip")).to_contain_text("kebiasaan di loket")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_quiz_settings_follow_the_module_type_and_leaving_unsaved_asks_first(
        course, live_server, page):
    page.goto(live_server + "/login")
    page.get_by_label("NIP atau email").fill("pengajar@demo.example")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(live_server + "/author/courses/pelayanan-publik/modules/pengantar")
    settings = page.locator("fieldset", has_text="Pengaturan kuis")
    expect(settings).to_be_hidden()  # a lesson has no quiz settings
    page.get_by_label("Jenis").select_option("quiz")
    expect(settings).to_be_visible()
    page.get_by_label("Jenis").select_option("lesson")
    expect(settings).to_be_hidden()

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_label("Judul").fill("Pengantar yang diubah")
    page.get_by_role("link", name="Penyusunan Materi").click()
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/modules/pengantar")  # still here, the text not lost
    expect(page.get_by_label("Judul")).to_have_value("Pengantar yang diubah")
