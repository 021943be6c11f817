"""Many learners completing at once on PostgreSQL get consecutive, unique numbers."""

import os
import threading

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Certificate
from elearn.people.services import PersonData, create_user

from ..content.helpers import make_course
from .conftest import complete_course

pytestmark = pytest.mark.skipif(
    not (os.environ.get("ELEARN_TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="concurrency is what PostgreSQL serves; SQLite runs one writer at a time")

LEARNERS = 12


def test_concurrent_completions_get_consecutive_unique_numbers(app):
    with app.app_context():
        course_id = save_course(make_course()).course.id
        users = [create_user(PersonData(nip=f"1990010120150110{i:02d}", full_name=f"P {i}"),
                             "Tugas-Belajar-2026").id for i in range(LEARNERS)]
        db.session.commit()
    barrier = threading.Barrier(LEARNERS)
    errors = []

    def finish(user_id):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                complete_course(user_id, course_id)
                db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=finish, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with app.app_context():
        seqs = sorted(db.session.scalars(sa.select(Certificate.seq)))
        numbers = db.session.scalars(sa.select(Certificate.number)).all()
    assert seqs == list(range(1, LEARNERS + 1))
    assert len(set(numbers)) == LEARNERS
