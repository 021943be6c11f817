"""Issue 9, item 10: pages and downloads with personal data are never cached, and HTTPS
responses carry HSTS (configurable)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Certificate, Course

from ..certificates.conftest import completed  # noqa: F401 (fixture)
from ..conftest import NIPS, PASSWORD, AuthActions
from ..content.helpers import LESSON_MD, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\2" * 16


def _sign_in(client, make_user, role):
    account = make_user(role)
    AuthActions(client).login(account.nip)
    return account


@pytest.mark.parametrize("path", ["/", "/courses", "/account/password", "/admin/users",
                                  "/admin/reports", "/admin/reports/jp", "/admin/audit"])
def test_every_page_for_a_signed_in_admin_is_no_store(client, make_user, path):
    _sign_in(client, make_user, "admin")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_signed_in_learners_course_and_module_pages_are_no_store(app, client, make_user):
    with app.app_context():
        save_course(make_course())
        db.session.commit()
        slug = db.session.scalar(sa.select(Course.slug))
    _sign_in(client, make_user, "learner")
    for path in (f"/courses/{slug}", f"/courses/{slug}/pengantar", "/nope"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize("path", [
    "/admin/reports/completions.csv", "/admin/reports/completions.xlsx",
    "/admin/reports/siasn.csv", "/admin/reports/siasn.xlsx", "/admin/reports/jp.csv",
    "/admin/reports/jp.xlsx", "/admin/reports/siasn-certificates.zip"])
def test_every_export_is_no_store(client, make_user, path):
    _sign_in(client, make_user, "admin")
    response = client.get(path)
    response.close()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_certificate_page_pdf_and_public_verification_are_no_store(
        app, client, completed):  # noqa: F811
    __, __, code = completed
    AuthActions(client).login(NIPS["learner"], PASSWORD)
    for path in (f"/certificates/{code}", f"/certificates/{code}.pdf"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    anonymous = app.test_client()
    response = anonymous.get(f"/verify/{code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.code)) == code


def test_fingerprinted_static_files_and_course_images_stay_cacheable_when_signed_in(
        app, client, make_user):
    with app.app_context():
        # The lesson links the image: learners get only files a published module uses.
        result = save_course(make_course({
            "media/a.png": PNG, "01-pengantar.md": LESSON_MD + "\n![Alur layanan](media/a.png)\n"}))
        db.session.commit()
        asset = result.course.assets[0]
        image = f"/courses/{result.course.slug}/files/{asset.sha256}/media/a.png"
    _sign_in(client, make_user, "learner")
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/[^"]+\?v=[0-9a-f]+)"', html).group(1)
    static = client.get(css)
    static.close()
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response = client.get(image)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_the_public_sign_in_page_is_not_forced_to_no_store(client):
    assert client.get("/login").headers.get("Cache-Control") != "no-store"


def test_https_responses_carry_hsts(client):
    response = client.get("/login", base_url="https://elearn.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_responses_carry_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_can_be_turned_off_or_shortened(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 0)
    response = client.get("/login", base_url="https://elearn.example")
    assert "Strict-Transport-Security" not in response.headers
    monkeypatch.setitem(app.config, "HSTS_SECONDS", 600)
    response = client.get("/login", base_url="https://elearn.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=600"


def test_hsts_seconds_is_read_from_the_environment():
    from config import load_settings

    assert load_settings({"ELEARN_HSTS_SECONDS": "0"}, profile="production")["HSTS_SECONDS"] == 0
    assert load_settings({}, profile="production")["HSTS_SECONDS"] == 31536000
