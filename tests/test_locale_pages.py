"""With the Indonesian locale, no page of the learner, instructor and admin journeys
shows an English UI string, an internal action code or a decimal point in a number.

Every page is reached as its user would reach it: from the role's home page,
following same-origin links (tests/locale_crawl.py), after a journey has left
data behind (a failed and a partly-correct quiz, a certificate revoked and
reissued, an assignment, a unit, an import with problems), plus what a visitor
sees (sign-in, verification, not found) and the answers to refused forms.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa

from elearn.certificates.issue import reissue, revoke
from elearn.courses.store import save_course
from elearn.demo import DEMO_PASSWORD, load_demo
from elearn.extensions import db
from elearn.learning.assignments import assign
from elearn.models import Certificate, Course, User
from elearn.people.management import save_unit

from .conftest import AuthActions, csrf_token
from .learn.conftest import Learner, answers_for, course_files, quiz_key_map
from .locale_crawl import crawl, english_strings, problems, read_page

ADMIN = "admin@demo.example"
INSTRUCTOR = "pengajar@demo.example"
LEARNER = "peserta@demo.example"
#: A staff file with a problem in each of rows 2 and 3 (a bad NIP, an unknown unit)
#: and a new person in row 4.
STAFF_CSV = (b"nip,nama,unit_kode,peran\r\n"
             b"199213112019031005,Budi Santoso,DISKOMINFO,learner\r\n"
             b"198703152023212001,Rina Lubis,TIDAKADA,learner\r\n"
             b"199001012015011004,Siti Aminah,DISKOMINFO,learner\r\n")


def _learner_journey(client) -> None:
    """Fail the quiz once, then pass it with one question partly right (80)."""
    learner = Learner(client)
    learner.post("/courses/pelayanan-publik/enrol", page="/courses/pelayanan-publik")
    wrong = answers_for(client.application, correct=False)
    learner.submit(learner.attempt_url(), wrong)
    partly = answers_for(client.application, correct=True)
    multiple = next(q for q in quiz_key_map(client.application).values()
                    if q["kind"] == "multiple")
    partly[f"q-{multiple['key']}"] = [o["key"] for o in multiple["options"] if o["correct"]][:1]
    learner.submit(learner.attempt_url(), partly)


def _admin_journey(app, client) -> str:
    """Leave every kind of audit entry and an import with problems to preview; returns
    the preview's address (its id depends on the database's sequence)."""
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == ADMIN))
        learner = db.session.scalar(sa.select(User).where(User.email == LEARNER))
        course = db.session.scalar(sa.select(Course))
        save_unit(None, "BAPPEDA", "Badan Perencanaan Pembangunan Daerah", None, admin)
        assign(course, user=learner, due_date=date(2026, 12, 31), actor=admin)
        cert = db.session.scalar(sa.select(Certificate))
        revoke(cert, admin, "Salah nama", "data_error")
        reissue(cert, admin, "Nama diperbaiki", pattern="{seq:04d}/ELN/{year}",
                tz="Asia/Jakarta")
        db.session.commit()
    page = client.get("/admin/import").get_data(as_text=True)
    sent = client.post("/admin/import", data={"csrf_token": csrf_token(page),
                                              "archive": (BytesIO(STAFF_CSV), "pegawai.csv")})
    assert sent.status_code == 302, "the import was not accepted for preview"
    return sent.headers["Location"]


@pytest.fixture
def journeys(app):
    with app.app_context():
        load_demo(content=None)
        save_course(course_files())
        db.session.commit()
    return app


def _sign_in(app, email):
    client = app.test_client()
    AuthActions(client).login(email, DEMO_PASSWORD)
    return client


def _check(client, starts, english) -> tuple[int, list[str]]:
    pages, found = 0, []
    for url, html in crawl(client, starts):
        pages += 1
        found += [f"{url}: {p}" for p in problems(read_page(html)[0], english)]
    return pages, found


def _refused_forms(learner, admin) -> list[tuple[str, str]]:
    """Pages that exist only as the answer to a refused form: a weak new password,
    a person with an impossible NIP and a bad email, a JP report with a bad year."""
    def post(client, path, data):
        token = csrf_token(client.get(path).get_data(as_text=True))
        return client.post(path, data={"csrf_token": token, **data}).get_data(as_text=True)

    return [
        ("password form", post(learner, "/account/password", {
            "current_password": "salah", "new_password": "abc", "confirm": "abd"})),
        ("new person form", post(admin, "/admin/users/new", {
            "nip": "199213112019031005", "full_name": "", "email": "bukan-email",
            "employment_status": "PNS", "role": "learner", "grade": "XX/z"})),
        ("report filters", admin.get("/admin/reports/jp?year=99999&unit=XYZ")
         .get_data(as_text=True)),
    ]


def test_every_page_of_every_journey_speaks_indonesian(journeys):
    app = journeys
    english = english_strings()
    learner = _sign_in(app, LEARNER)
    _learner_journey(learner)
    admin = _sign_in(app, ADMIN)
    import_preview = _admin_journey(app, admin)
    instructor = _sign_in(app, INSTRUCTOR)
    report = []
    for client, starts, least in (
            (learner, ["/", "/courses", "/account/password"], 8),
            (instructor, ["/", "/author/"], 6),
            (admin, ["/", "/admin/", "/admin/reports?course=pelayanan-publik",
                     "/admin/reports/jp", import_preview], 15)):
        pages, found = _check(client, starts, english)
        assert pages >= least, f"the crawl from {starts} reached only {pages} pages"
        report += found
    visitor = app.test_client()
    _, found = _check(visitor, ["/login", "/verify"], english)
    report += found
    for path in ("/verify/ABCDEF123", "/halaman-yang-tidak-ada", "/admin/"):
        html = visitor.get(path, follow_redirects=True).get_data(as_text=True)
        report += [f"{path}: {p}" for p in problems(read_page(html)[0], english)]
    for name, html in _refused_forms(learner, admin):
        assert 'class="errors"' in html, f"the {name} shows no error"
        report += [f"{name}: {p}" for p in problems(read_page(html)[0], english)]
    assert not report, "\n".join(report)
    audit = read_page(admin.get("/admin/audit").get_data(as_text=True))[0]
    assert "Sertifikat dicabut" in audit and "Kursus ditugaskan" in audit
    assert "Pelayanan Publik, untuk Andi Pratama Lubis (NIP 199204112019031005)" in audit
    preview = read_page(admin.get(import_preview).get_data(as_text=True))[0]
    assert "baris 3, kolom unit_kode: Kode unit TIDAKADA tidak dikenal." in preview


def test_the_crawl_sees_what_it_should_not(journeys):
    """The checks themselves: each sign is found when it is there."""
    text = read_page("<p>Dashboard: units.create · 100.0 % of row 2</p>"
                     "<script>x.y=1.5</script>")[0]
    found = problems(text, ["Dashboard"])
    assert [p.split(":")[0] for p in found] == [
        "English", "English word", "English word", "action code", "decimal point"]
    assert not problems(read_page("<p>admin@demo.example pegawai.csv 0042/ELN/2026 "
                                  "1.234 peserta, pukul 14.05</p>")[0], [])
