"""Admins manage people and units; every change lands in the audit log."""

import re

import pytest
import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import AuditEntry, Unit, User
from elearn.people.services import upsert_unit

from ..conftest import AuthActions, csrf_token


@pytest.fixture
def admin(app, client, make_user):
    account = make_user("admin", unit_code="BKPSDM")
    AuthActions(client).login(account.nip)
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        db.session.commit()
    return account


def post(client, url, data, page=None):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


PERSON = {"nip": "199204112019031005", "full_name": "Siti Aminah", "employment_status": "PNS",
          "email": "siti@medan.go.id", "unit_code": "DISKOMINFO", "position": "Analis",
          "grade": "iii/b", "place_of_birth": "Medan", "role": "learner"}


def _actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def test_admin_creates_a_person_who_must_change_the_temporary_password(app, client, admin):
    response = post(client, "/admin/users/new", PERSON)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    password = re.search(r"Kata sandi sementara untuk Siti Aminah: ([a-z0-9-]+)", page).group(1)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.nip == PERSON["nip"]))
        assert (user.grade, user.unit.code, user.must_change_password) == ("III/b", "DISKOMINFO",
                                                                           True)
    other = app.test_client()
    AuthActions(other).login(PERSON["nip"], password)
    assert other.get("/").headers["Location"] == "/account/password"
    assert _actions(app) == ["people.create"]


def test_invalid_person_gets_errors_next_to_the_fields(app, client, admin):
    bad = {**PERSON, "nip": "199213112019031005", "email": "bukan-email", "grade": "IX"}
    html = post(client, "/admin/users/new", bad).get_data(as_text=True)
    assert "harus berupa tanggal lahir yang valid" in html
    assert "bukan alamat email yang valid" in html
    assert "Golongan PNS adalah salah satu dari" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_admin_edits_a_person_and_the_change_is_audited(app, client, admin, make_user):
    person = make_user("learner")
    url = f"/admin/users/{person.id}"
    post(client, url, {**PERSON, "nip": person.nip, "position": "Kepala Seksi"})
    with app.app_context():
        assert db.session.get(User, person.id).position == "Kepala Seksi"
    assert "people.update" in _actions(app)


def test_deactivating_needs_a_reason_and_keeps_the_account(app, client, admin, make_user):
    person = make_user("learner")
    url = f"/admin/users/{person.id}/active"
    page = f"/admin/users/{person.id}"
    token = csrf_token(client.get(page).get_data(as_text=True))
    client.post(url, data={"active-csrf_token": token, "active": "0"})
    with app.app_context():
        assert db.session.get(User, person.id).active is True
    client.post(url, data={"active-csrf_token": token, "active": "0",
                           "active-reason": "Pensiun", "active-confirm": "y"})
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user is not None and user.active is False
    assert AuthActions(app.test_client()).login(person.nip).status_code == 200  # refused
    post(client, url, {"active": "1"}, page=page)
    with app.app_context():
        assert db.session.get(User, person.id).active is True
    assert _actions(app)[-2:] == ["people.deactivate", "people.activate"]


def test_admin_cannot_deactivate_or_demote_themselves(app, client, admin):
    page = f"/admin/users/{admin.id}"
    token = csrf_token(client.get(page).get_data(as_text=True))
    response = client.post(f"{page}/active", data={
        "active-csrf_token": token, "active": "0", "active-reason": "x", "active-confirm": "y"})
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    html = post(client, page, {**PERSON, "nip": admin.nip, "role": "learner"}).get_data(
        as_text=True)
    assert "Anda tidak dapat mencabut peran admin Anda sendiri." in html


def test_password_reset_gives_a_temporary_password(app, client, admin, make_user):
    person = make_user("learner")
    response = post(client, f"/admin/users/{person.id}/password", {},
                    page=f"/admin/users/{person.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    password = re.search(r"Kata sandi sementara baru untuk [^:]+: ([a-z0-9-]+)", page).group(1)
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.must_change_password and user.check_password(password)
    assert "people.reset_password" in _actions(app)


def test_people_list_filters_by_unit_role_and_status(app, client, admin, make_user):
    make_user("learner", unit_code="DISKOMINFO")
    make_user("instructor", active=False)
    html = client.get("/admin/users?unit=DISKOMINFO").get_data(as_text=True)
    assert "Test Learner" in html and "Test Instructor" not in html
    html = client.get("/admin/users?role=instructor").get_data(as_text=True)
    assert "Test Instructor" in html and "Test Learner" not in html
    html = client.get("/admin/users?active=0").get_data(as_text=True)
    assert "Test Instructor" in html and "Test Admin" not in html


def test_units_are_created_edited_and_nested(app, client, admin):
    post(client, "/admin/units/new", {"code": "dinkes", "name": "Dinas Kesehatan",
                                      "parent": ""})
    with app.app_context():
        dinkes = db.session.scalar(sa.select(Unit).where(Unit.code == "DINKES"))
        assert dinkes.name == "Dinas Kesehatan"
        dinkes_id = dinkes.id
    post(client, "/admin/units/new", {"code": "PUSKESMAS-1", "name": "Puskesmas Medan Johor",
                                      "parent": "DINKES"})
    html = client.get("/admin/units").get_data(as_text=True)
    assert "PUSKESMAS-1" in html and "Puskesmas Medan Johor" in html
    # A unit cannot be placed inside its own sub-unit.
    html = post(client, f"/admin/units/{dinkes_id}", {"code": "DINKES", "name": "Dinas Kesehatan",
                                                      "parent": "PUSKESMAS-1"}).get_data(
        as_text=True)
    assert "tidak dapat menjadi bagian dari dirinya sendiri" in html
    html = post(client, "/admin/units/new", {"code": "DINKES", "name": "Lain", "parent": ""}
                ).get_data(as_text=True)
    assert "Kode unit DINKES sudah dipakai." in html
    assert _actions(app).count("units.create") == 2
