"""A learner signs in on a phone and reaches the dashboard."""

import pytest
from playwright.sync_api import expect

from elearn.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_demo_learner_signs_in_and_reaches_the_dashboard(demo, live_server, page):
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/login?next=%2F")
    page.get_by_label("NIP atau email").fill("199204112019031005")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pembelajaran Saya")
    expect(page.get_by_text("Andi Pratama Lubis")).to_be_visible()
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_wrong_password_shows_the_error_next_to_the_field(demo, live_server, page):
    page.goto(live_server + "/login")
    page.get_by_label("NIP atau email").fill("peserta@demo.example")
    page.get_by_label("Kata sandi").fill("bukan-sandinya")
    page.keyboard.press("Enter")
    expect(page.get_by_text("NIP/email atau kata sandi salah.")).to_be_visible()
    expect(page.get_by_label("Kata sandi")).to_have_attribute("aria-invalid", "true")


def test_learner_switches_to_english_and_signs_out(demo, live_server, page):
    page.goto(live_server + "/login")
    page.get_by_label("NIP atau email").fill("peserta@demo.example")
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My Learning")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server + "/login")
