"""Courses assigned to units and people, and who has not completed them."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Assignment, AuditEntry

from ..certificates.conftest import complete_course
from ..conftest import AuthActions, csrf_token
from ..content.helpers import make_course


@pytest.fixture
def setup(app, client, make_user):
    admin = make_user("admin")
    learner = make_user("learner", unit_code="DISKOMINFO")
    colleague = make_user("learner", nip="199001012015012003", unit_code="DISKOMINFO")
    with app.app_context():
        course = save_course(make_course()).course
        db.session.commit()
        course_id = course.id
    AuthActions(client).login(admin.nip)
    return {"learner": learner, "colleague": colleague, "course_id": course_id}


def _assign(client, **data):
    token = csrf_token(client.get("/admin/assignments").get_data(as_text=True))
    return client.post("/admin/assignments", data={"csrf_token": token,
                                                   "course": "pelayanan-publik", **data})


def test_assigning_to_a_unit_reaches_its_people_with_the_due_date(app, client, setup):
    due = date.today() + timedelta(days=14)
    response = _assign(client, unit_code="DISKOMINFO", nip="", due_date=due.isoformat())
    assert response.status_code == 302
    learner = app.test_client()
    AuthActions(learner).login(setup["learner"].nip)
    dashboard = learner.get("/").get_data(as_text=True)
    assert "Ditugaskan kepada Anda" in dashboard and "Batas waktu" in dashboard
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry.action)) == "assignments.save"


def test_assignment_page_lists_who_has_not_completed(app, client, setup):
    _assign(client, unit_code="DISKOMINFO", nip="", due_date="")
    with app.app_context():
        complete_course(setup["learner"].id, setup["course_id"])
        db.session.commit()
        assignment_id = db.session.scalar(sa.select(Assignment.id))
    html = client.get(f"/admin/assignments/{assignment_id}").get_data(as_text=True)
    assert "1 orang belum menyelesaikan" in html
    rows = html.split("<tbody>")[1]
    assert rows.index("Belum selesai") < rows.index("Selesai</span>")


def test_assigning_to_one_person_by_nip(app, client, setup):
    _assign(client, unit_code="", nip=setup["colleague"].nip, due_date="")
    with app.app_context():
        assignment = db.session.scalar(sa.select(Assignment))
        assert assignment.user_id == setup["colleague"].id and assignment.unit_id is None


def test_assignment_needs_exactly_one_target(app, client, setup):
    html = _assign(client, unit_code="", nip="", due_date="").get_data(as_text=True)
    assert "Pilih unit atau satu pegawai, bukan keduanya." in html
    html = _assign(client, unit_code="", nip="199912312020121001", due_date="").get_data(
        as_text=True)
    assert "Tidak ada akun dengan NIP 199912312020121001." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_removing_an_assignment_is_audited(app, client, setup):
    _assign(client, unit_code="DISKOMINFO", nip="", due_date="")
    with app.app_context():
        assignment_id = db.session.scalar(sa.select(Assignment.id))
    url = f"/admin/assignments/{assignment_id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    client.post(url, data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["assignments.save", "assignments.delete"]
