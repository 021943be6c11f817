"""Issue 9, item 6: inputs that used to answer 500 now get a clear 4xx or a form error,
and no control character reaches the database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import Course, Unit, User
from elearn.people.services import upsert_unit

from ..conftest import AuthActions, csrf_token
from ..learn.conftest import SLUG, course  # noqa: F401 (fixture)

HUGE = "99999999999999999999"
INT64_PLUS_ONE = "9223372036854775808"
NUL = "\x00"


def post_form(client, url, data, page=None):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def admin(app, client, make_user):
    account = make_user("admin", unit_code="BKPSDM")
    AuthActions(client).login(account.nip)
    return account


@pytest.fixture
def learner(client, make_user):
    account = make_user("learner")
    AuthActions(client).login(account.nip)
    return account


# --- huge numbers in the URL and the query string --------------------------------------

@pytest.mark.parametrize("page", [HUGE, INT64_PLUS_ONE, "-1", "0", "abc"])
def test_a_huge_or_odd_page_number_in_the_catalog_is_not_a_server_error(client, learner, page):
    response = client.get(f"/courses?page={page}")
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("url", [
    f"/admin/users?page={HUGE}", f"/admin/certificates?page={HUGE}", f"/admin/audit?page={HUGE}",
    f"/admin/users/{INT64_PLUS_ONE}", f"/admin/users/{HUGE}", "/admin/users/2147483648",
    f"/admin/units/{HUGE}", f"/admin/certificates/{HUGE}", f"/admin/assignments/{HUGE}",
    f"/admin/import/{INT64_PLUS_ONE}",
])
def test_huge_ids_and_pages_in_admin_urls_are_not_found(client, admin, url):
    assert client.get(url).status_code == 404


def test_huge_ids_in_admin_posts_are_not_found(client, admin):
    token = csrf_token(client.get("/admin/users").get_data(as_text=True))
    for url in (f"/admin/users/{INT64_PLUS_ONE}/active", f"/admin/users/{HUGE}/password"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("attempt", [HUGE, INT64_PLUS_ONE, "2147483648"])
def test_a_huge_attempt_id_is_not_found(client, learner, course, attempt):  # noqa: F811
    assert client.get(f"/courses/{SLUG}/kuis/attempts/{attempt}").status_code == 404


@pytest.mark.parametrize("year", ["99999", "10000", "9999", "-5", "0", HUGE, "tahun"])
def test_an_out_of_range_year_on_the_jp_report_is_a_bad_request(client, admin, year):
    for url in ("/admin/reports/jp", "/admin/reports/jp.csv", "/admin/reports/jp.xlsx"):
        assert client.get(f"{url}?year={year}").status_code == 400, url


def test_a_sensible_year_on_the_jp_report_still_works(client, admin):
    assert client.get("/admin/reports/jp?year=2025").status_code == 200
    assert client.get("/admin/reports/jp?year=").status_code == 200


# --- bodies over the size limit ---------------------------------------------------------

@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)


def test_a_post_over_the_size_limit_gets_the_file_too_large_page_when_signed_out(
        client, small_limit):
    response = client.post("/login", data={"identifier": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_a_post_over_the_size_limit_gets_the_file_too_large_page_when_signed_in(
        client, admin, small_limit):
    token = csrf_token(client.get("/admin/units/new").get_data(as_text=True))
    response = client.post("/admin/units/new", data={"csrf_token": token, "code": "X",
                                                     "name": "n" * 5000})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Berkas terlalu besar" in html
    assert 'name="csrf_token"' in html  # the layout (sign-out form) rendered fully


def test_an_upload_over_the_size_limit_gets_the_file_too_large_page(client, admin, small_limit):
    import io
    token = csrf_token(client.get("/admin/import").get_data(as_text=True))
    response = client.post("/admin/import", data={
        "csrf_token": token, "archive": (io.BytesIO(b"a" * 5000), "pegawai.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413


# --- NUL and control characters ---------------------------------------------------------

def test_a_nul_byte_in_the_sign_in_field_is_a_normal_failed_sign_in(client, make_user):
    account = make_user("learner")
    response = AuthActions(client).login(account.nip + NUL, "salah-sekali")
    assert response.status_code in (200, 400)
    assert "session" not in response.headers.get("Set-Cookie", "") or response.status_code == 200


def test_a_nul_byte_with_the_right_password_still_signs_in_the_right_person(client, make_user):
    account = make_user("learner")
    response = AuthActions(client).login(NUL + account.nip)
    assert response.status_code == 302


def test_a_nul_byte_in_the_catalog_search_is_ignored(client, learner, course):  # noqa: F811
    response = client.get("/courses?q=Pela%00yanan")
    assert response.status_code == 200
    assert "Pelayanan" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/users?q=%00", "/admin/certificates?q=a%00b",
                                 "/admin/audit?action=%00", "/admin/users?unit=%00&role=%01"])
def test_a_nul_byte_in_an_admin_search_is_ignored(client, admin, url):
    assert client.get(url).status_code == 200


def test_nul_and_control_characters_in_a_unit_form_never_reach_the_database(app, client, admin):
    response = post_form(client, "/admin/units/new", {
        "code": "DIS\x00KES", "name": "Dinas\x00 Kese\x07hatan\x1b", "parent": ""})
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKES"))
        assert unit is not None and unit.name == "Dinas Kesehatan"


def test_nul_in_a_person_form_never_reaches_the_database(app, client, admin):
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        db.session.commit()
    person = {"nip": "1992041120190310\x0005", "full_name": "Siti\x00 Aminah",
              "employment_status": "PNS", "email": "", "unit_code": "DISKOMINFO",
              "position": "Ana\x00lis", "grade": "III/b", "place_of_birth": "Me\x00dan",
              "role": "learner"}
    response = post_form(client, "/admin/users/new", person)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.nip == "199204112019031005"))
        assert (user.full_name, user.position, user.place_of_birth) == (
            "Siti Aminah", "Analis", "Medan")


def test_nul_in_a_course_form_never_reaches_the_database(app, client, make_user):
    account = make_user("instructor")
    AuthActions(client).login(account.nip)
    response = post_form(client, "/author/courses/new", {
        "slug": "etika\x00-asn", "title": "Etika\x00 ASN", "summary": "Ring\x00kasan\n",
        "jp": "2", "competency": "teknis", "level": "dasar", "min_reading_percent": "0",
        "instructors": "", "description": "Desk\x00ripsi\r\n\tdengan tab"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        created = db.session.scalar(sa.select(Course).where(Course.slug == "etika-asn"))
        assert created.title == "Etika ASN"
        assert "\x00" not in created.source and "Deskripsi" in created.source


@pytest.mark.parametrize("path", ["/courses/a%00b", "/courses/a%00b/x", "/verify/a%00b",
                                  "/certificates/a%00b"])
def test_a_nul_byte_in_a_url_segment_is_not_found_even_signed_out(client, path):
    assert client.get(path).status_code == 404


def test_a_nul_byte_in_the_verify_form_is_not_a_server_error(client):
    response = client.get("/verify?code=AB%00CD", follow_redirects=True)
    assert response.status_code in (200, 404)


def test_a_staff_file_with_a_very_long_name_is_accepted_with_the_name_shortened(
        app, client, admin):
    import io

    from elearn.models import StaffImport

    token = csrf_token(client.get("/admin/import").get_data(as_text=True))
    response = client.post("/admin/import", data={
        "csrf_token": token, "archive": (io.BytesIO(b"nip,nama\n"), "p" * 300 + ".csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        name = db.session.scalar(sa.select(StaffImport.filename))
        assert len(name) == 255 and name.endswith("pp.csv")
