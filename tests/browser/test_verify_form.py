"""Anyone with a certificate in hand mistypes its code on a phone: the verify form
says the code was not found, shows it as typed, and fits the screen."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_mistyped_code_shows_not_found_on_the_form(live_server, page):
    page.goto(live_server + "/verify")
    page.get_by_label("Kode verifikasi").fill("ABCDEF123")
    page.get_by_role("button", name="Periksa").click()
    expect(page.get_by_text("Kode tidak ditemukan")).to_be_visible()
    expect(page.get_by_text("Anda mengetik: ABCDEF123")).to_be_visible()
    expect(page.get_by_label("Kode verifikasi")).to_have_value("ABCDEF123")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
