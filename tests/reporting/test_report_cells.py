"""The reports page's maintained per-(course, unit) cells (elearn.reporting.report_cells).

The overview read from the cells must equal the full query (``course_report()`` and
``unit_report()`` over every enrolment) after any mix of real service operations;
a fresh cell is read, never recomputed; a stale one is recomputed alone; and a
write committed while the page recomputes a cell leaves it stale, never fresh with
old figures.
"""

from __future__ import annotations

import os
import random
import threading

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from werkzeug.security import generate_password_hash

from elearn.certificates.issue import revoke
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import completion, progress
from elearn.learning.errors import LearningError
from elearn.models import (
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    ModuleProgress,
    ReportCell,
    User,
)
from elearn.people.services import PersonData, create_user, upsert_unit, upsert_user
from elearn.people.staff_import import apply_import, plan_import
from elearn.reporting import report_cells
from elearn.reporting.queries import course_report, reports_overview, unit_report

from ..certificates.conftest import certificate_settings, complete_course
from ..conftest import recorded_sql
from ..content.helpers import LESSON_MD, make_course
from .test_queries import CLOSING_MD, ETIKA_MD, take_quiz

POSTGRESQL = (os.environ.get("ELEARN_TEST_DATABASE_URL") or "").startswith("postgresql")
UNITS = ("DISKOMINFO", "BKPSDM", "DISHUB")
#: Learner NIPs (valid PNS NIPs, distinct serials).
NIPS = [f"1990010120150110{i:02d}" for i in range(1, 15)]
STEPS = 150
#: Operation -> weight in the random mix.
OPERATIONS = {"enrol": 3, "open": 2, "lesson": 3, "quiz": 4, "complete": 3, "revoke": 1,
              "move": 3, "import": 2, "deactivate": 1, "delete": 1, "republish": 1,
              "progress_sql": 1}


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch):
    # Nobody signs in here: a cheap password hash keeps the setups quick.
    monkeypatch.setattr("elearn.models.people.generate_password_hash",
                        lambda password, method=None: generate_password_hash(
                            password, method="pbkdf2:sha256:1"))


def full_overview() -> tuple[list, list]:
    """The figures as the full query gives them (every enrolment aggregated)."""
    return course_report(), unit_report()


def cell_overview() -> tuple[list, list]:
    overview = reports_overview()
    db.session.commit()  # as the page does
    return overview.courses, overview.units


def assert_cells_match(step: str = "") -> None:
    db.session.commit()
    cells = cell_overview()
    assert cells == full_overview(), step
    stale = db.session.scalar(sa.select(sa.func.count()).select_from(ReportCell).where(
        ReportCell.version != ReportCell.fresh_version))
    assert stale == 0, step


def _setup() -> dict:
    for code in UNITS:
        upsert_unit(code, f"Dinas {code.title()}")
    users = [create_user(PersonData(nip=nip, full_name=f"Peserta {i}",
                                    unit_code=UNITS[i % 3] if i % 4 else None),
                         "Tugas-Belajar-2026", must_change_password=False)
             for i, nip in enumerate(NIPS)]
    courses = [save_course(make_course()).course,
               save_course(make_course({"course.md": ETIKA_MD, "03-penutup.md": CLOSING_MD},
                                       slug="etika-asn")).course]
    db.session.commit()
    return {"users": [u.id for u in users], "courses": [c.id for c in courses]}


def _lesson(course: Course):
    return next(m for m in progress.published_modules(course) if m.kind == "lesson")


def _republish(course: Course, rng: random.Random) -> str:
    """A new version of the course: its quiz retired, or brought back."""
    files = {} if course.slug == "pelayanan-publik" else {
        "course.md": ETIKA_MD, "03-penutup.md": CLOSING_MD}
    quiz_live = any(m.kind == "quiz" for m in progress.published_modules(course))
    if quiz_live and rng.random() < 0.7:
        files["02-kuis.md"] = None
        files["01-pengantar.md"] = LESSON_MD.replace("Lihat [kuis](02-kuis.md).", "Baca.")
    save_course(make_course(files, slug=course.slug))
    return f"republish {course.slug} (quiz {'retired' if '02-kuis.md' in files else 'live'})"


