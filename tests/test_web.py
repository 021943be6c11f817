"""Health check, language, layout budget, static caching, error pages."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from elearn import create_app

from .conftest import AuthActions, csrf_token

ROOT = Path(__file__).resolve().parent.parent


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


def test_every_ui_string_has_an_indonesian_translation():
    po = ROOT / "elearn/translations/id/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    method_map = [("elearn/**.py", "python"), ("elearn/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
                "ngettext": (1, 2)}
    missing = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid not in translated:
            missing.add(msgid)
    assert not missing, f"untranslated (run make extract-messages): {sorted(missing)}"


def _assets(html: str) -> list[str]:
    return re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)


def test_pages_load_nothing_from_another_host_and_stay_under_30kb(client, auth, make_user):
    account = make_user("admin")
    pages = [client.get("/login").get_data(as_text=True)]
    auth.login(account.nip)
    pages += [client.get(p).get_data(as_text=True) for p in ("/", "/admin/users")]
    for html in pages:
        assets = _assets(html)
        assert assets
        total = 0
        for url in assets:
            assert url.startswith("/") and not url.startswith("//"), url
            with client.get(url) as response:
                assert response.status_code == 200
                if url.split("?")[0].endswith((".css", ".js")):
                    total += len(response.data)
        assert total <= 30 * 1024


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    css = next(u for u in _assets(html) if ".css" in u)
    assert re.search(r"\?v=[0-9a-f]{12}$", css)
    with client.get(css) as response:
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_responses_carry_a_same_origin_content_security_policy(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html and 'class="site"' in html


def test_server_error_is_a_500_in_the_site_layout(tmp_path):
    app = create_app({"PROPAGATE_EXCEPTIONS": False}, profile="test",
                     instance_path=str(tmp_path))

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)
