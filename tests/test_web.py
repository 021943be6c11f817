"""Cross-cutting web concerns (elearn/web.py): page budget, static caching, security headers."""

import re


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