def _step(rng: random.Random, ids: dict) -> str:  # noqa: C901 - one branch per operation
    user = db.session.get(User, rng.choice(ids["users"]))
    course = db.session.get(Course, rng.choice(ids["courses"]))
    op = rng.choices(list(OPERATIONS), weights=list(OPERATIONS.values()))[0]
    try:
        if op == "enrol":
            progress.enrol(user, course)
        elif op == "open":
            progress.open_module(user, _lesson(course), progress.enrol(user, course), None)
        elif op == "lesson":
            completion.mark_completed(user, course, _lesson(course),
                                      certificates=certificate_settings())
        elif op == "quiz":
            if not any(m.kind == "quiz" for m in progress.published_modules(course)):
                return "quiz retired"
            take_quiz(user, course, right=set(rng.sample(range(4), rng.randint(0, 4))))
        elif op == "complete":
            complete_course(user.id, course.id)
        elif op == "revoke":
            cert = db.session.scalar(sa.select(Certificate).where(
                Certificate.status == "valid").limit(1))
            if cert is not None:
                revoke(cert, user, "Uji", "other")
        elif op == "move":
            upsert_user(PersonData(nip=user.nip, full_name=user.full_name,
                                   unit_code=rng.choice((*UNITS, None))), "Tugas-Belajar-2026")
        elif op == "import":
            unit = rng.choice(UNITS)
            with force_locale("en"):
                apply_import(plan_import(f"nip,nama,unit\n{user.nip},{user.full_name},{unit}\n"
                                         .encode(), "staff.csv"),
                             initial_password="Tugas-Belajar-2026", skip_invalid=True)
        elif op == "deactivate":
            user.active = not user.active
        elif op == "delete":
            # No service deletes people; the database's cascades still must be followed.
            if len(ids["users"]) > 8 and not db.session.scalar(
                    sa.select(sa.func.count()).select_from(CourseCompletion)
                    .where(CourseCompletion.user_id == user.id)):
                db.session.expunge_all()
                db.session.execute(sa.delete(User).where(User.id == user.id))
                ids["users"].remove(user.id)
        elif op == "republish":
            return _republish(course, rng)
        elif op == "progress_sql":
            # A write outside the services: the triggers still see it.
            db.session.execute(sa.update(ModuleProgress).where(
                ModuleProgress.user_id == user.id).values(best_score=rng.choice([None, 55.5])))
    except LearningError:
        db.session.rollback()
        return f"{op} refused"
    return f"{op} user {user.id} course {course.id}"


def test_cells_equal_the_full_query_after_any_mix_of_operations(app):
    rng = random.Random(20261130)
    with app.app_context():
        ids = _setup()
        assert_cells_match("setup")
        for n in range(STEPS):
            step = _step(rng, ids)
            assert_cells_match(f"step {n}: {step}")
        courses, units = cell_overview()
        # The mix reached the interesting figures.
        assert any(c.completed for c in courses)
        assert any(c.average_score is not None for c in courses)
        assert any(u.code is None for u in units)


def test_rebuild_leaves_every_cell_fresh_with_the_same_figures(app):
    with app.app_context():
        ids = _setup()
        for user_id in ids["users"][:5]:
            complete_course(user_id, ids["courses"][0])
        progress.enrol(db.session.get(User, ids["users"][6]), db.session.get(
            Course, ids["courses"][1]))
        db.session.commit()
        expected = full_overview()
        assert report_cells.rebuild(db.session.connection()) == db.session.scalar(
            sa.select(sa.func.count()).select_from(ReportCell))
        db.session.commit()
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(ReportCell).where(
            ReportCell.version != ReportCell.fresh_version))
        assert cell_overview() == expected


