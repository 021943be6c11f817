"""The layout's header and footer (elearn.layout): stored once per language, role and
current section, they must still show each person their own menu, language, CSRF
token and return address, exactly as rendering them on every request did."""

import re

import pytest
from flask import render_template_string

from ..conftest import AuthActions, csrf_token

MENU = {
    "learner": ["Pembelajaran Saya", "Kursus", "Pemberitahuan", "Kata sandi"],
    "instructor": ["Pembelajaran Saya", "Kursus", "Penyusunan Materi", "Pemberitahuan",
                   "Kata sandi"],
    "admin": ["Pembelajaran Saya", "Kursus", "Penyusunan Materi", "Administrasi",
              "Pemberitahuan", "Kata sandi"],
}


def _header(html: str) -> str:
    return html[html.index('<header class="site">'):html.index("</header>")]


def _menu(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+" (?:aria-current="page")?>([^<]+)</a>', _header(html))


def _current(html: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)</a>', _header(html))


def test_each_role_sees_its_own_menu_in_turn(app, make_user):
    """Three people of three roles take turns in one process: a stored header never
    serves one role's menu to another."""
    clients = {}
    for role in ("admin", "learner", "instructor"):
        clients[role] = app.test_client()
        AuthActions(clients[role]).login(make_user(role).nip)
    for role in ("learner", "admin", "instructor", "admin", "learner"):
        assert _menu(clients[role].get("/courses").get_data(as_text=True)) == MENU[role]


@pytest.mark.parametrize(("path", "current"), [
    ("/", ["Pembelajaran Saya"]),
    ("/courses", ["Kursus"]),
    ("/author/", ["Penyusunan Materi"]),
    ("/admin/users", ["Administrasi"]),
    ("/account/password", ["Kata sandi"]),
    ("/verify", []),
])
def test_the_current_section_is_marked_on_each_page(client, make_user, path, current):
    account = make_user("admin")
    AuthActions(client).login(account.nip)
    page = client.get(path)
    assert page.status_code == 200
    assert _current(page.get_data(as_text=True)) == current


def test_signed_out_pages_have_no_menu_and_no_sign_out_form(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<nav" not in _header(html)
    assert 'action="/logout"' not in html


def test_each_session_gets_its_own_csrf_token_in_the_stored_forms(app, make_user):
    tokens = []
    for role in ("learner", "instructor"):
        account = make_user(role)
        client = app.test_client()
        AuthActions(client).login(account.nip)
        html = client.get("/").get_data(as_text=True)
        found = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert len(found) == 2 and "\ue000" not in html  # sign-out and language forms
        tokens.append(found[0].split(".")[0])
        # The token works: signing out with it ends the session.
        assert client.post("/logout", data={"csrf_token": csrf_token(html)}).status_code == 302
        assert client.get("/").status_code == 302
    assert tokens[0] != tokens[1]


def test_the_footer_returns_to_the_page_with_its_address_escaped(client, make_user):
    account = make_user("learner")
    AuthActions(client).login(account.nip)
    html = client.get('/courses?q="><script>alert(1)</script>').get_data(as_text=True)
    footer = html[html.index('<footer class="site">'):]
    assert "<script>" not in footer
    value = re.search(r'name="next" value="([^"]*)"', footer).group(1)
    assert value.startswith("/courses?q=") and "<" not in value and ">" not in value


def test_the_layout_follows_the_chosen_language(client, make_user):
    account = make_user("learner")
    auth = AuthActions(client)
    auth.login(account.nip)
    html = client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(html)})
    english = client.get("/").get_data(as_text=True)
    assert _menu(english) == ["My Learning", "Courses", "Notifications", "Password"]
    assert '<html lang="en">' in english
    assert re.search(r'value="en" [^>]*aria-pressed="true"', english)
    assert "Skip to content" in english and "Langsung ke isi" not in english


def test_the_stored_fragments_equal_the_layout_rendered_in_full(app, client, make_user):
    """The header and footer as stored equal the old layout's Jinja, rendered on the spot."""
    account = make_user("admin")
    AuthActions(client).login(account.nip)
    html = client.get("/courses").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    with app.test_request_context("/courses"):
        from elearn.layout import CSRF_MARK, NEXT_MARK

        full = render_template_string(
            '{% include "_site_header.html" %}{% include "_site_footer.html" %}',
            role="admin", section="learn", current_locale="id",
            csrf_mark=CSRF_MARK, next_mark=NEXT_MARK)
    full = full.replace(CSRF_MARK, token).replace(NEXT_MARK, "/courses?")
    assert _header(full) == _header(html)
    assert full[full.index('<footer class="site">'):] in html


def test_the_stored_links_follow_the_mount_point_of_each_request(client, make_user):
    """Behind a proxy that mounts the app under a path (SCRIPT_NAME), the header's and
    footer's links carry it, and a request at the root never gets those links."""
    AuthActions(client).login(make_user("learner").nip)
    mounted = client.get("/courses", base_url="http://localhost/elearn").get_data(as_text=True)
    root = client.get("/courses").get_data(as_text=True)
    assert 'href="/elearn/courses"' in _header(mounted)
    assert 'action="/elearn/language"' in mounted and 'action="/elearn/logout"' in mounted
    assert "/elearn/" not in _header(root) and 'action="/language"' in root
