"""The insights page's figures on a known dataset, and who sees what.

Six learners of a course with a pre-test, two lessons and a post-test:

| learner | unit | pre-test | pengantar | standar | kuis (best) | completed (days) |
|---------|------|----------|-----------|---------|-------------|------------------|
| A       | U1   | 40       | done      | done    | 80          | 4                |
| B       | U2   | 60       | done      | done    | 90          | 10               |
| C       | U1   | 20       | opened    | -       | -           | -                |
| D       | U2   | -        | done      | opened  | -           | -                |
| E       | -    | -        | -         | -       | -           | -                |
| F       | U2   | -        | done      | done    | 70          | 1                |
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import (
    Course,
    CourseCompletion,
    CourseEvaluation,
    Enrollment,
    EvaluationRating,
    ModuleFeedback,
    ModuleProgress,
)
from elearn.models.people import utcnow
from elearn.people.services import PersonData, create_user, upsert_unit
from elearn.reporting import insights, insights_people

from ..conftest import NIPS, PASSWORD, recorded_sql
from .conftest import SLUG

PEOPLE = {  # name: (unit, pre, {module: done?}, post, completed after days)
    "A": ("U1", 40, {"pengantar": True, "standar": True}, 80, 4),
    "B": ("U2", 60, {"pengantar": True, "standar": True}, 90, 10),
    "C": ("U1", 20, {"pengantar": False}, None, None),
    "D": ("U2", None, {"pengantar": True, "standar": False}, None, None),
    "E": (None, None, {}, None, None),
    "F": ("U2", None, {"pengantar": True, "standar": True}, 70, 1),
}
RATINGS = {"A": ({"relevance": 5, "clarity": 4, "method": 3, "overall": 4}, "Bagus"),
           "B": ({"relevance": 3, "clarity": 4, "method": 5, "overall": 5}, None)}
FEEDBACK = [("A", "pengantar", True, "Jelas"), ("B", "pengantar", False, None),
            ("D", "standar", True, None)]


def _build(app) -> dict[str, int]:
    """The dataset above; learner name -> user id."""
    now = utcnow()
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        modules = {m.slug: m.id for m in course.modules}
        ids = {}
        for number, (name, (unit, pre, lessons, post, days)) in enumerate(PEOPLE.items(), 1):
            if unit:
                upsert_unit(unit, f"Unit {unit}")
            user = create_user(PersonData(nip=f"198505052010011{number:03d}",
                                          full_name=f"Peserta {name}",
                                          role="learner", unit_code=unit), PASSWORD)
            db.session.flush()
            ids[name] = user.id
            start = now - timedelta(days=20)
            db.session.add(Enrollment(user_id=user.id, course_id=course.id, enrolled_at=start))
            rows = [("pretes", pre is not None, pre)] if pre is not None else []
            rows += [(slug, done, None) for slug, done in lessons.items()]
            rows += [("kuis", True, post)] if post is not None else []
            for slug, done, score in rows:
                db.session.add(ModuleProgress(user_id=user.id, module_id=modules[slug],
                                              completed_at=now if done else None,
                                              best_score=score))
            if days is not None:
                db.session.add(CourseCompletion(user_id=user.id, course_id=course.id,
                                                course_version=1, jp=2,
                                                completed_at=start + timedelta(days=days)))
        for name, (ratings, comment) in RATINGS.items():
            db.session.add(CourseEvaluation(
                user_id=ids[name], course_id=course.id, comment=comment,
                ratings=[EvaluationRating(question_key=k, rating=v) for k, v in ratings.items()]))
        for name, slug, helpful, comment in FEEDBACK:
            db.session.add(ModuleFeedback(user_id=ids[name], module_id=modules[slug],
                                          helpful=helpful, comment=comment))
        db.session.commit()
        return {"course": course.id, **ids}


@pytest.fixture
def data(app, course):
    return _build(app)


def test_the_funnel_counts_each_step_and_finds_where_learners_stop(app, data):
    with app.app_context():
        funnel = insights.funnel(data["course"])
    assert (funnel.enrolled, funnel.passed) == (6, 3)
    assert [(s.slug, s.opened, s.completed, s.drop_off, s.largest_drop) for s in funnel.steps] == [
        ("pretes", 3, 3, 3, False), ("pengantar", 5, 4, 2, True),
        ("standar", 4, 3, 1, False), ("kuis", 3, 3, 0, False)]
    assert funnel.completion_rate == 0.5


def test_time_to_complete_is_the_mean_and_median_of_days_from_enrolment(app, data):
    with app.app_context():
        time = insights.time_to_complete(data["course"])
    assert time.completed == 3
    assert time.mean_days == pytest.approx(5.0, abs=1e-6)
    assert time.median_days == pytest.approx(4.0, abs=1e-6)


def test_gains_average_the_learners_with_both_scores_overall_and_per_unit(app, data):
    with app.app_context():
        gains = insights.gains(data["course"])
    assert gains.has_pretest
    assert (gains.overall.learners, gains.overall.pre, gains.overall.post, gains.overall.gain) \
        == (2, 50.0, 85.0, 35.0)
    assert [(g.label, g.learners, g.pre, g.post, g.gain) for g in gains.by_unit] == [
        ("Unit U1", 1, 40.0, 80.0, 40.0), ("Unit U2", 1, 60.0, 90.0, 30.0)]


def test_evaluations_give_means_distributions_and_the_response_rate(app, data):
    with app.app_context():
        summary = insights.evaluation_summary(
            data["course"], ["relevance", "clarity", "method", "overall", "gone"])
    assert (summary.evaluations, summary.completions) == (2, 3)
    assert summary.response_rate == pytest.approx(2 / 3)
    assert [(q.key, q.responses, q.mean, q.distribution) for q in summary.questions] == [
        ("relevance", 2, 4.0, (0, 0, 1, 0, 1)), ("clarity", 2, 4.0, (0, 0, 0, 2, 0)),
        ("method", 2, 4.0, (0, 0, 1, 0, 1)), ("overall", 2, 4.5, (0, 0, 0, 1, 1)),
        ("gone", 0, None, (0, 0, 0, 0, 0))]


def test_module_feedback_counts_yes_no_and_comments_per_lesson(app, data):
    with app.app_context():
        rows = insights.module_feedback(data["course"])
    assert [(r.title, r.helpful, r.not_helpful, r.comments) for r in rows] == [
        ("Pengantar", 1, 1, 1), ("Standar", 1, 0, 0)]
    assert rows[0].helpful_share == 0.5


def test_the_learners_list_shows_progress_best_score_and_completion(app, data):
    with app.app_context():
        page = insights_people.learners_page(data["course"], page=1, per_page=4)
        searched = insights_people.learners_page(data["course"], page=1, per_page=4,
                                                 q="peserta c")
    assert page.total == 6 and page.pages == 2
    assert [(r.name, r.unit, r.done, r.total, r.best_score, r.completed_at is not None)
            for r in page.items] == [
        ("Peserta A", "Unit U1", 3, 3, 80.0, True), ("Peserta B", "Unit U2", 3, 3, 90.0, True),
        ("Peserta C", "Unit U1", 0, 3, None, False), ("Peserta D", "Unit U2", 1, 3, None, False)]
    assert [r.name for r in searched.items] == ["Peserta C"]


def test_a_page_of_figures_costs_the_same_statements_whatever_the_learners(app, course):
    def statements():
        with app.app_context(), recorded_sql(app) as seen:
            course_id = db.session.scalar(sa.select(Course.id))
            insights.funnel(course_id)
            insights.gains(course_id)
            insights.evaluation_summary(course_id, ["overall"])
            insights.module_feedback(course_id)
            insights.time_to_complete(course_id)
            insights_people.learners_page(course_id, page=1, per_page=25)
        return len(seen)

    empty = statements()
    _build(app)
    assert statements() == empty + 1  # the median's read, once there are completions


def _sign_in(client, auth, make_user, role, nip=None):
    account = make_user(role, nip=nip)
    auth.login(account.nip)
    return account


def test_instructors_see_their_own_courses_insights_without_names(app, client, auth, make_user,
                                                                 data):
    _sign_in(client, auth, make_user, "instructor")  # the course lists NIPS["instructor"]
    page = client.get(f"/author/courses/{SLUG}/insights").get_data(as_text=True)
    assert "50 → 85" in page
    assert "Bagus" in page and "Jelas" in page
    comments = client.get(f"/author/courses/{SLUG}/insights/comments").get_data(as_text=True)
    assert "Bagus" in comments and "Jelas" in comments
    assert "Peserta A" not in page and "Peserta A" not in comments
    learners = client.get(f"/author/courses/{SLUG}/insights/learners").get_data(as_text=True)
    assert "Unit U1" in learners


def test_another_instructor_is_refused(app, client, auth, make_user, data):
    _sign_in(client, auth, make_user, "instructor", nip="199001012015011004")
    for path in ("", "/learners", "/comments"):
        assert client.get(f"/author/courses/{SLUG}/insights{path}").status_code == 403


def test_admins_see_who_wrote_each_comment(app, client, auth, make_user, data):
    _sign_in(client, auth, make_user, "admin")
    comments = client.get(f"/author/courses/{SLUG}/insights/comments").get_data(as_text=True)
    assert comments.count("Peserta A") == 2  # the evaluation and the module comment


def test_learners_cannot_open_insights(app, client, auth, make_user, data):
    _sign_in(client, auth, make_user, "learner", nip=NIPS["learner"])
    assert client.get(f"/author/courses/{SLUG}/insights").status_code == 403
