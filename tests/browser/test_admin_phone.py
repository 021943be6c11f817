"""Admin pages on a phone: the admin menu folds into one line so the page starts on the
first screen, no page scrolls sideways, and a wide table scrolls inside its box with a
hint while its first column (name, NIP, number) stays in view. On a laptop the menu is
open, with or without JavaScript."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.extensions import db
from elearn.learning.assignments import assign
from elearn.models import Assignment, Certificate, Course, Unit, User

from ..reporting.test_queries import ANDI, FORMULA, GITA, build_dataset
from .conftest import LAPTOP, PHONE
from .helpers import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "Tugas-Belajar-2026"
STAFF = ("NIP;Nama;Email;Unit_Kode;Jabatan;Golongan;Role\n"
         "199001012015011001;Budi Santoso Hasibuan;budi@medan.go.id;DISKOMINFO;"
         "Pranata Komputer Ahli Pertama;III/a;learner\n"
         "12345;Nomor Salah;;TIDAKADA;Staf;II/a;learner\n")


@pytest.fixture
def admin_pages(app, monkeypatch) -> list[str]:
    """Every admin page, each with rows to show: people (one named by a long formula),
    units, completions, certificates (one revoked, one reissued), a unit and a personal
    assignment, audit entries."""
    data = build_dataset(app, monkeypatch)
    with app.app_context():
        gita = db.session.scalar(sa.select(User).where(User.nip == GITA))
        andi = db.session.scalar(sa.select(User).where(User.nip == ANDI))
        formula = db.session.scalar(sa.select(User.id).where(User.nip == FORMULA))
        course = db.session.get(Course, data["pelayanan"])
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKOMINFO"))
        assign(course, unit=unit, due_date=None, actor=gita)
        assign(course, user=andi, due_date=None, actor=gita)
        db.session.commit()
        assignment = db.session.scalar(sa.select(Assignment.id).order_by(Assignment.id))
        cert = db.session.scalar(sa.select(Certificate.id).order_by(Certificate.id))
    return ["/admin/users", "/admin/users/new", f"/admin/users/{andi.id}",
            f"/admin/users/{formula}", "/admin/units",
            "/admin/units/new", f"/admin/units/{unit.id}", "/admin/import", "/admin/assignments",
            f"/admin/assignments/{assignment}", "/admin/reports", "/admin/reports/jp?year=2026",
            "/admin/certificates", f"/admin/certificates/{cert}", "/admin/audit"]


CARDS_OVERFLOWING = """() => [...document.querySelectorAll('main .card')]
  .filter(card => card.scrollWidth > card.clientWidth + 1)
  .map(card => card.outerHTML.slice(0, 80))"""


def _phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server, GITA, PASSWORD)
    return context, page


def _preview_url(page, live_server, tmp_path) -> str:
    """Upload a staff file with a good and a bad row; the preview's address."""
    staff = tmp_path / "pegawai.csv"
    staff.write_text(STAFF, encoding="utf-8")
    page.goto(live_server + "/admin/import")
    page.get_by_label("Berkas pegawai (.csv atau .xlsx)").set_input_files(str(staff))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pratinjau impor")
    return page.url


def test_every_admin_page_fits_a_phone_with_the_menu_folded(admin_pages, live_server, browser,
                                                             tmp_path):
    context, page = _phone(browser, live_server)
    pages = [*admin_pages, _preview_url(page, live_server, tmp_path)]
    wide_tables = 0
    for path in pages:
        page.goto(path if path.startswith("http") else live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert page.evaluate(CARDS_OVERFLOWING) == [], path  # nor past the edge of a card
        menu = page.locator("nav.subnav")
        expect(menu.locator("summary"), path).to_contain_text("Menu admin")
        expect(menu.get_by_role("link").first, path).to_be_hidden()
        # Both menus together take well under a third of the first screen.
        top = page.get_by_role("heading", level=1).bounding_box()["y"]
        assert top < PHONE["height"] / 3, (path, top)
        for box in page.locator(".table-wrap").all():
            if box.evaluate("b => b.scrollWidth > b.clientWidth + 1"):
                wide_tables += 1
                hint = box.locator("xpath=preceding-sibling::*[1]")
                expect(hint, path).to_have_class("scroll-hint")
                expect(hint, path).to_have_text("Geser tabel ke samping untuk melihat seluruhnya →")
    assert wide_tables >= 5  # the check above really ran on wide tables
    # The folded menu names the section and opens on a tap.
    page.goto(live_server + "/admin/certificates")
    summary = page.locator("nav.subnav summary")
    expect(summary).to_have_text("Menu admin: Sertifikat")
    summary.click()
    expect(page.locator("nav.subnav").get_by_role("link", name="Log audit")).to_be_visible()
    page.locator("nav.subnav").get_by_role("link", name="Log audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log audit")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_admin_menu_is_open_on_a_laptop(admin_pages, live_server, browser, javascript):
    context = browser.new_context(viewport=LAPTOP, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server, GITA, PASSWORD)
    if not javascript:  # the same session in a browser that runs no script
        signed_in = context.storage_state()
        context.close()
        context = browser.new_context(viewport=LAPTOP, locale="id-ID", java_script_enabled=False,
                                      storage_state=signed_in)
        page = context.new_page()
    page.goto(live_server + "/admin/units")
    menu = page.locator("nav.subnav")
    expect(menu.locator("summary")).to_be_hidden()
    for name in ("Pegawai", "Unit kerja", "Impor pegawai", "Penugasan", "Laporan", "Sertifikat",
                 "Log audit"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Unit kerja")).to_have_attribute("aria-current", "page")
    context.close()


FIRST_CELL_X = "b => b.querySelector('tbody tr td').getBoundingClientRect().left"
LAST_CELL_RIGHT = ("b => b.querySelector('tbody tr td:last-child').getBoundingClientRect().right"
                   " - b.getBoundingClientRect().right")


@pytest.mark.parametrize("path", ["/admin/users", "/admin/reports", "/admin/reports/jp?year=2026",
                                  "/admin/certificates", "/admin/audit"])
def test_a_wide_table_scrolls_in_its_box_and_keeps_its_first_column(admin_pages, live_server,
                                                                    browser, path):
    context, page = _phone(browser, live_server)
    page.goto(live_server + path)
    box = page.locator(".table-wrap").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth + 1"), "the table is not wider"
    first = box.locator("tbody tr td").first
    before = first.bounding_box()
    assert box.evaluate(LAST_CELL_RIGHT) > 20  # the last column starts out of view
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_function("() => true")
    after = first.bounding_box()
    assert abs(after["x"] - before["x"]) <= 1 and after["x"] >= 0  # the first column stayed
    assert box.evaluate(LAST_CELL_RIGHT) <= 1  # and the last one came into view
    assert page.evaluate("window.scrollX") == 0
    context.close()
