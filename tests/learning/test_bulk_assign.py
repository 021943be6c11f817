"""Assigning a course to many people at once: reading pasted NIPs, the preview plan
(unknown, inactive, duplicate, already assigned), and saving it all or nothing."""

from datetime import date

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import bulk_assign as bulk
from elearn.learning.errors import AssignmentError
from elearn.models import Assignment, AuditEntry, Unit, User
from elearn.people.services import upsert_unit

from ..content.helpers import make_course

A, B, C, D = ("199001012015011001", "199002022015022002", "199003032015031003",
              "199004042015042004")


def _texts(messages):
    return [str(m) for m in messages]


@pytest.mark.parametrize("text", [
    f"{A}\n{B}\n{C}",
    f"{A}, {B}; {C}",
    f"{A} {B}\t{C}",
    f"19900101 201501 1 001\n'{B}\n\"{C}\"",  # written in groups; quoted as spreadsheets do
    f"{A}\tAni Lubis\n{B}\tBudi Siregar, S.Kom.\n\n{C} Citra",  # names beside the NIPs
])
def test_nips_are_read_from_lines_separators_groups_and_spreadsheet_rows(text):
    parsed = bulk.parse_nips(text)
    assert [nip for _line, nip in parsed.entries] == [A, B, C]
    assert parsed.problems == []


def test_each_wrong_entry_is_reported_with_its_line_number():
    parsed = bulk.parse_nips(f"{A}\n12345\n{B} 99\nNIP Nama\n{A}\n1.99001E+17\n"
                             f"{A}{B}{C}")
    assert [line for line, _nip in parsed.entries] == [1, 3]
    assert _texts(parsed.problems) == [
        "Line 2: “12345” is not a NIP (18 digits).",
        "Line 3: “99” is not a NIP (18 digits).",
        "Line 4: no NIP found in “NIP Nama”.",
        f"Line 5: NIP {A} is already on line 1.",
        "Line 6: “1.99001E+17” is not a NIP (18 digits).",
        f"Line 7: “{(A + B + C)[:40]}…” is not a NIP (18 digits).",
    ]


def test_at_most_a_thousand_nips_and_a_bounded_text():
    thousand = "\n".join(f"1990010120150110{i % 100:02d}" for i in range(1000))
    assert len(bulk.parse_nips(thousand).entries) == 100  # the others are duplicates
    with pytest.raises(AssignmentError) as many:
        bulk.parse_nips(thousand + "\n199001012015011001")
    assert many.value.text() == "At most 1000 NIPs at a time; split the list into several parts."
    with pytest.raises(AssignmentError) as long:
        bulk.parse_nips("x" * (bulk.MAX_TEXT + 1))
    assert "too long" in long.value.text()


def _person(nip, name, unit=None, position=None, active=True):
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == unit)) if unit else None
    user = User(nip=nip, full_name=name, unit_id=unit_id, position=position, active=active,
                password_hash="!")
    db.session.add(user)
    return user


@pytest.fixture
def world(app, make_user):
    admin = make_user("admin")
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Kominfo")
        upsert_unit("DINKES", "Dinas Kesehatan")
        course = save_course(make_course()).course
        _person(A, "Ani", "DISKOMINFO", "Analis Kebijakan")
        _person(B, "Budi", "DISKOMINFO", "Pranata Komputer Ahli Pertama")
        _person(C, "Citra", "DINKES", "Pranata Komputer")
        _person(D, "Dedi", "DINKES", active=False)
        db.session.commit()
        yield {"course_id": course.id, "admin_id": admin.id}


def _plan(world, text="", unit=None, position=""):
    from elearn.models import Course

    course = db.session.get(Course, world["course_id"])
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit)) if unit else None
    return bulk.plan_bulk(course, text, unit, position)


def test_plan_sorts_people_into_new_already_assigned_and_lines_naming_nobody(app, world):
    with app.app_context():
        dinkes = db.session.scalar(sa.select(Unit.id).where(Unit.code == "DINKES"))
        ani = db.session.scalar(sa.select(User.id).where(User.nip == A))
        db.session.add_all([Assignment(course_id=world["course_id"], unit_id=dinkes),
                            Assignment(course_id=world["course_id"], user_id=ani)])
        db.session.flush()
        plan = _plan(world, f"{A}\n199912312020121001\n{B}\n{C}\n{D}")
        assert [u.nip for u in plan.new] == [B]
        assert [(u.nip, via) for u, via in plan.already] == [(A, None), (C, "DINKES")]
        assert _texts(plan.problems) == [
            "Line 2: NIP 199912312020121001 was not found.",
            f"Line 5: Dedi (NIP {D}) has a deactivated account."]


def test_plan_selects_active_people_by_unit_and_position_as_well(app, world):
    with app.app_context():
        assert [u.full_name for u in _plan(world, unit="DINKES").new] == ["Citra"]
        assert [u.full_name for u in _plan(world, position="pranata").new] == ["Budi", "Citra"]
        assert [u.full_name for u in _plan(world, unit="DISKOMINFO",
                                           position="Analis").new] == ["Ani"]
        assert _plan(world, position="%").new == []  # a wildcard matches itself only
        both = _plan(world, f"{C}", unit="DINKES")  # listed and selected: once
        assert [u.full_name for u in both.new] == ["Citra"]


def test_plan_refuses_an_empty_request_and_an_unpublished_course(app, world):
    from elearn.models import Course

    with app.app_context():
        with pytest.raises(AssignmentError, match="Paste NIPs"):
            _plan(world, "  \n ")
        db.session.get(Course, world["course_id"]).status = "draft"
        with pytest.raises(AssignmentError, match="published"):
            _plan(world, A)


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_applying_saves_one_audited_assignment_per_new_person(app, world):
    with app.app_context():
        plan = _plan(world, f"{A}\n{B}")
        admin = db.session.get(User, world["admin_id"])
        rows = bulk.apply_bulk(plan, date(2026, 12, 31), admin)
        db.session.commit()
        assert {r.user.nip for r in rows} == {A, B}
        assert {r.due_date for r in rows} == {date(2026, 12, 31)}
        targets = db.session.scalars(sa.select(AuditEntry.target)).all()
        assert sorted(targets) == [f"pelayanan-publik -> user {A}",
                                   f"pelayanan-publik -> user {B}"]
        assert _plan(world, f"{A}\n{B}").new == []


def test_applying_is_all_or_nothing_when_one_is_assigned_meanwhile(app, world):
    with app.app_context():
        plan = _plan(world, f"{A}\n{B}")
        admin = db.session.get(User, world["admin_id"])
        with db.engine.begin() as other:  # another admin, between preview and confirm
            other.execute(sa.insert(Assignment).values(
                course_id=world["course_id"],
                user_id=db.session.scalar(sa.select(User.id).where(User.nip == B))))
        with pytest.raises(AssignmentError, match="nothing was assigned"):
            bulk.apply_bulk(plan, None, admin)
        db.session.rollback()
        assert _count(Assignment) == 1  # only the other admin's
        assert _count(AuditEntry) == 0


def test_applying_a_plan_with_nobody_new_is_refused(app, world):
    with app.app_context():
        plan = _plan(world, "199912312020121001")
        with pytest.raises(AssignmentError, match="Nobody new"):
            bulk.apply_bulk(plan, None, db.session.get(User, world["admin_id"]))


def test_the_digest_changes_with_who_would_be_assigned(app, world):
    with app.app_context():
        assert _plan(world, A).digest == _plan(world, f"{A}\n{A}").digest
        assert _plan(world, A).digest != _plan(world, f"{A}\n{B}").digest