def test_a_fresh_cell_is_read_and_only_a_stale_one_recomputed(app):
    with app.app_context():
        ids = _setup()
        first, second = ids["courses"]
        complete_course(ids["users"][1], first)
        complete_course(ids["users"][1], second)
        db.session.commit()
        cell_overview()  # everything fresh

        with recorded_sql(app) as statements:
            cell_overview()
        assert statements.writes == []
        assert len([s for s in statements.reads if "report_cells" in s]) == 1

        # A fresh cell's stored figures are what the page shows: proof it is not recomputed.
        db.session.execute(sa.update(ReportCell).where(ReportCell.course_id == second)
                           .values(enrolled=99))
        # The other course's cell goes stale.
        progress.enrol(db.session.get(User, ids["users"][2]), db.session.get(Course, first))
        db.session.commit()
        with recorded_sql(app) as statements:
            courses, _ = cell_overview()
        by_id = {c.slug: c for c in courses}
        assert by_id["etika-asn"].enrolled == 99
        assert by_id["pelayanan-publik"].enrolled == 2
        assert len(statements.writes) == 1  # the one stale cell stored (executemany)
        cells = db.session.execute(sa.select(ReportCell.version, ReportCell.fresh_version))
        assert all(version == fresh for version, fresh in cells)


def _stale_cell(app, ids) -> None:
    with app.app_context():
        progress.enrol(db.session.get(User, ids["users"][1]),
                       db.session.get(Course, ids["courses"][0]))
        db.session.commit()


