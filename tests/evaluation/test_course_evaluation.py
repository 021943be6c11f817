"""Course evaluations: after completion only, one per learner and course, editable
for 14 days, every question rated 1-5; a required evaluation holds the certificate
back until it is given. Module feedback: one answer per learner and module."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning.evaluation import (
    DEFAULT_QUESTIONS,
    EDIT_DAYS,
    QuestionFileError,
    load_questions,
)
from elearn.models import (
    Certificate,
    CourseEvaluation,
    EvaluationRating,
    ModuleFeedback,
)
from elearn.models.people import utcnow

from ..content.helpers import COURSE_MD
from .conftest import SLUG, pretest_course


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _ratings(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(
            sa.select(EvaluationRating.question_key, EvaluationRating.rating)).all())


def test_a_course_is_evaluated_only_after_completing_it(app, course, learner):
    response = learner.evaluate()
    assert response.status_code == 302 and response.headers["Location"].endswith(SLUG)
    assert _count(app, CourseEvaluation) == 0
    assert "/evaluation" not in learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)


def test_the_evaluation_records_every_rating_and_the_comment(app, course, learner):
    learner.finish()
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert f'href="/courses/{SLUG}/evaluation"' in page
    learner.evaluate(comment="  Materinya relevan.  ")
    assert _ratings(app) == {"relevance": 5, "clarity": 4, "method": 4, "overall": 5}
    with app.app_context():
        assert db.session.scalar(sa.select(CourseEvaluation.comment)) == "Materinya relevan."


@pytest.mark.parametrize("ratings", [
    {"relevance": 5, "clarity": 4, "method": 4},  # one missing
    {"relevance": 5, "clarity": 4, "method": 4, "overall": 6},
    {"relevance": 5, "clarity": 4, "method": 4, "overall": 0},
    {"relevance": 5, "clarity": 4, "method": 4, "overall": "x"},
    {"relevance": 5, "clarity": 4, "method": 4, "overall": "44"},
])
def test_an_incomplete_or_out_of_range_evaluation_is_refused_whole(app, course, learner,
                                                                    ratings):
    learner.finish()
    response = learner.evaluate(ratings)
    assert response.status_code == 200
    assert "Beri setiap pertanyaan nilai dari 1 sampai 5." in response.get_data(as_text=True)
    assert _count(app, CourseEvaluation) == 0 and _count(app, EvaluationRating) == 0


def test_a_comment_over_the_limit_is_refused(app, course, learner):
    learner.finish()
    response = learner.evaluate(comment="x" * 2001)
    assert "lebih dari 2000 karakter" in response.get_data(as_text=True)
    assert _count(app, CourseEvaluation) == 0


def test_one_evaluation_per_learner_and_course_changed_in_place(app, course, learner):
    learner.finish()
    learner.evaluate()
    learner.evaluate({"relevance": 1, "clarity": 2, "method": 3, "overall": 2}, "Kurang.")
    assert _count(app, CourseEvaluation) == 1
    assert _ratings(app) == {"relevance": 1, "clarity": 2, "method": 3, "overall": 2}
    with app.app_context():
        evaluation = db.session.scalar(sa.select(CourseEvaluation))
        db.session.add(CourseEvaluation(user_id=evaluation.user_id,
                                        course_id=evaluation.course_id))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_the_evaluation_can_be_changed_for_14_days_only(app, course, learner):
    learner.finish()
    learner.evaluate()
    with app.app_context():
        evaluation = db.session.scalar(sa.select(CourseEvaluation))
        evaluation.created_at = utcnow() - timedelta(days=EDIT_DAYS) + timedelta(minutes=5)
        db.session.commit()
    learner.evaluate({"relevance": 3, "clarity": 3, "method": 3, "overall": 3})
    assert _ratings(app)["overall"] == 3  # still inside the window
    with app.app_context():
        evaluation = db.session.scalar(sa.select(CourseEvaluation))
        evaluation.created_at = utcnow() - timedelta(days=EDIT_DAYS, minutes=1)
        db.session.commit()
    response = learner.evaluate({"relevance": 1, "clarity": 1, "method": 1, "overall": 1})
    assert "waktunya sudah lewat" in response.get_data(as_text=True)
    assert _ratings(app)["overall"] == 3
    page = learner.client.get(f"/courses/{SLUG}/evaluation").get_data(as_text=True)
    assert "tidak dapat diubah lagi" in page and "<form method=\"post\" class=\"evaluation\"" \
        not in page


@pytest.fixture
def required_course(app):
    with app.app_context():
        save_course(pretest_course(COURSE_MD.replace("competency: teknis\n",
                                                     "competency: teknis\nevaluation: required\n")))
        db.session.commit()
    return SLUG


def test_a_required_evaluation_holds_the_certificate_until_it_is_given(app, required_course,
                                                                      learner):
    learner.finish()
    assert _count(app, Certificate) == 0
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Sertifikat Anda terbit setelah Anda mengisi evaluasi kursus ini." in page
    dashboard = learner.client.get("/").get_data(as_text=True)
    assert f'href="/courses/{SLUG}/evaluation"' in dashboard
    response = learner.evaluate()
    assert _count(app, Certificate) == 1
    learner.client.get(response.headers["Location"])
    learner.evaluate({"relevance": 2, "clarity": 2, "method": 2, "overall": 2})
    assert _count(app, Certificate) == 1  # a change issues nothing more


def test_without_a_required_evaluation_the_certificate_comes_at_completion(app, course,
                                                                          learner):
    learner.finish()
    assert _count(app, Certificate) == 1


def test_the_questions_come_from_the_installations_file(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text("- key: manfaat\n  id: Manfaat bagi tugas\n  en: Use for my work\n"
                    "- key: narasumber\n  id: Penguasaan narasumber\n", encoding="utf-8")
    questions = load_questions(str(path))
    assert [(q.key, q.text("id"), q.text("en")) for q in questions] == [
        ("manfaat", "Manfaat bagi tugas", "Use for my work"),
        ("narasumber", "Penguasaan narasumber", "Penguasaan narasumber")]
    assert load_questions("") == DEFAULT_QUESTIONS


@pytest.mark.parametrize(("text", "message"), [
    ("- key: a\n  id: [unclosed\n", ":2: not valid YAML"),
    ("key: a\n", ":1: expected a list of questions"),
    ("- key: Bad Key\n  id: Teks\n", "question 1: key must be lower-case"),
    ("- key: a\n  id: Satu\n- key: a\n  id: Dua\n", "question 2: key 'a' is used twice"),
    ("- key: a\n  en: Only English\n", "question 1: 'id' (Indonesian text) is required"),
])
def test_a_broken_questions_file_is_refused_with_where_and_why(tmp_path, text, message):
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionFileError, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        load_questions(str(path))


def _feedback(app):
    with app.app_context():
        return [(f.helpful, f.comment) for f in db.session.scalars(sa.select(ModuleFeedback))]


def _give(learner, helpful, comment="", module="pengantar"):
    return learner.post(f"/courses/{SLUG}/{module}/feedback",
                        {"helpful": helpful, "comment": comment},
                        page=f"/courses/{SLUG}/{module}")


def test_module_feedback_is_one_answer_per_learner_and_module(app, course, learner):
    learner.client.post(f"/courses/{SLUG}/enrol",
                        data={"csrf_token": learner.token(f"/courses/{SLUG}")})
    page = learner.client.get(f"/courses/{SLUG}/pengantar").get_data(as_text=True)
    assert "Apakah modul ini membantu?" in page
    _give(learner, "yes", "Jelas sekali.")
    assert _feedback(app) == [(True, "Jelas sekali.")]
    _give(learner, "no")
    assert _feedback(app) == [(False, None)]
    page = learner.client.get(f"/courses/{SLUG}/pengantar").get_data(as_text=True)
    assert 'value="no" aria-pressed="true"' in page


def test_module_feedback_refuses_bad_input_and_learners_not_enrolled(app, course, learner):
    def refused(response, message):
        assert response.status_code == 302
        page = learner.client.get(response.headers["Location"]).get_data(as_text=True)
        assert message in page

    refused(_give(learner, "yes"), "Daftar ke kursus ini untuk memberi masukan")
    learner.client.post(f"/courses/{SLUG}/enrol",
                        data={"csrf_token": learner.token(f"/courses/{SLUG}")})
    refused(_give(learner, "maybe"), "Pilih ya atau tidak.")
    refused(_give(learner, "yes", "x" * 2001), "Komentar lebih dari 2000 karakter.")
    assert _feedback(app) == []
    assert learner.client.post(f"/courses/{SLUG}/pengantar/feedback",
                               data={"helpful": "yes"}).status_code == 400  # no CSRF token
