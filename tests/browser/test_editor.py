"""The module editor previews as the instructor types, without reloading or losing
the text: beside the text on a laptop, as a tab on a phone; and files upload in place."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import sign_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
EDITOR = "/author/courses/pelayanan-publik/modules/pengantar"




def _phone(page) -> bool:
    return page.viewport_size["width"] < 900


def test_preview_follows_the_typing_without_reloading_the_page(course, live_server, page):
    sign_in(page, live_server, "pengajar@demo.example")
    page.goto(live_server + EDITOR)
    page.evaluate("window.notReloaded = true")
    body = page.get_by_label("Isi (Markdown)")
    preview = page.locator("#pane-preview")
    if _phone(page):  # tabs: the text first, the preview behind its tab
        expect(page.get_by_role("tab", name="Tulis")).to_have_attribute("aria-selected", "true")
        expect(preview).to_be_hidden()
    else:  # side by side
        box, other = body.bounding_box(), preview.bounding_box()
        assert other["x"] > box["x"] + box["width"] and abs(other["y"] - box["y"]) < 120
        expect(page.locator(".editor-tabs")).to_be_hidden()

    body.press("Control+End")
    body.press_sequentially("\n\n## Ditambahkan saat mengetik\n\nKalimat **baru**.")
    if _phone(page):
        page.get_by_role("tab", name="Pratinjau").click()
        expect(body).to_be_hidden()
    expect(preview.get_by_role("heading", name="Ditambahkan saat mengetik")).to_be_visible()
    expect(preview.locator("strong", has_text="baru")).to_be_visible()

    assert page.evaluate("window.notReloaded") is True  # same page, not a reload
    assert page.url.endswith(EDITOR)
    if _phone(page):
        page.get_by_role("tab", name="Tulis").click()
    expect(body).to_have_value(_ends_with("Kalimat **baru**."))
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _ends_with(text: str):
    return re.compile(re.escape(text) + r"\s*$")


def test_update_button_shows_problems_in_indonesian_in_the_pane(course, live_server, page):
    sign_in(page, live_server, "pengajar@demo.example")
    page.goto(live_server + EDITOR)
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Isi (Markdown)").fill("Teks.\n\n![alur](media/tidak-ada.png)")
    if _phone(page):
        page.get_by_role("tab", name="Pratinjau").click()
    page.get_by_role("button", name="Perbarui pratinjau").click()
    expect(page.locator("#pane-preview .problems")).to_contain_text(
        "gambar 'media/tidak-ada.png' tidak ada di folder kursus")
    assert page.evaluate("window.notReloaded") is True


def test_an_uploaded_image_gives_a_snippet_inserted_at_the_cursor(course, live_server, page,
                                                                 tmp_path):
    sign_in(page, live_server, "pengajar@demo.example")
    page.goto(live_server + EDITOR)
    page.evaluate("window.notReloaded = true")
    image = tmp_path / "Alur Layanan.png"
    image.write_bytes(PNG)
    page.get_by_label("Gambar atau lampiran").set_input_files(str(image))
    page.get_by_role("button", name="Unggah").click()
    result = page.locator("#asset-result")
    expect(result).to_contain_text("Berkas diunggah ke kursus sebagai media/alur-layanan.png.")
    expect(result.locator("code")).to_have_text("![alur layanan](media/alur-layanan.png)")

    body = page.get_by_label("Isi (Markdown)")
    body.press("Control+End")
    result.get_by_role("button", name="Sisipkan di posisi kursor").click()
    expect(body).to_have_value(_ends_with("![alur layanan](media/alur-layanan.png)"))
    if _phone(page):
        page.get_by_role("tab", name="Pratinjau").click()
    expect(page.locator("#pane-preview img[alt='alur layanan']")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_without_javascript_the_preview_button_still_previews(course, live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "pengajar@demo.example")
        page.goto(live_server + EDITOR)
        page.get_by_label("Isi (Markdown)").fill("## Tanpa skrip\n\nTetap bisa.")
        page.get_by_role("button", name="Perbarui pratinjau").click()
        preview = page.locator("#pane-preview")
        expect(preview.get_by_role("heading", name="Tanpa skrip")).to_be_visible()
        expect(page.get_by_label("Isi (Markdown)")).to_have_value(_ends_with("Tetap bisa."))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