def _enrol_elsewhere(app, ids, user_index: int):
    """Enrol a learner on the first course on a connection of its own; returns the
    connection and its transaction (uncommitted)."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(sa.insert(Enrollment).values(user_id=ids["users"][user_index],
                                                    course_id=ids["courses"][0]))
    return connection, transaction


def test_a_write_committed_during_a_recompute_leaves_the_cell_stale(app, monkeypatch):
    with app.app_context():
        ids = _setup()
        cell_overview()
    _stale_cell(app, ids)  # user 1 (BKPSDM) enrolled: that cell is stale
    real_select = report_cells.cell_figures_select

    def commit_a_write_first(*args, **kwargs):
        # User 7 is in BKPSDM too: the same cell, committed after its version was read.
        connection, transaction = _enrol_elsewhere(app, ids, 7)
        transaction.commit()
        connection.close()
        return real_select(*args, **kwargs)

    with app.app_context():
        monkeypatch.setattr(report_cells, "cell_figures_select", commit_a_write_first)
        cell_overview()
        monkeypatch.setattr(report_cells, "cell_figures_select", real_select)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCell).where(
            ReportCell.version != ReportCell.fresh_version)) == 1
        assert_cells_match("after the concurrent write")


@pytest.mark.skipif(not POSTGRESQL, reason="row locks between concurrent transactions are "
                    "PostgreSQL's; SQLite runs one writer at a time")
def test_a_cell_a_writer_holds_is_skipped_and_stays_stale(app, monkeypatch):
    with app.app_context():
        ids = _setup()
        cell_overview()
    _stale_cell(app, ids)
    real_select = report_cells.cell_figures_select
    held = []

    def write_without_committing(*args, **kwargs):
        # The writer's trigger has bumped (and locked) the cell; the recompute cannot
        # see its enrolment, and the page skips storing the cell the writer holds.
        connection, transaction = _enrol_elsewhere(app, ids, 7)
        held.append(connection)

        def commit_later():
            transaction.commit()
            connection.close()

        timer = threading.Timer(0.5, commit_later)
        held.append(timer)
        timer.start()
        return real_select(*args, **kwargs)

    with app.app_context():
        monkeypatch.setattr(report_cells, "cell_figures_select", write_without_committing)
        courses, _ = cell_overview()
        monkeypatch.setattr(report_cells, "cell_figures_select", real_select)
        held[1].join()
        # This view counted what was committed when it read (one enrolment) ...
        assert {c.slug: c.enrolled for c in courses}["pelayanan-publik"] == 1
        # ... and did not mark the cell fresh: the next view counts both.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCell).where(
            ReportCell.version != ReportCell.fresh_version)) == 1
        assert_cells_match("after the concurrent write")
        assert {c.slug: c.enrolled for c in cell_overview()[0]}["pelayanan-publik"] == 2


def _stale_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReportCell).where(
        ReportCell.version != ReportCell.fresh_version))


def test_the_rebuild_command_recomputes_every_cell(app, runner, english_cli):
    with app.app_context():
        ids = _setup()
        complete_course(ids["users"][1], ids["courses"][0])
        progress.enrol(db.session.get(User, ids["users"][0]), db.session.get(
            Course, ids["courses"][1]))
        db.session.commit()
        db.session.execute(sa.update(ReportCell).values(enrolled=0, version=5))
        db.session.commit()
    result = runner.invoke(args=["reports", "rebuild-cells"])
    assert result.exit_code == 0, result.output
    assert result.output == "Rebuilt 2 report cells.\n"
    with app.app_context():
        assert _stale_count() == 0
        assert cell_overview() == full_overview()


def test_the_migration_sums_existing_data_into_fresh_cells(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        ids = _setup()
        complete_course(ids["users"][1], ids["courses"][0])
        complete_course(ids["users"][4], ids["courses"][1])  # no unit
        take_quiz(db.session.get(User, ids["users"][2]), db.session.get(Course, ids["courses"][0]),
                  right={1})
        db.session.commit()
        expected = full_overview()
        db.session.remove()
        downgrade(revision="0009")
        try:
            assert "report_cells" not in sa.inspect(db.engine).get_table_names()
        finally:
            upgrade()
        assert _stale_count() == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCell)) == 3
        with recorded_sql(app) as statements:
            assert cell_overview() == expected
        assert statements.writes == []
        # The triggers are back: a new write marks its cell stale.
        progress.enrol(db.session.get(User, ids["users"][7]), db.session.get(
            Course, ids["courses"][0]))
        db.session.commit()
        assert _stale_count() == 1


def test_the_reports_page_stores_the_cells_it_recomputed(app, client, monkeypatch):
    from ..conftest import AuthActions
    from .test_queries import ANDI, GITA, build_dataset

    data = build_dataset(app, monkeypatch)
    AuthActions(client).login(GITA, "Tugas-Belajar-2026")
    with app.app_context():
        db.session.execute(sa.delete(Enrollment).where(
            Enrollment.user_id == data["ids"][ANDI], Enrollment.course_id == data["etika"]))
        # Every cell stale, its stored figures wrong: the page must recompute them all.
        db.session.execute(sa.update(ReportCell).values(version=ReportCell.version + 1,
                                                        enrolled=0))
        db.session.commit()
        expected = full_overview()
    page = client.get("/admin/reports")
    assert page.status_code == 200
    with app.app_context():
        db.session.remove()
        assert _stale_count() == 0
        assert cell_overview() == expected
    # Now fresh: the page reads the cells in one statement and writes nothing.
    with recorded_sql(app) as statements:
        assert client.get("/admin/reports").status_code == 200
    assert statements.writes == []
    assert len([s for s in statements if "report_cells" in s]) == 1
    assert len(statements) <= 6  # session, cells, courses, units, and the filters' choices


@pytest.mark.skipif(not POSTGRESQL, reason="row locks between concurrent transactions are "
                    "PostgreSQL's; SQLite runs one writer at a time")
def test_the_page_cannot_deadlock_with_a_writer_bumping_two_cells(app, monkeypatch):
    with app.app_context():
        ids = _setup()
        cell_overview()
        for index in (1, 2):  # BKPSDM, DISHUB: two new cells of the first course, stale
            progress.enrol(db.session.get(User, ids["users"][index]),
                           db.session.get(Course, ids["courses"][0]))
        db.session.commit()
    real_select = report_cells.cell_figures_select
    errors, timers = [], []

    def writer_takes_the_second_cell_then_the_first(*args, **kwargs):
        # The writer holds the DISHUB cell (user 5) and, a moment later, bumps the
        # BKPSDM cell (user 7), which the page stores first. Had the page waited for
        # the DISHUB cell, each would wait for the other.
        connection, transaction = _enrol_elsewhere(app, ids, 5)

        def then_the_first():
            try:
                connection.execute(sa.insert(Enrollment).values(
                    user_id=ids["users"][7], course_id=ids["courses"][0]))
                transaction.commit()
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        timers.append(threading.Timer(0.5, then_the_first))
        timers[0].start()
        return real_select(*args, **kwargs)

    with app.app_context():
        monkeypatch.setattr(report_cells, "cell_figures_select",
                            writer_takes_the_second_cell_then_the_first)
        cell_overview()
        monkeypatch.setattr(report_cells, "cell_figures_select", real_select)
        timers[0].join()
        assert errors == []
        assert _stale_count() == 2  # both bumped by the writer after the page read them
        assert_cells_match("after the writer")
        assert {c.slug: c.enrolled for c in cell_overview()[0]}["pelayanan-publik"] == 4
