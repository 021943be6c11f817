"""Issue 13's query budget: a signed-in learner's lesson, course, dashboard and catalog
pages each run at most four SQL statements, counting everything the request sends to
the database (the session and user lookup, the locale, the page's reads, progress and
any write), and the same number for a two-module course as for a fifteen-module one
with a learner who has many courses, assignments and completions. A repeat view of a
lesson page writes nothing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from elearn.certificates.issue import CertificateSettings
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning.completion import complete_course_if_done
from elearn.learning.progress import enrol, progress_row, published_modules
from elearn.models import Assignment, Course, User
from elearn.models.people import utcnow

from ..conftest import AuthActions, recorded_sql
from ..learn.test_query_bounds import _course

BUDGET = 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\5" * 16
SMALL_NIP = "199204112019031005"
LARGE_NIP = "199305122020122001"


def _add_course(slug: str, lessons: int, *, restricted: bool = False,
                cover: bool = False) -> Course:
    files = _course(slug, lessons)
    front = b"jp: 2" + (b"\nrestricted: true" if restricted else b"") + (
        b"\ncover: media/sampul.png" if cover else b"")
    files.files["course.md"] = files.files["course.md"].replace(b"jp: 2", front)
    if cover:
        files.files["media/sampul.png"] = PNG
    save_course(files)
    db.session.flush()
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def _progress(user: User, course: Course, done: int) -> None:
    """Enrol ``user`` and complete the first ``done`` modules (quizzes with a score)."""
    enrol(user, course)
    for module in published_modules(course)[:done]:
        row = progress_row(user, module)
        row.completed_at = utcnow()
        if module.kind == "quiz":
            row.best_score = 80.0
    db.session.flush()


def _signed_in(app, account) -> AuthActions:
    auth = AuthActions(app.test_client())
    assert auth.login(account.nip).status_code == 302
    return auth


def _build(app, make_user):
    """A learner with one two-module course, and a learner with a fifteen-module course
    (with a cover image) among seven enrolled courses (three completed, with
    certificates) and four assigned ones (to the unit and to the person, one
    restricted, some with due dates)."""
    small = make_user("learner", SMALL_NIP, unit_code="DISKOMINFO")
    large = make_user("learner", LARGE_NIP, unit_code="BAPPEDA")
    settings = CertificateSettings.from_config(app.config)
    with app.app_context():
        small_user, large_user = db.session.get(User, small.id), db.session.get(User, large.id)
        _progress(small_user, _add_course("kecil", 1), 1)
        big = _add_course("besar", 14, cover=True)
        _progress(large_user, big, 9)
        for i in range(6):
            course = _add_course(f"kursus-{i}", 14)
            _progress(large_user, course, 15 if i < 3 else 4)
            if i < 3:
                assert complete_course_if_done(large_user, course, settings) is not None
        today = date.today()
        for i in range(4):
            course = _add_course(f"wajib-{i}", 14, restricted=i == 0)
            target = {"unit_id": large_user.unit_id} if i % 2 else {"user_id": large_user.id}
            db.session.add(Assignment(course_id=course.id, due_date=today + timedelta(days=i)
                                      if i < 3 else None, **target))
        db.session.add(Assignment(course_id=big.id, user_id=large_user.id, due_date=today))
        db.session.commit()
    return _signed_in(app, small), _signed_in(app, large)


def _pages(slug: str, lesson: str) -> dict[str, str]:
    return {"lesson": f"/courses/{slug}/{lesson}", "course": f"/courses/{slug}",
            "dashboard": "/", "catalog": "/courses"}


def _count(app, browser: AuthActions, path: str) -> int:
    browser.client.get(path)  # the first view may write (the progress row, the place to continue)
    with recorded_sql(app) as statements:
        response = browser.client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.fixture
def learners(app, make_user):
    return _build(app, make_user)


def test_each_page_runs_at_most_four_queries_whatever_the_course_size(app, learners):
    small, large = learners
    counts = {
        "small": {page: _count(app, small, path)
                  for page, path in _pages("kecil", "materi-1").items()},
        "large": {page: _count(app, large, path)
                  for page, path in _pages("besar", "materi-7").items()},
    }
    assert counts["small"] == counts["large"], counts
    assert max(counts["large"].values()) <= BUDGET, counts
    # The large course's page shows its cover, read within those queries.
    assert "/media/sampul.png" in large.client.get("/courses/besar").get_data(as_text=True)


def test_the_dashboard_is_one_query_after_the_session_lookup(app, learners):
    """Courses, progress, due dates, certificates and the year's JP in one statement."""
    __, large = learners
    assert _count(app, large, "/") == 2


def test_lesson_course_and_catalog_pages_are_one_query_after_the_session_lookup(
        app, learners):
    """The course (with the module on a module page) and its outline with the
    learner's progress in one statement (learning/outline_items.py); the catalog's
    page with the count of every match in its rows."""
    __, large = learners
    assert _count(app, large, "/courses/besar/materi-7") == 2
    assert _count(app, large, "/courses/besar") == 2
    assert _count(app, large, "/courses") == 2


def test_a_quiz_module_page_stays_within_the_budget_whatever_the_course_size(app, learners):
    """The quiz box also reads the learner's attempts; the lessons still to complete
    come from the progress the page already has."""
    small, large = learners
    counts = [_count(app, small, "/courses/kecil/kuis"), _count(app, large, "/courses/besar/kuis")]
    assert counts[0] == counts[1] <= BUDGET, counts


def test_a_repeat_view_of_a_lesson_writes_nothing(app, learners):
    __, large = learners
    with recorded_sql(app) as first:
        assert large.client.get("/courses/besar/materi-12").status_code == 200
    assert first.writes, "the first view records the visit (reading time, where to continue)"
    for path in ("/courses/besar/materi-12", "/courses/besar/materi-12"):
        with recorded_sql(app) as again:
            assert large.client.get(path).status_code == 200
        assert again.writes == [], again.writes
        assert len(again) <= BUDGET, list(again)


def test_the_current_certificate_condition_is_written_into_the_sql_not_bound(app, learners):
    """``certificates.status <> 'replaced'`` decides whether the partial index
    uq_certificates_current applies; bound as a parameter, SQLite plans the statement
    again on every execution (ten times the course page query's cost)."""
    __, large = learners
    seen = []
    for path in _pages("besar", "materi-7").values():
        with recorded_sql(app) as statements:
            assert large.client.get(path).status_code == 200
        seen += [s for s in statements if "certificates.status" in s]
    assert any("certificates.status != 'replaced'" in s for s in seen), seen
    for statement in seen:
        assert not re.search(r"certificates\.status (!=|<>) (\?|%\(|\$)", statement), statement


def test_course_and_module_links_built_from_one_base_url_are_the_routes_urls(app, learners):
    """The catalog, dashboard, course and lesson pages write course and module links as
    the course list's URL plus the slugs (no url_for per row): each is the route's own
    URL and opens its page."""
    __, large = learners
    with app.test_request_context():
        expected = {url_for("learn.course", slug="besar"),
                    url_for("learn.module", slug="besar", module_slug="materi-2")}
    seen = set()
    for path in _pages("besar", "materi-7").values():
        html = large.client.get(path).get_data(as_text=True)
        seen |= set(re.findall(r'href="(/courses/[a-z0-9-]+(?:/[a-z0-9-]+)?)"', html))
    assert expected <= seen, sorted(seen)
    for link in sorted(seen):
        assert large.client.get(link).status_code == 200, link
