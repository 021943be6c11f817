"""The outline carried in the course's statement (elearn/learning/outline_items.py)
gives exactly what a query of its own gives, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import outline_items
from elearn.learning.course_view import load_course_view
from elearn.learning.progress import enrol, progress_row
from elearn.models import Course, Module, ModuleProgress, User
from elearn.models.people import utcnow

from ..content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course


def _expected(user_id: int, course_id: int) -> list[tuple]:
    """The outline as the separate statement read it: every module in order, with
    the learner's progress row id, completion moment and best score."""
    rows = db.session.execute(
        sa.select(Module.id, Module.slug, Module.title, Module.kind, Module.minutes,
                  Module.position, Module.status, Module.retired_at, Module.role,
                  ModuleProgress.id, ModuleProgress.completed_at, ModuleProgress.best_score)
        .outerjoin(ModuleProgress, (ModuleProgress.module_id == Module.id)
                   & (ModuleProgress.user_id == user_id))
        .where(Module.course_id == course_id)
        .order_by(Module.position, Module.id)).all()
    return [tuple(row) for row in rows]


def _aware(moment):
    return None if moment is None else (moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def test_the_outline_in_the_course_statement_equals_a_query_of_its_own(app, make_user):
    """Order, titles (quotes, backslash, line break, emoji), states, a retired module,
    a completion moment to the microsecond and a fractional best score: the page's
    outline and states are what the ORM reads."""
    account = make_user("learner")
    with app.app_context():
        save_course(make_course({"course.md": COURSE_MD, "01-pengantar.md": LESSON_MD,
                                 "02-kuis.md": QUIZ_MD}))
        db.session.commit()
        user = db.session.get(User, account.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "pelayanan-publik"))
        modules = db.session.scalars(sa.select(Module).where(Module.course_id == course.id)
                                     .order_by(Module.position)).all()
        enrol(user, course)
        done = progress_row(user, modules[0])
        done.completed_at = utcnow().replace(microsecond=123456) - timedelta(days=3)
        quiz = progress_row(user, modules[-1])
        quiz.best_score = 66.66666666666667
        modules[-1].retired_at = utcnow()
        # Quotes, a backslash, a line break, markup and characters outside the BMP
        # survive the JSON both databases write.
        modules[0].title = 'Kutip "ganda" \\ garis\nbaru <b>✔</b> 🙂 \u00e9'
        db.session.commit()
        expected = _expected(user.id, course.id)
        db.session.expunge_all()
        for module_slug in (None, "pengantar"):
            view = load_course_view(db.session.get(User, user.id), "pelayanan-publik",
                                    module_slug, light=True)
            width = len(outline_items.FIELDS)
            got = [tuple(m) for m in view.outline]
            assert [tuple(row[:width - 2]) for row in got] == [r[:width - 2] for r in expected]
            assert [_aware(m.retired_at) for m in view.outline] == \
                [_aware(r[width - 2]) for r in expected]
            assert [m.role for m in view.outline] == [r[width - 1] for r in expected]
            states = {r[0]: (_aware(r[width + 1]), r[width + 2]) for r in expected
                      if r[width] is not None}
            assert {k: (_aware(s.completed_at), s.best_score)
                    for k, s in view.states.items()} == states
            assert isinstance(view.states[modules[-1].id].best_score, float)
            db.session.expunge_all()


def test_a_course_without_modules_has_an_empty_outline(app):
    """json_agg over no rows is NULL on PostgreSQL, json_group_array gives [] on SQLite."""
    assert outline_items.parse(None) == [] and outline_items.parse("[]") == []


def test_parse_orders_by_position_then_id_and_types_the_values():
    items = [[7, "b", "B", "lesson", 5, 2, "published", None, "graded", None, None, None],
             [3, "a", "A", "quiz", 5, 1, "published", "2026-11-30T12:00:00.5+07:00",
              "graded", 9, "2026-11-29 10:00:00.000001", 80]]
    rows = outline_items.parse(items)
    assert [row[0] for row in rows] == [3, 7]
    assert rows[0][7] == datetime(2026, 11, 30, 5, 0, 0, 500000, tzinfo=UTC)
    assert rows[0][10] == datetime(2026, 11, 29, 10, 0, 0, 1)
    assert rows[0][11] == 80.0 and isinstance(rows[0][11], float)
