"""How far an assignment's people have come: counts per status (overdue at its date
boundary), the filtered list of people, in a fixed number of queries."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import assignment_progress as ap
from elearn.models import Assignment, CourseCompletion, Enrollment, Unit, User
from elearn.people.services import upsert_unit

from ..content.helpers import make_course

TODAY = date(2026, 11, 20)


def _person(nip: str, name: str, unit: str | None = "DISKOMINFO", position: str | None = None,
            active: bool = True) -> User:
    """An account added directly (no password hashing: these tests never sign in)."""
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == unit)) if unit else None
    user = User(nip=nip, full_name=name, unit_id=unit_id, position=position, active=active,
                password_hash="!")
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def world(app):
    """A unit of four active people (done, started, idle, idle) and an inactive one, plus
    someone of another unit who finished; the course assigned to the unit."""
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Kominfo")
        upsert_unit("DINKES", "Dinas Kesehatan")
        course = save_course(make_course()).course
        done = _person("199001012015011001", "Ani Selesai", position="Analis Kebijakan")
        started = _person("199001012015011002", "Budi Mulai", position="Pranata Komputer")
        idle = _person("199001012015011003", "Citra Diam", position="Analis Kebijakan")
        idle2 = _person("199001012015011004", "Dedi 50%_Diam")
        gone = _person("199001012015011005", "Eko Nonaktif", active=False)
        other = _person("199001012015011006", "Fajar Lain", unit="DINKES")
        db.session.flush()
        for user in (done, other):
            db.session.add(CourseCompletion(user_id=user.id, course_id=course.id,
                                            course_version=1, jp=2))
        for user in (done, started, gone):
            db.session.add(Enrollment(user_id=user.id, course_id=course.id))
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKOMINFO"))
        assignment = Assignment(course_id=course.id, unit_id=unit.id)
        personal = Assignment(course_id=course.id, user_id=other.id)
        db.session.add_all([assignment, personal])
        db.session.commit()
        yield {"assignment": assignment, "personal": personal, "course": course,
               "ids": {u.full_name.split()[0]: u.id for u in (done, started, idle, idle2, gone)}}


@pytest.mark.parametrize(("due", "overdue"), [
    (None, 0),
    (TODAY + timedelta(days=1), 0),
    (TODAY, 0),  # on the due date itself nobody is late yet
    (TODAY - timedelta(days=1), 3),  # the day after: everyone not completed is late
])
def test_counts_each_status_and_overdue_from_the_day_after_the_due_date(app, world, due,
                                                                         overdue):
    with app.app_context():
        assignment = db.session.merge(world["assignment"])
        assignment.due_date = due
        db.session.flush()
        counts = ap.status_counts([assignment.id], TODAY)[assignment.id]
    # The inactive account and the person of another unit are not counted.
    assert counts == ap.StatusCounts(total=4, completed=1, in_progress=1, not_started=2,
                                     overdue=overdue)
    assert counts.percent_completed == 25


def test_a_personal_assignment_counts_its_one_person_and_a_finished_one_is_never_late(
        app, world):
    with app.app_context():
        personal = db.session.merge(world["personal"])
        personal.due_date = TODAY - timedelta(days=30)
        db.session.flush()
        counts = ap.status_counts([personal.id], TODAY)[personal.id]
    assert counts == ap.StatusCounts(total=1, completed=1, in_progress=0, not_started=0,
                                     overdue=0)


@contextmanager
def _counted_queries():
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_counts_for_many_assignments_take_one_query(app, world):
    with app.app_context():
        course = db.session.merge(world["course"])
        ids = [world["assignment"].id, world["personal"].id]
        for i in range(10):
            user = _person(f"19900101201501200{i}", f"Orang {i}", unit=None)
            db.session.flush()
            assignment = Assignment(course_id=course.id, user_id=user.id)
            db.session.add(assignment)
            db.session.flush()
            ids.append(assignment.id)
        with _counted_queries() as few:
            ap.status_counts(ids[:2], TODAY)
        with _counted_queries() as many:
            counts = ap.status_counts(ids, TODAY)
        assert len(few) == len(many) == 1
        assert counts[ids[-1]] == ap.StatusCounts(total=1, not_started=1)
        assert ap.status_counts([], TODAY) == {}


def test_today_is_the_date_in_the_agency_time_zone():
    evening_utc = datetime(2026, 11, 29, 18, 30, tzinfo=UTC)  # 01:30 on the 30th in Jakarta
    assert ap.today_in("Asia/Jakarta", evening_utc) == date(2026, 11, 30)
    assert ap.today_in("UTC", evening_utc) == date(2026, 11, 29)


def _names(assignment, **filters):
    stmt = ap.people_query(assignment, TODAY, **filters)
    return [u.full_name for u in db.session.scalars(stmt)]


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["Budi Mulai", "Citra Diam", "Dedi 50%_Diam", "Ani Selesai"]),  # not completed first
    ({"status": "completed"}, ["Ani Selesai"]),
    ({"status": "in_progress"}, ["Budi Mulai"]),
    ({"status": "not_started"}, ["Citra Diam", "Dedi 50%_Diam"]),
    ({"status": "overdue"}, []),  # no due date
    ({"status": "nonsense"}, ["Budi Mulai", "Citra Diam", "Dedi 50%_Diam", "Ani Selesai"]),
    ({"q": "citra"}, ["Citra Diam"]),
    ({"q": "011002"}, ["Budi Mulai"]),
    ({"q": "%"}, ["Dedi 50%_Diam"]),  # a wildcard matches itself only
    ({"q": "ani%"}, []),
    ({"q": "c_tra"}, []),
    ({"q": "50%_"}, ["Dedi 50%_Diam"]),
    ({"q": "_"}, ["Dedi 50%_Diam"]),
    ({"position": "Analis Kebijakan"}, ["Citra Diam", "Ani Selesai"]),
    ({"position": "Analis Kebijakan", "status": "not_started"}, ["Citra Diam"]),
])
def test_people_are_filtered_by_status_name_nip_and_position(app, world, filters, expected):
    with app.app_context():
        assert _names(db.session.merge(world["assignment"]), **filters) == expected


def test_overdue_filter_and_each_persons_state_once_the_due_date_has_passed(app, world):
    with app.app_context():
        assignment = db.session.merge(world["assignment"])
        assignment.due_date = TODAY - timedelta(days=1)
        db.session.flush()
        assert _names(assignment, status="overdue") == ["Budi Mulai", "Citra Diam",
                                                        "Dedi 50%_Diam"]
        people = list(db.session.scalars(ap.people_query(assignment, TODAY)))
        states = {s.user.full_name: s for s in ap.states_of(assignment, people, TODAY)}
    assert {n: (s.status, s.overdue) for n, s in states.items()} == {
        "Ani Selesai": ("completed", False), "Budi Mulai": ("in_progress", True),
        "Citra Diam": ("not_started", True), "Dedi 50%_Diam": ("not_started", True)}
    assert states["Ani Selesai"].completed_at is not None
    assert states["Budi Mulai"].progress.total == 2


def test_positions_are_those_of_the_unit_and_none_for_a_personal_assignment(app, world):
    with app.app_context():
        assert ap.positions_of(db.session.merge(world["assignment"])) == [
            "Analis Kebijakan", "Pranata Komputer"]
        assert ap.positions_of(db.session.merge(world["personal"])) == []
