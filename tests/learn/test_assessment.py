"""Assessments that certify learning, through the web: what a failed attempt reveals,
prerequisites, attempt rules on the pages, blank and partly answered submissions, and
answers that are never lost (autosave, restore, an expired CSRF token). The services'
pools and attempt rules without HTTP: tests/learning/test_quiz.py."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import Module, QuizAttempt
from elearn.models.people import utcnow

from ..conftest import csrf_token
from .conftest import (
    SLUG,
    answers_for,
    attempt_id,
    configure_quiz,
    option_tokens,
    quiz_key_map,
)

EXPLANATION = "Standar memberi kepastian."
SHORT_ANSWER = "Aparatur Sipil Negara"


def _attempts(app) -> list[QuizAttempt]:
    with app.app_context():
        return db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.number)).all()


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


# -- review policy -------------------------------------------------------------------

def test_a_failed_attempt_with_attempts_left_reveals_no_answer_under_the_default_policy(
        app, course, learner):
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=False))
    html = _main(learner.client.get(url).get_data(as_text=True))
    assert "Tidak lulus" in html and "Nilai 0 dari 100" in html
    assert html.count("✘ Jawaban Anda tidak tepat") == 4  # which questions were wrong
    assert EXPLANATION not in html and "ASN terdiri atas PNS dan PPPK." not in html
    assert SHORT_ANSWER not in html and "kunci jawaban" not in html.lower().replace(
        "kunci jawaban dan pembahasan ditampilkan", "")
    # No correct option text appears (the learner's wrong choices may).
    for text in ("Memberi kepastian", "Kerja sama"):
        assert text not in html


def test_submit_blank_copy_and_resubmit_no_longer_passes(app, course, learner):
    """The sequence from the issue: a blank attempt, read the answers, submit again."""
    url = learner.attempt_url()
    blank = learner.submit(url, {})
    assert blank.status_code == 200
    assert "Anda belum menjawab satu pertanyaan pun" in blank.get_data(as_text=True)
    assert _attempts(app)[0].submitted_at is None  # no attempt used
    # A wrong attempt then shows no key to copy...
    learner.submit(url, answers_for(app, correct=False))
    result = _main(learner.client.get(url).get_data(as_text=True))
    assert all(text not in result for text in ("Memberi kepastian", SHORT_ANSWER))
    # ...and the option values of the next attempt are new tokens: the values seen on
    # the first page name nothing there.
    first_tokens = set(option_tokens(app, attempt_id(url)).values())
    second = learner.attempt_url()
    second_page = learner.client.get(second).get_data(as_text=True)
    values = set(re.findall(r'name="q-[^"]+" value="([^"]+)"', second_page))
    assert values and not values & first_tokens
    with app.app_context():
        stable_keys = {o["key"] for q in quiz_key_map(app).values() for o in q["options"]}
    assert not values & stable_keys


def test_after_passing_the_answer_key_and_explanations_are_shown(app, course, learner):
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True))
    html = _main(learner.client.get(url).get_data(as_text=True))
    assert EXPLANATION in html and SHORT_ANSWER in html and "kunci jawaban" in html


def test_once_no_attempt_is_left_the_answer_key_is_shown(app, course, learner):
    for _ in range(2):  # the quiz allows two
        url = learner.attempt_url()
        learner.submit(url, answers_for(app, correct=False))
    html = _main(learner.client.get(url).get_data(as_text=True))
    assert EXPLANATION in html and SHORT_ANSWER in html
    # The first attempt's page shows it too now: nothing is left to protect.
    first = url.replace(str(attempt_id(url)), str(_attempts(app)[0].id))
    assert EXPLANATION in learner.client.get(first).get_data(as_text=True)


@pytest.mark.parametrize("policy, after_fail, after_last", [
    ("immediately", True, True),
    ("after_last_attempt", False, True),
    ("never", False, False),
])
def test_each_review_policy_reveals_what_it_promises(app, course, learner, policy,
                                                     after_fail, after_last):
    configure_quiz(app, review_policy=policy)
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=False))
    html = _main(learner.client.get(url).get_data(as_text=True))
    assert (EXPLANATION in html) is after_fail and (SHORT_ANSWER in html) is after_fail
    assert ("Jawaban Anda tidak tepat" in html) is (policy != "never")
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=False))
    html = _main(learner.client.get(url).get_data(as_text=True))
    assert (EXPLANATION in html) is after_last


# -- prerequisites ------------------------------------------------------------------

def test_the_quiz_stays_closed_until_the_lessons_before_it_are_done_with_links(
        app, course, learner):
    learner.complete("pengantar")
    page = learner.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    assert "Kuis terbuka setelah Anda menyelesaikan pelajaran sebelumnya." in page
    assert f'href="/courses/{SLUG}/standar"' in page
    assert f'href="/courses/{SLUG}/pengantar">' not in _main(page).split("Yang belum")[1]
    assert "Mulai kuis" not in page
    response = learner.start_quiz(lessons_first=False)  # the POST is refused on the server
    assert f"/courses/{SLUG}/kuis" in response.headers["Location"]
    assert _attempts(app) == []
    learner.complete("standar")
    assert "/attempts/" in learner.start_quiz(lessons_first=False).headers["Location"]


def test_a_quiz_marked_not_to_wait_for_lessons_opens_at_once(app, course, learner):
    configure_quiz(app, require_lessons=False)
    assert "/attempts/" in learner.start_quiz(lessons_first=False).headers["Location"]


# -- blank and unanswered ---------------------------------------------------------

def test_a_blank_submission_is_refused_and_costs_no_attempt(app, course, learner):
    url = learner.attempt_url()
    for _ in range(3):
        page = learner.submit(url, {}).get_data(as_text=True)
        assert "Anda belum menjawab satu pertanyaan pun" in page
    attempts = _attempts(app)
    assert len(attempts) == 1 and attempts[0].submitted_at is None
    module_page = learner.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    assert "Sisa kesempatan: 2 dari 2" in module_page


def test_unanswered_questions_are_listed_with_links_before_submitting(app, course, learner):
    url = learner.attempt_url()
    data = answers_for(app, correct=True)
    short = next(k for k, v in data.items() if isinstance(v, str))
    del data[short]
    page = learner.submit(url, data, action="submit").get_data(as_text=True)
    assert "1 dari 4 pertanyaan belum dijawab" in page
    number = re.search(r'<a href="#soal-(\d)">pertanyaan \1</a>', page).group(1)
    assert f'id="soal-{number}"' in page
    assert _attempts(app)[0].submitted_at is None
    # The answers given were saved meanwhile; confirming submits them.
    assert _attempts(app)[0].answers is not None
    learner.submit(url, data, action="confirm")
    attempt = _attempts(app)[0]
    assert attempt.submitted_at is not None and attempt.score == 80.0


def test_questions_are_numbered_n_of_total(app, course, learner):
    page = learner.client.get(learner.attempt_url()).get_data(as_text=True)
    assert [f"Pertanyaan {n} dari 4" in page for n in range(1, 5)] == [True] * 4


# -- answers never lost -------------------------------------------------------------

def _autosave(learner, url, data):
    page = learner.client.get(url).get_data(as_text=True)
    proof = re.search(r'name="proof" value="([^"]+)"', page).group(1)
    tokens = option_tokens(learner.client.application, attempt_id(url))
    sent = {k: [tokens[o] for o in v] if isinstance(v, list) else v for k, v in data.items()}
    return learner.client.post(url + "/save", data={"csrf_token": csrf_token(page),
                                                    "proof": proof, **sent})


def test_answers_saved_as_the_learner_goes_come_back_on_reopening(app, course, learner,
                                                                 client):
    url = learner.attempt_url()
    data = answers_for(app, correct=True)
    response = _autosave(learner, url, data)
    assert response.status_code == 200 and response.get_json()["saved"] is True
    # The page is closed; opened again (from the module page, on any device).
    module_page = learner.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    assert "Lanjutkan percobaan" in module_page
    page = learner.client.get(url).get_data(as_text=True)
    tokens = option_tokens(app, attempt_id(url))
    chosen = re.findall(r'value="([^"]+)" checked', page)
    expected = [tokens[o] for v in data.values() if isinstance(v, list) for o in v]
    assert sorted(chosen) == sorted(expected)
    assert f'value="{SHORT_ANSWER}"' in page
    assert "Jawaban tersimpan pukul" in page


def test_the_save_button_without_script_keeps_the_answers(app, course, learner):
    url = learner.attempt_url()
    response = learner.submit(url, answers_for(app, correct=True), action="save")
    assert response.status_code == 302
    attempt = _attempts(app)[0]
    assert attempt.submitted_at is None and attempt.answers[
        next(k for k, v in attempt.answers.items() if isinstance(v, str))] == SHORT_ANSWER


def test_a_submit_after_the_csrf_token_would_have_expired_is_accepted_on_the_attempt_proof(
        app, course, learner, monkeypatch):
    url = learner.attempt_url()
    # CSRF tokens lapse (an hour by default); here after one second, for real.
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 1)
    page = learner.client.get(url).get_data(as_text=True)
    time.sleep(2.1)
    proof = re.search(r'name="proof" value="([^"]+)"', page).group(1)
    tokens = option_tokens(app, attempt_id(url))
    data = {k: [tokens[o] for o in v] if isinstance(v, list) else v
            for k, v in answers_for(app, correct=True).items()}
    lapsed = learner.client.post("/account/sign-out-everywhere",
                                 data={"csrf_token": csrf_token(page), "sure": "y"})
    assert lapsed.status_code == 400  # the token has lapsed indeed
    response = learner.client.post(url, data={"csrf_token": csrf_token(page), "proof": proof,
                                              "action": "confirm", **data})
    assert response.status_code == 302
    attempt = _attempts(app)[0]
    assert attempt.submitted_at is not None and attempt.score == 100.0


def test_a_submit_with_neither_token_nor_proof_comes_back_with_its_answers(
        app, course, learner):
    url = learner.attempt_url()
    tokens = option_tokens(app, attempt_id(url))
    data = {k: [tokens[o] for o in v] if isinstance(v, list) else v
            for k, v in answers_for(app, correct=True).items()}
    response = learner.client.post(url, data={"csrf_token": "lapsed", "action": "confirm",
                                              **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Jawaban Anda masih ada di sini" in page
    assert sorted(re.findall(r'value="([^"]+)" checked', page)) == sorted(
        t for v in data.values() if isinstance(v, list) for t in v)
    assert f'value="{SHORT_ANSWER}"' in page
    # Nothing was written on the strength of that form.
    attempt = _attempts(app)[0]
    assert attempt.submitted_at is None and attempt.answers is None


def test_the_proof_of_one_attempt_does_not_open_another(app, course, learner, make_user,
                                                        client):
    url = learner.attempt_url()
    page = learner.client.get(url).get_data(as_text=True)
    proof = re.search(r'name="proof" value="([^"]+)"', page).group(1)
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        other = QuizAttempt(user_id=learner.account.id, module_id=module.id, number=2,
                            layout={"questions": [], "options": {}})
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    other_url = re.sub(r"/attempts/\d+", f"/attempts/{other_id}", url)
    response = learner.client.post(other_url + "/save", data={"proof": proof})
    assert response.status_code == 400


def test_an_attempt_left_open_past_its_deadline_is_graded_when_next_seen(app, course,
                                                                         learner):
    configure_quiz(app, time_limit_seconds=60)
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True), action="save")
    with app.app_context():
        db.session.execute(sa.update(QuizAttempt).values(
            deadline=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    page = learner.client.get(url).get_data(as_text=True)
    assert "Hasil percobaan 1" in page and "Nilai 100 dari 100" in page
    assert _attempts(app)[0].submitted_at is not None


def test_the_module_page_shows_attempts_left_and_the_rules_before_starting(app, course,
                                                                           learner):
    configure_quiz(app, time_limit_seconds=1800, retry_after_seconds=3600)
    learner.complete("pengantar")
    learner.complete("standar")
    page = learner.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    assert "Sisa kesempatan: 2 dari 2" in page
    assert "Batas waktu: 30 menit per percobaan" in page
    assert "Jeda 1 jam setelah percobaan yang belum lulus" in page
    assert "Batas lulus: 60 dari 100" in page


def test_the_pass_page_links_to_the_certificate(app, course, learner):
    learner.complete("pengantar")
    learner.complete("standar")
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True))
    page = learner.client.get(url).get_data(as_text=True)
    assert "Unduh sertifikat (PDF)" in page
