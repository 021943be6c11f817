"""elearn.fastread: a hot read sent straight to the driver gives the rows SQLAlchemy
gives (the same values and types, on SQLite and PostgreSQL), in the session's
transaction, still seen by the engine's cursor listeners, and fails as SQLAlchemy
fails."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from elearn import fastread
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning.catalog import _board_statement, _catalog_statements
from elearn.models import Module, Unit, User, UserSession
from elearn.people.sessions import _session_user_statement

from .conftest import recorded_sql
from .content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course


@pytest.fixture
def stored(app, make_user):
    account = make_user("learner", unit_code="DISKOMINFO")
    with app.app_context():
        save_course(make_course({"course.md": COURSE_MD, "01-pengantar.md": LESSON_MD,
                                 "02-kuis.md": QUIZ_MD}))
        db.session.commit()
    return account


def _both(statement, params):
    orm = db.session.execute(statement, params).all()
    fast = fastread.read(statement, params)
    return [tuple(row) for row in orm], [tuple(row) for row in fast], fast


def test_rows_and_types_are_sqlalchemys(app, stored):
    """Datetimes, booleans, counts and NULLs come back as SQLAlchemy returns them."""
    with app.app_context():
        modules = (sa.select(Module.id, Module.slug, Module.created_at, Module.minutes,
                             Module.retired_at)
                   .where(Module.course_id == sa.bindparam("course_id"))
                   .order_by(Module.position))
        course_id = db.session.scalar(sa.select(Module.course_id).limit(1))
        orm, fast, rows = _both(modules, {"course_id": course_id})
        assert fast == orm and len(fast) == 2
        assert isinstance(rows[0].created_at, datetime) and rows[0].retired_at is None
        assert rows.first().slug == "pengantar" and rows.scalar() == rows[0][0]
        count, page = _catalog_statements(False, False, False)
        params = {"user_id": stored.id, "unit_id": None, "competency": "", "pattern": "%%",
                  "limit": 25, "offset": 0}
        params["unit_id"] = db.session.get(User, stored.id).unit_id
        assert _both(count, params)[1] == _both(count, params)[0] == [(1,)]
        orm, fast, rows = _both(page, params)
        assert fast == orm and rows[0].restricted is False and rows[0].slug == "pelayanan-publik"
        assert rows[0].total == 1


def test_the_session_lookup_reads_what_sqlalchemy_reads(app, stored):
    with app.app_context():
        session_row = UserSession(user_id=stored.id, token_hash="f" * 64)
        db.session.add(session_row)
        db.session.commit()
        params = {"user_id": stored.id, "token_hash": "f" * 64}
        orm, fast, rows = _both(_session_user_statement(), params)
        assert fast == orm and len(fast) == 1
        user_columns = [c.key for c in User.__table__.c]
        row = fast[0]
        assert row[1 + user_columns.index("active")] is True
        unit = db.session.get(Unit, row[1 + user_columns.index("unit_id")])
        assert row[1 + len(user_columns):] == (unit.id, unit.code, unit.name, unit.parent_id,
                                               unit.created_at)


def test_a_board_query_with_datetime_parameters_matches(app, stored):
    """Datetime parameters are converted as SQLAlchemy converts them (SQLite keeps
    them as text: a different format would compare wrongly)."""
    from elearn.learning.catalog import person_params
    from elearn.learning.completion import year_bounds

    with app.app_context():
        user = db.session.get(User, stored.id)
        start, end = year_bounds(2026, "Asia/Jakarta")
        params = {**person_params(user), "start": start, "end": end}
        orm, fast, _rows = _both(_board_statement(), params)
        assert fast == orm


def test_cursor_listeners_see_each_statement(app, stored):
    with recorded_sql(app) as seen, app.app_context():
        fastread.read(_session_user_statement(), {"user_id": 1, "token_hash": "x"})
    assert len(seen) == 1 and seen[0].startswith("SELECT user_sessions.last_seen_at")


def test_pending_changes_are_flushed_first_and_read_in_the_same_transaction(app, stored):
    with app.app_context():
        user = db.session.get(User, stored.id)
        user.full_name = "Nama Baru"
        names = sa.select(User.full_name).where(User.id == sa.bindparam("id"))
        assert fastread.read(names, {"id": stored.id}).scalar() == "Nama Baru"
        db.session.rollback()
        assert fastread.read(names, {"id": stored.id}).scalar() != "Nama Baru"


def test_an_expanding_in_list_goes_through_sqlalchemy(app, stored):
    with app.app_context():
        wanted = sa.bindparam("slugs", expanding=True)
        slugs = sa.select(Module.slug).where(Module.slug.in_(wanted)).order_by(Module.slug)
        assert fastread.read(slugs, {"slugs": ["kuis", "pengantar"]}).all() == [
            ("kuis",), ("pengantar",)]


def test_a_database_error_is_raised_as_sqlalchemy_raises_it(app):
    missing = sa.select(sa.table("no_such_table", sa.column("x")).c.x)
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError) as raised:
            fastread.read(missing)
        assert "no_such_table" in str(raised.value)
        db.session.rollback()


def test_statements_built_per_call_keep_the_plans_bounded(app, stored, monkeypatch):
    """``read`` expects statements built once per process; one built on every call still
    reads right, and the plans kept stay at most ``MAX_PLANS``."""
    monkeypatch.setattr(fastread, "MAX_PLANS", 5)
    with app.app_context():
        for n in range(20):
            fresh = sa.select(User.nip).where(User.id == sa.bindparam("id"))
            assert fastread.read(fresh, {"id": stored.id}).scalar() == stored.nip, n
            assert len(fastread._plans) <= 5


def test_the_module_page_entities_equal_what_the_orm_loads(app, stored):
    """``fastread.entities`` makes the module page's course, enrolment, module and
    progress row: persistent, clean, every column as the ORM loads it (a column the
    page leaves out loads when read); an outer join that found nothing gives None;
    an instance already in the session is reused."""
    from sqlalchemy import inspect

    from elearn.learning.course_view import MODULE_PAGE_PARTS, _course_statement
    from elearn.learning.progress import person_params
    from elearn.models import Course

    with app.app_context():
        user = db.session.get(User, stored.id)
        params = {**person_params(user), "slug": "pelayanan-publik", "module": "pengantar"}
        row = fastread.read(_course_statement(True), params).first()
        db.session.expunge_all()
        course, enrollment, assigned, module, progress, helpful, comment = fastread.entities(
            row, *MODULE_PAGE_PARTS)
        assert enrollment is None and progress is None and not assigned
        assert helpful is None and comment is None  # no feedback given
        for made, left_out in ((course, {"source", "description_html"}), (module, {"source"})):
            state = inspect(made)
            # Every column but the Markdown sources and description the page never shows.
            assert state.persistent and not state.modified and state.unloaded - {
                "modules", "instructors", "cover", "course", "assets"} == left_out
        made_columns = {k: getattr(module, k) for k in fastread.column_keys(Module)}
        course_columns = {k: getattr(course, k) for k in fastread.column_keys(Course)}
        db.session.expunge_all()
        loaded = db.session.get(Module, module.id)
        assert made_columns == {k: getattr(loaded, k) for k in fastread.column_keys(Module)}
        assert isinstance(made_columns["quiz"], (dict, type(None)))
        loaded_course = db.session.get(Course, course.id)
        assert course_columns == {k: getattr(loaded_course, k)
                                  for k in fastread.column_keys(Course)}
        again = fastread.entities(row, *MODULE_PAGE_PARTS)
        assert again[0] is loaded_course and again[3] is loaded
        db.session.expunge_all()
        quiz_row = fastread.read(_course_statement(True), {**params, "module": "kuis"}).first()
        quiz = fastread.entities(quiz_row, *MODULE_PAGE_PARTS)[3]
        questions = quiz.quiz["questions"]  # JSON read as SQLAlchemy reads it
        db.session.expunge_all()
        assert questions and questions == db.session.get(Module, quiz.id).quiz["questions"]


def test_a_deferred_column_is_left_out_and_loads_when_read(app, stored):
    """A file's bytes (``CourseAsset.data``, deferred by the mapping) are not selected
    with the course page's cover; reading them on the made instance loads them."""
    from sqlalchemy import inspect

    from elearn.models import CourseAsset

    assert "data" not in fastread.column_keys(CourseAsset)
    assert CourseAsset.__table__.c.data not in fastread.columns(CourseAsset)
    with app.app_context():
        course_id = db.session.scalar(sa.select(Module.course_id).limit(1))
        db.session.add(CourseAsset(course_id=course_id, path="media/sampul.png",
                                   content_type="image/png", sha256="0" * 64, size=3,
                                   data=b"png"))
        db.session.commit()
        row = fastread.read(sa.select(*fastread.columns(CourseAsset))).first()
        db.session.expunge_all()
        (asset,) = fastread.entities(row, CourseAsset)
        assert "data" not in inspect(asset).dict and asset.path == "media/sampul.png"
        assert asset.data == b"png" and not db.session.dirty


