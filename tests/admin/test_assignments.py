"""Courses assigned to units and people, and who has not completed them."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Assignment, AuditEntry, User

from ..certificates.conftest import complete_course
from ..conftest import AuthActions, csrf_token, recorded_sql
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
    assert "1 dari 2 pegawai sudah selesai." in html
    rows = html.split("<tbody>")[1]
    assert rows.index("Belum mulai") < rows.index("Selesai</span>")


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




def _add(**values) -> int:
    assignment = Assignment(**values)
    db.session.add(assignment)
    db.session.flush()
    return assignment.id


def test_list_shows_each_assignments_counts_and_marks_a_passed_due_date(app, client, setup):
    with app.app_context():
        unit_id = db.session.scalar(sa.select(User.unit_id).where(User.id == setup["learner"].id))
        _add(course_id=setup["course_id"], unit_id=unit_id,
             due_date=date.today() - timedelta(days=2))
        complete_course(setup["learner"].id, setup["course_id"])
        db.session.commit()
    html = client.get("/admin/assignments").get_data(as_text=True)
    assert "1 dari 2 selesai" in html
    assert "Belum mulai <strong>1</strong>" in html and "Terlambat <strong>1</strong>" in html
    assert "sudah lewat" in html


def test_list_is_paginated_and_counts_in_a_fixed_number_of_queries(app, client, setup):
    with app.app_context():
        for i in range(30):
            user = User(nip=f"1991010120150120{i:02d}", full_name=f"Orang {i:02d}",
                        password_hash="!")
            db.session.add(user)
            db.session.flush()
            _add(course_id=setup["course_id"], user_id=user.id)
        db.session.commit()
    with recorded_sql(app) as many:
        first = client.get("/admin/assignments").get_data(as_text=True)
    assert "30 penugasan" in first and "Halaman 1 dari 2" in first
    assert first.count('class="assign-item"') == 25
    with recorded_sql(app) as few:
        second = client.get("/admin/assignments?page=2").get_data(as_text=True)
    assert second.count('class="assign-item"') == 5
    assert len(many) == len(few)
    assert "0 dari 1 selesai" in second


def _detail(client, assignment_id, query=""):
    response = client.get(f"/admin/assignments/{assignment_id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def overdue_unit(app, setup):
    """The course assigned to the unit, due yesterday; the learner has completed it."""
    with app.app_context():
        unit_id = db.session.scalar(sa.select(User.unit_id).where(User.id == setup["learner"].id))
        assignment_id = _add(course_id=setup["course_id"], unit_id=unit_id,
                             due_date=date.today() - timedelta(days=1))
        complete_course(setup["learner"].id, setup["course_id"])
        db.session.get(User, setup["colleague"].id).position = "Analis Kebijakan"
        db.session.commit()
    return assignment_id


def test_detail_says_how_many_completed_and_are_overdue_and_filters(client, overdue_unit):
    html = _detail(client, overdue_unit)
    assert "1 dari 2 pegawai sudah selesai; 1 terlambat." in html
    overdue = _detail(client, overdue_unit, "?status=overdue")
    assert "1 pegawai ditampilkan" in overdue and "199001012015012003" in overdue
    completed = _detail(client, overdue_unit, "?status=completed")
    assert "199204112019031005" in completed and "199001012015012003" not in completed
    by_position = _detail(client, overdue_unit, "?position=Analis+Kebijakan")
    assert "1 pegawai ditampilkan" in by_position
    by_nip = _detail(client, overdue_unit, "?q=2019031005")
    assert "199204112019031005" in by_nip and "199001012015012003" not in by_nip
    nobody = _detail(client, overdue_unit, "?q=tidak-ada")
    assert "Tidak ada pegawai yang cocok dengan saringan ini." in nobody


@pytest.mark.parametrize("query", ["?status=%00x", "?status=completed&page=99999999999999",
                                   "?q=" + "%25" * 5000, "?position=" + "x" * 20000,
                                   "?q=%5C%5C%5C", "?page=-1"])
def test_odd_filters_on_the_detail_are_not_server_errors(client, overdue_unit, query):
    response = client.get(f"/admin/assignments/{overdue_unit}{query}")
    assert response.status_code in (200, 404)


def test_a_personal_assignment_of_a_deactivated_account_says_so(app, client, setup):
    with app.app_context():
        db.session.get(User, setup["colleague"].id).active = False
        assignment_id = _add(course_id=setup["course_id"], user_id=setup["colleague"].id)
        db.session.commit()
    assert "Akun pegawai ini sudah dinonaktifkan." in _detail(client, assignment_id)
