"""Attempts: layout per attempt, limits, double submit, best score, no leaking answers."""

import re

import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import ModuleProgress, QuizAttempt

from ..conftest import csrf_token
from ..content.helpers import QUIZ_MD
from .conftest import SLUG, answers_for, attempt_id, course_files, quiz_key_map


def _attempts(app):
    with app.app_context():
        return db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.number)).all()


def test_correct_answers_and_explanations_never_reach_the_page_before_submitting(
        app, course, learner):
    quiz_page = learner.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    url = learner.attempt_url()
    html = learner.client.get(url).get_data(as_text=True)
    for page in (quiz_page, html):
        text = page.split("<main", 1)[1]
        assert "Standar memberi kepastian." not in text  # an explanation
        assert "ASN terdiri atas PNS dan PPPK." not in text
        assert "Aparatur Sipil Negara" not in text  # the accepted short answer
        assert "correct" not in text.lower()
    assert "Apa tujuan standar pelayanan?" in html
    assert html.count('type="radio"') == 3 + 2 and html.count('type="checkbox"') == 3


def test_option_order_is_stable_within_an_attempt(app, learner, course):
    url = learner.attempt_url()

    def order():
        html = learner.client.get(url).get_data(as_text=True)
        return re.findall(r'name="q-[^"]+" value="([^"]+)"', html)

    first = order()
    assert first == order() == order()
    # Starting again while the attempt is open returns the same attempt.
    assert learner.attempt_url() == url


def test_shuffle_gives_attempts_their_own_order(app, make_user, auth, client):
    shuffled = QUIZ_MD.replace("shuffle: true", "shuffle: true\nshuffle_questions: true") \
        .replace("max_attempts: 2", "max_attempts: 0")
    with app.app_context():
        save_course(course_files({"03-kuis.md": shuffled}))
        db.session.commit()
    from .conftest import Learner

    account = make_user("learner")
    auth.login(account.nip)
    learner = Learner(client)
    orders = set()
    for _ in range(8):
        url = learner.attempt_url()
        html = learner.client.get(url).get_data(as_text=True)
        orders.add(tuple(re.findall(r'name="(q-[^"]+)" value="([^"]+)"', html)))
        learner.submit(url, answers_for(app, correct=False))
    assert len(orders) > 1


def test_attempt_limit_is_enforced(app, course, learner):
    for _ in range(2):  # the quiz allows 2 attempts
        url = learner.attempt_url()
        learner.submit(url, answers_for(app, correct=False))
    response = learner.start_quiz()
    assert response.status_code == 302
    page = learner.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anda sudah menggunakan seluruh 2 kesempatan untuk kuis ini." in page
    assert len(_attempts(app)) == 2


def test_second_submit_of_the_same_attempt_is_recorded_once(app, course, learner):
    url = learner.attempt_url()
    first = learner.submit(url, answers_for(app, correct=False))
    assert first.status_code == 302
    again = learner.submit(url, answers_for(app, correct=True))  # resent form, new answers
    assert again.status_code == 302
    attempts = _attempts(app)
    assert len(attempts) == 1
    assert attempts[0].score == 0.0 and attempts[0].passed is False
    with app.app_context():
        progress = db.session.scalar(sa.select(ModuleProgress).where(
            ModuleProgress.best_score.is_not(None)))
        assert progress.best_score == 0.0 and progress.completed_at is None


def test_result_page_shows_score_pass_and_feedback_per_question(app, course, learner):
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True))
    html = learner.client.get(url).get_data(as_text=True)
    assert "Nilai 100 dari 100" in html and "Lulus" in html
    assert "Standar memberi kepastian." in html  # explanations once passed
    assert html.count("✔ Jawaban Anda tepat</strong>") == 4


def test_best_score_is_kept_and_passing_completes_the_quiz(app, course, learner):
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=False))
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True))
    with app.app_context():
        row = db.session.scalar(sa.select(ModuleProgress).where(
            ModuleProgress.best_score.is_not(None)))
        assert row.best_score == 100.0 and row.completed_at is not None
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "lulus, nilai terbaik 100" in page and "100.0" not in page


def test_a_passed_quiz_cannot_be_taken_again(app, course, learner):
    """Once passed, the answers are revealed: another attempt would prove nothing."""
    learner.submit(learner.attempt_url(), answers_for(app, correct=True))
    response = learner.start_quiz()
    page = learner.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anda sudah lulus kuis ini." in page
    assert len(_attempts(app)) == 1


def test_partial_multiple_choice_shows_as_partly_correct(app, course, learner):
    data = answers_for(app, correct=True)
    multiple = next(q for q in __import__("tests.learn.conftest", fromlist=["x"]).quiz_key_map(
        app).values() if q["kind"] == "multiple")
    data[f"q-{multiple['key']}"] = [o["key"] for o in multiple["options"] if o["correct"]][:1]
    url = learner.attempt_url()
    learner.submit(url, data)
    attempt = _attempts(app)[0]
    # 5 points in all; the 2-point question earned 1: 4 of 5 = 80 %.
    assert attempt.score == 80.0 and attempt.passed
    assert "Sebagian tepat" in learner.client.get(url).get_data(as_text=True)


def test_answers_naming_unknown_options_are_ignored(app, course, learner):
    url = learner.attempt_url()
    data = {k: (["bukan-opsi"] if isinstance(v, list) else "jawaban keliru")
            for k, v in answers_for(app).items()}
    learner.submit(url, data)
    assert _attempts(app)[0].score == 0.0
    assert attempt_id(url) == _attempts(app)[0].id


def test_result_page_numbers_follow_the_language(app, course, learner):
    """Points are counted in words that agree with the number, and numbers are
    written as the language writes them: "1 of 1 point", "½" as "0,5" in Indonesian."""
    data = answers_for(app, correct=True)
    multiple = next(q for q in quiz_key_map(app).values() if q["kind"] == "multiple")
    data[f"q-{multiple['key']}"] = [o["key"] for o in multiple["options"] if o["correct"]][:1]
    url = learner.attempt_url()
    learner.submit(url, data)
    html = learner.client.get(url).get_data(as_text=True)
    assert "Nilai 80 dari 100" in html and "1 dari 2 poin" in html and "1 dari 1 poin" in html
    page = learner.client.get("/").get_data(as_text=True)
    learner.client.post("/language", data={"locale": "en", "csrf_token": csrf_token(page)})
    html = learner.client.get(url).get_data(as_text=True)
    assert "Score 80 of 100" in html and "1 of 2 points" in html and "1 of 1 point<" in html
    assert not re.search(r"\d\.\d", html.split("<main", 1)[1])
