"""The main blueprint: health check and the language switch."""

from elearn import create_app

from ..conftest import AuthActions, csrf_token


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    url = f"sqlite:///{tmp_path}/missing-dir/db.sqlite3"
    app = create_app({"DATABASE_URL": url}, profile="test", instance_path=str(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] is False


def test_indonesian_is_the_default_and_english_is_remembered_per_user(app, client, auth,
                                                                      make_user):
    account = make_user("learner")
    login_page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in login_page
    assert "Masuk" in login_page
    auth.login(account.nip)
    page = client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/", "csrf_token": csrf_token(page)})
    assert "My Learning" in client.get("/").get_data(as_text=True)
    # A new browser session for the same person keeps English.
    other = app.test_client()
    AuthActions(other).login(account.nip)
    english = other.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "My Learning" in english and "Pembelajaran Saya" not in english


def test_visitor_language_choice_applies_to_the_sign_in_page(client):
    page = client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/login",
                                   "csrf_token": csrf_token(page)})
    assert "Sign in" in client.get("/login").get_data(as_text=True)
