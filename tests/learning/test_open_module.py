"""Opening a module: the first visit starts the reading time and moves the place to
continue; a repeat view writes nothing until the last record is older than the touch
interval, so the dashboard's most-recent-first order still follows the learner."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning.progress import OPEN_TOUCH_INTERVAL, enrol, open_module
from elearn.models import Enrollment, Module, ModuleProgress, User
from elearn.models.people import as_utc, utcnow

from ..conftest import recorded_sql
from ..content.helpers import make_course


@pytest.fixture
def state(app, make_user):
    account = make_user("learner")
    with app.app_context():
        course = save_course(make_course()).course
        user = db.session.get(User, account.id)
        enrol(user, course)
        db.session.commit()
        yield user, course, {m.slug: m for m in course.modules}


def _enrollment(user) -> Enrollment:
    return db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == user.id))


def _row(user, module: Module) -> ModuleProgress | None:
    return db.session.scalar(sa.select(ModuleProgress).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id))


def test_the_first_visit_records_the_row_and_the_place_to_continue(state):
    user, __, modules = state
    now = utcnow()
    row = open_module(user, modules["pengantar"], _enrollment(user), None, now)
    assert row.id is not None and _row(user, modules["pengantar"]) is row
    assert _enrollment(user).last_module_id == modules["pengantar"].id


def test_a_repeat_view_soon_after_writes_nothing(app, state):
    user, __, modules = state
    lesson, now = modules["pengantar"], utcnow()
    row = open_module(user, lesson, _enrollment(user), None, now)
    db.session.commit()
    opened = row.last_opened_at
    later = now + OPEN_TOUCH_INTERVAL - timedelta(seconds=1)
    enrollment = _enrollment(user)
    with recorded_sql(app) as statements:
        open_module(user, lesson, enrollment, row, later)
    assert statements == []
    assert as_utc(_enrollment(user).last_opened_at) == now
    assert row.last_opened_at == opened


def test_another_module_moves_the_place_to_continue_at_once(state):
    user, __, modules = state
    now = utcnow()
    open_module(user, modules["pengantar"], _enrollment(user), None, now)
    open_module(user, modules["kuis"], _enrollment(user), None, now + timedelta(seconds=5))
    enrollment = _enrollment(user)
    assert enrollment.last_module_id == modules["kuis"].id
    assert as_utc(enrollment.last_opened_at) == now + timedelta(seconds=5)


def test_a_repeat_view_after_the_interval_refreshes_the_times(state):
    user, __, modules = state
    lesson, now = modules["pengantar"], utcnow()
    row = open_module(user, lesson, _enrollment(user), None, now)
    first_opened = as_utc(row.first_opened_at)
    later = now + OPEN_TOUCH_INTERVAL + timedelta(seconds=1)
    open_module(user, lesson, _enrollment(user), row, later)
    assert as_utc(_enrollment(user).last_opened_at) == later
    assert as_utc(row.last_opened_at) == later
    assert as_utc(row.first_opened_at) == first_opened  # the reading time keeps its start


def test_opening_writes_says_exactly_when_open_module_writes(state):
    """The module page commits only when this says so: true for a first view, a move
    to another module and a record older than the touch interval, false otherwise."""
    from elearn.learning.progress import opening_writes

    user, course, modules = state
    now = utcnow()
    enrollment = _enrollment(user)
    lesson = modules["pengantar"]
    assert opening_writes(lesson, enrollment, None, now)
    row = open_module(user, lesson, enrollment, None, now)
    db.session.commit()
    soon = now + timedelta(seconds=5)
    assert not opening_writes(lesson, enrollment, row, soon)
    other = next(m for slug, m in modules.items() if slug != "pengantar")
    assert opening_writes(other, enrollment, row, soon)
    assert opening_writes(lesson, enrollment, row, now + OPEN_TOUCH_INTERVAL * 2)
