"""An admin imports a staff file, assigns a course to a unit and downloads the completion list."""

import csv
import io

import pytest
from playwright.sync_api import expect

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db

from ..content.helpers import make_course
from .helpers import sign_in

pytestmark = pytest.mark.browser

STAFF = (
    "NIP;Nama;Email;Unit_Kode;Jabatan;Golongan;Role\n"
    "199001012015011001;Budi Santoso;budi@medan.go.id;DISKOMINFO;Pranata Komputer;III/a;learner\n"
    "199001012015012002;Rina Lubis;;DISKOMINFO;Analis Kebijakan;III/b;peserta\n"
)


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(content=None)
        save_course(make_course())
        db.session.commit()


def test_admin_imports_staff_assigns_a_course_and_downloads_completions(demo, live_server,
                                                                      browser, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, "admin@demo.example")

    staff = tmp_path / "pegawai.csv"
    staff.write_text(STAFF, encoding="utf-8")
    page.goto(live_server + "/admin/import")
    page.get_by_label("Berkas pegawai (.csv atau .xlsx)").set_input_files(str(staff))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("2 akan dibuat")).to_be_visible()
    page.get_by_label("Kata sandi awal untuk akun baru").fill("mulai-belajar-2026")
    page.get_by_role("button", name="Terapkan impor").click()
    expect(page.get_by_text("Impor selesai: 2 dibuat")).to_be_visible()

    page.goto(live_server + "/admin/assignments")
    page.get_by_text("Tugaskan kursus").click()
    page.get_by_label("Kursus").select_option("pelayanan-publik")
    page.get_by_label("Unit kerja").select_option("DISKOMINFO")
    page.get_by_label("Batas waktu (opsional)").fill("2026-12-31")
    page.get_by_role("button", name="Tugaskan", exact=True).click()
    expect(page.get_by_text("Kursus ditugaskan.")).to_be_visible()
    page.get_by_role("link", name="Pelayanan Publik").click()
    expect(page.get_by_text("Budi Santoso")).to_be_visible()
    expect(page.get_by_text("Rina Lubis")).to_be_visible()

    page.goto(live_server + "/admin/reports")
    with page.expect_download() as info:
        page.get_by_role("button", name="Penyelesaian CSV", exact=True).click()
    path = tmp_path / "penyelesaian.csv"
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["NIP", "Nama", "Unit Kerja"]
    context.close()
