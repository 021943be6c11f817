"""An admin assigns a course to several people at once (pasted NIPs and the name
lookup), previews, confirms, then follows their progress on the list and the detail
page; at 360 px nothing scrolls sideways. Without JavaScript the paste box still works."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db
from elearn.models import Assignment, Unit

from ..content.helpers import make_course
from .conftest import LAPTOP
from .helpers import sign_in

pytestmark = pytest.mark.browser

LEARNER = "199204112019031005"  # Andi Pratama Lubis, DISKOMINFO
INSTRUCTOR = "198507202010012001"  # Dra. Sri Wahyuni Nasution
UNKNOWN = "199912312020121001"


@pytest.fixture
def demo(app):
    """The demo accounts, a course, and that course assigned to DISKOMINFO (where the
    demo learner works), due yesterday."""
    with app.app_context():
        load_demo(content=None)
        course = save_course(make_course()).course
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKOMINFO"))
        db.session.add(Assignment(course_id=course.id, unit_id=unit.id,
                                  due_date=date.today() - timedelta(days=1)))
        db.session.commit()


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_admin_assigns_several_people_and_follows_their_progress(demo, live_server, page):
    sign_in(page, live_server, "admin@demo.example")
    page.goto(live_server + "/admin/assignments")
    page.get_by_role("link", name="Tugaskan ke banyak pegawai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tugaskan ke banyak pegawai")
    _fits(page)
    page.get_by_label("Kursus").select_option("pelayanan-publik")
    page.get_by_label("Daftar NIP").fill(f"{LEARNER}\n{UNKNOWN}\n")

    page.get_by_label("Cari pegawai menurut nama").fill("wahyuni")
    suggestion = page.locator("#lookup-list option")
    expect(suggestion).to_have_count(1)
    expect(page.locator("#lookup-status")).to_have_text("Pilih dari saran, lalu tambahkan.")
    page.get_by_label("Cari pegawai menurut nama").fill(suggestion.get_attribute("value"))
    page.get_by_role("button", name="Tambahkan ke daftar").click()
    expect(page.get_by_label("Daftar NIP")).to_have_value(
        re.compile(rf"{UNKNOWN}\n{INSTRUCTOR} Dra\. Sri Wahyuni Nasution\n$"))

    page.get_by_role("button", name="Pratinjau").click()
    # The learner has the course through their unit already: only the instructor is new.
    expect(page.get_by_text("1 pegawai akan ditugaskan mengikuti kursus Pelayanan Publik."))\
        .to_be_visible()
    expect(page.locator(".assign-plan-counts")).to_contain_text("Sudah ditugaskan 1")
    expect(page.get_by_text(f"Baris 2: NIP {UNKNOWN} tidak ditemukan.")).to_be_visible()
    _fits(page)
    page.get_by_role("button", name="Tugaskan 1 pegawai").click()
    expect(page.get_by_text("1 pegawai ditugaskan mengikuti Pelayanan Publik.")).to_be_visible()
    expect(page.locator(".assign-item")).to_have_count(2)
    expect(page.get_by_text("0 dari 1 selesai")).to_have_count(2)
    expect(page.locator(".assign-counts .overdue-text")).to_have_text("Terlambat 1")
    _fits(page)

    page.locator(".assign-item", has_text="Unit kerja DISKOMINFO").get_by_role("link").click()
    expect(page.locator(".assign-sentence")).to_have_text(
        "0 dari 1 pegawai sudah selesai; 1 terlambat.")
    _fits(page)
    page.get_by_role("link", name=re.compile("^Selesai")).click()
    expect(page.get_by_text("Tidak ada pegawai yang cocok dengan saringan ini.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Terlambat")).click()
    expect(page.locator("table.assignees tbody tr")).to_have_count(1)
    expect(page.locator("table.assignees")).to_contain_text("Andi Pratama Lubis")
    _fits(page)


def test_without_javascript_the_paste_box_still_previews(demo, live_server, browser):
    context = browser.new_context(viewport=LAPTOP, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "admin@demo.example")
    page.goto(live_server + "/admin/assignments/bulk")
    expect(page.get_by_label("Cari pegawai menurut nama")).to_be_hidden()
    page.get_by_label("Kursus").select_option("pelayanan-publik")
    page.get_by_label("Daftar NIP").fill(INSTRUCTOR)
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.get_by_text("1 pegawai akan ditugaskan")).to_be_visible()
    page.get_by_role("button", name="Tugaskan 1 pegawai").click()
    expect(page.get_by_text("1 pegawai ditugaskan mengikuti Pelayanan Publik.")).to_be_visible()
    context.close()