def test_a_column_a_page_leaves_out_is_not_selected_and_loads_when_read(app, stored):
    """``fastread.Partial``: the module page selects neither the module's nor the
    course's Markdown source; reading one on the made instance runs one query and
    gives what the ORM loads, and leaves the instance clean."""
    from sqlalchemy import inspect

    from elearn.learning.course_view import MODULE_PAGE_PARTS, _course_statement
    from elearn.learning.progress import person_params
    from elearn.models import Course

    sql = str(_course_statement(True).compile())
    assert "modules.source" not in sql and "courses.source" not in sql
    assert "modules.body_html" in sql and "courses.title" in sql
    with app.app_context():
        user = db.session.get(User, stored.id)
        params = {**person_params(user), "slug": "pelayanan-publik", "module": "pengantar"}
        row = fastread.read(_course_statement(True), params).first()
        db.session.expunge_all()
        course, *_, module, _progress, _helpful, _comment = fastread.entities(
            row, *MODULE_PAGE_PARTS)
        with recorded_sql(app) as statements:
            source = module.source
        assert len(statements) == 1 and "# " in source
        assert not inspect(module).modified and not db.session.dirty
        expected = db.session.execute(
            sa.select(Module.source, Course.source, Course.description_html)
            .join(Course).where(Module.id == module.id)).one()
        assert (source, course.source, course.description_html) == tuple(expected)
