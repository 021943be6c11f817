"""Where a browser has no service worker, offline mode stays out of sight and
everything works online as before (Chromium at phone size, the API removed)."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import sign_in
from .test_learning_journey import quiz as quiz  # noqa: F401  (fixture: two lessons and a quiz)
from .test_offline import LEARNER

pytestmark = pytest.mark.browser


def test_without_service_workers_nothing_offline_shows_and_learning_works(
        app, quiz, live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.add_init_script("delete Navigator.prototype.serviceWorker;")
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(tab, live_server, LEARNER)
    assert tab.evaluate("'serviceWorker' in navigator") is False
    tab.goto(live_server + "/courses/pelayanan-publik")
    tab.get_by_role("button", name="Ikuti kursus ini").click()
    expect(tab.get_by_text("Anda sudah terdaftar")).to_be_visible()
    expect(tab.get_by_text("Belajar offline")).to_be_hidden()
    expect(tab.get_by_role("button", name="Simpan untuk offline")).to_be_hidden()
    tab.get_by_role("link", name="Mulai").click()
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_text("Modul ditandai selesai.")).to_be_visible()
    tab.goto(live_server + "/")
    expect(tab.get_by_text("Tersimpan untuk offline")).to_be_hidden()
    assert errors == []
    context.close()
