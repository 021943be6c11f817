"""One safe-redirect rule for every user-supplied ``next`` (issue 9, item 10)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from elearn.safe_redirect import safe_target

from ..conftest import PASSWORD, csrf_token

FALLBACK = "/"
HOSTILE = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example",
    "/\r\n/evil.example", "https://evil.example", "http:evil.example", "http:/evil.example",
    "HTTPS://evil.example/", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", " //evil.example", " /courses",
    "/.\\evil.example", "/\x00/evil.example", "/courses\x00", "\x01//evil.example",
    "/\x7f/evil.example", "evil.example", "", "/" + "a" * 5000, None, ["/"],
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_values_fall_back(target):
    assert safe_target(target, FALLBACK) == FALLBACK


@pytest.mark.parametrize("target", [
    "/", "/courses", "/courses?page=2&q=etika", "/admin/users/5#edit", "/%2F%2Fevil.example",
    "/courses/a%5Cb",
])
def test_local_paths_are_followed(target):
    assert safe_target(target, FALLBACK) == target


@pytest.mark.parametrize("target", ["/\uff0f/evil.example", "/\u2215evil.example",
                                    "/\u2044evil.example", "/courses/\u00e9tika"])
def test_unicode_look_alike_slashes_stay_inside_the_path(target):
    result = safe_target(target, FALLBACK)
    assert result.startswith("/") and not result.startswith("//")
    assert result.isascii()
    parts = urlsplit(result)
    assert not parts.netloc and not parts.scheme


def _switch_language(client, next_value):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/language", data={"locale": "en", "next": next_value,
                                          "csrf_token": token})


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r\n/x",
                                    "//evil.example", "/\\evil.example", "https://evil.example",
                                    "/\x00/evil.example"])
def test_language_switch_never_redirects_off_site_or_fails(client, target):
    response = _switch_language(client, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page(client):
    response = _switch_language(client, "/courses?page=2")
    assert response.headers["Location"] == "/courses?page=2"


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/%09/evil.example"])
def test_sign_in_next_never_leaves_the_site(client, make_user, target):
    account = make_user("learner")
    page = client.get("/login")
    response = client.post("/login", query_string={"next": target}, data={
        "identifier": account.nip, "password": PASSWORD,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert not urlsplit(location).netloc
