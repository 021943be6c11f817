"""A learner never sees another learner's progress or attempts."""

from ..conftest import AuthActions
from .conftest import SLUG, Learner, answers_for


def test_another_learners_attempt_is_not_found(app, course, learner, make_user):
    url = learner.attempt_url()
    learner.submit(url, answers_for(app, correct=True))
    other_account = make_user("learner", nip="199001012015012003")
    other_client = app.test_client()
    AuthActions(other_client).login(other_account.nip)
    assert other_client.get(url).status_code == 404
    token_page = other_client.get("/").get_data(as_text=True)
    from ..conftest import csrf_token

    response = other_client.post(url, data={"csrf_token": csrf_token(token_page)})
    assert response.status_code == 404
    # Nor can answers be saved into it.
    saved = other_client.post(url + "/save", data={"csrf_token": csrf_token(token_page)})
    assert saved.status_code == 404


def test_progress_and_scores_are_per_learner(app, course, learner, make_user):
    learner.complete("pengantar")
    learner.submit(learner.attempt_url(), answers_for(app, correct=True))
    other_account = make_user("learner", nip="199001012015012003")
    other = Learner(app.test_client())
    AuthActions(other.client).login(other_account.nip)
    page = other.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "selesai</span>" not in page and "nilai terbaik" not in page
    assert page.count("belum dimulai") == 3
    quiz = other.client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    assert "Percobaan 1" not in quiz and "Nilai terbaik Anda" not in quiz
    dashboard = other.client.get("/").get_data(as_text=True)
    assert "<strong>0</strong> / 20 JP" in dashboard
