"""Cross-cutting web concerns (elearn/web.py): page budget, static caching, security headers."""

import re

import pytest
from itsdangerous import BadSignature


def _assets(html: str) -> list[str]:
    """The fingerprinted static files a page loads (not the web app manifest, which
    can change with the configuration and is asked for again within the hour)."""
    return [url for url in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
            if not url.endswith(".webmanifest")]


#: What Chromium asks for over HTTPS.
ACCEPT = {"Accept-Encoding": "gzip, deflate, br, zstd"}
#: The largest lesson of the sample courses (about 9.5 KB of HTML).
LESSON = "/courses/komunikasi-dengan-warga/mendengar-aktif-dan-bahasa-jelas"


def _on_the_wire(response) -> int:
    """Bytes of a response as sent: status line, headers and (compressed) body."""
    headers = sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    return len("HTTP/1.1 200 OK\r\n\r\n") + headers + len(response.get_data())


def _first_visit(client, path: str) -> tuple[int, int]:
    """(bytes of a first visit: the page and every asset it loads, bytes of the page
    alone: a repeat visit, since the assets are cached for a year), compressed as a
    browser asks. Every asset must come from this host."""
    page = client.get(path, headers=ACCEPT)
    assert page.status_code == 200, path
    html = client.get(path).get_data(as_text=True)
    assets = _assets(html)
    assert assets
    total = _on_the_wire(page)
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        with client.get(url, headers=ACCEPT) as response:
            assert response.status_code == 200
            if url.split("?")[0].endswith((".css", ".js")):
                assert "immutable" in response.headers["Cache-Control"], url
            total += _on_the_wire(response)
    return total, _on_the_wire(page)


def test_a_lesson_costs_at_most_15kb_first_and_5kb_again_on_the_wire(
        client, auth, make_user, sample_course):
    auth.login(make_user("learner").nip)
    first, repeat = _first_visit(client, LESSON)
    assert first <= 15 * 1024, first  # 11.5 KB (37 KB uncompressed)
    assert repeat <= 5 * 1024, repeat  # 4.1 KB (9.7 KB uncompressed)


def test_pages_load_nothing_from_another_host_and_stay_under_30kb(
        client, auth, make_user, sample_course):
    learner, admin = make_user("learner"), make_user("admin")
    sizes = {"/login": _first_visit(client, "/login")[0]}
    auth.login(learner.nip)
    for path in ("/", "/courses", "/courses/komunikasi-dengan-warga", LESSON):
        sizes[path] = _first_visit(client, path)[0]
    auth.logout()
    auth.login(admin.nip)
    for path in ("/admin/", "/admin/users", "/admin/reports", "/admin/reports/jp", "/author/"):
        sizes[path] = _first_visit(client, path)[0]
    assert len(sizes) == 10
    assert all(size <= 30 * 1024 for size in sizes.values()), sizes


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
    # Scripts and styles fall back to default-src; nothing loosens them.
    assert "unsafe" not in policy and "script-src" not in policy and "style-src" not in policy


def test_html_templates_lose_their_indentation_and_text_templates_keep_it():
    """Every run of whitespace that starts a line in an HTML template's source becomes
    one line break (the page renders the same, in fewer bytes); emails keep theirs."""
    from jinja2 import DictLoader, Environment

    from elearn.web import CollapsedIndentation

    source = "<ul>\n    <li>{{ a }}</li>\n\n\n    <li>b\n      c</li>\n</ul>\n"
    env = Environment(loader=DictLoader({"page.html": source, "mail.txt": source}), autoescape=True,
                      extensions=[CollapsedIndentation])
    assert env.get_template("page.html").render(a="x  y") == (
        "<ul>\n<li>x  y</li>\n<li>b\nc</li>\n</ul>")  # values are left alone
    assert env.get_template("mail.txt").render(a="x") == source.replace("{{ a }}", "x")[:-1]


def test_the_meta_description_is_for_signed_out_visitors_only(
        client, auth, make_user, sample_course):
    """Search engines and link previews never sign in: they get the description (a
    public course its own summary); a signed-in page goes without its bytes."""
    course = "/courses/komunikasi-dengan-warga"
    description = re.compile(r'<meta name="description" content="([^"]*)">')
    assert description.search(client.get("/login").get_data(as_text=True))
    shared = description.search(client.get(course).get_data(as_text=True))
    assert shared and shared.group(1).startswith("Keterampilan mendengar aktif")
    auth.login(make_user("learner").nip)
    for path in ("/", course, f"{course}/mendengar-aktif-dan-bahasa-jelas"):
        page = client.get(path)
        assert page.status_code == 200 and 'name="description"' not in page.get_data(as_text=True)


def test_served_pages_have_no_indented_lines(client, app):
    html = client.get("/login").get_data(as_text=True)
    assert "<form" in html and re.search(r"\n[ \t]", html) is None
    assert app.jinja_env.extensions  # the app's environment has the extension


def test_a_static_file_neither_reads_the_session_nor_varies_on_the_cookie(
        app, client, auth, make_user):
    """Signed in, a CSS or JS file costs no query and says only ``Vary: Accept-Encoding``:
    ``Vary: Cookie`` would make a browser revalidate its year-long copy each time
    the session cookie changes (after any flash message)."""
    from .conftest import recorded_sql

    auth.login(make_user("learner").nip)
    html = client.get("/").get_data(as_text=True)
    assets = [u for u in _assets(html) if u.split("?")[0].endswith((".css", ".js"))]
    assert len(assets) >= 2
    for url in assets:
        with recorded_sql(app) as statements, client.get(url, headers=ACCEPT) as response:
            assert response.status_code == 200
        assert list(statements) == [], url
        assert response.headers["Vary"] == "Accept-Encoding", url
        assert "Set-Cookie" not in response.headers
    # A page still varies on the cookie (it is personal).
    assert "Cookie" in client.get("/").headers["Vary"]


def test_css_and_js_leave_out_document_only_and_redundant_headers(client):
    html = client.get("/login").get_data(as_text=True)
    for url in _assets(html):
        with client.get(url) as response:
            headers = response.headers
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert "immutable" in headers["Cache-Control"]
            assert "Expires" not in headers and "Content-Disposition" not in headers, url
            document_only = "Content-Security-Policy" in headers, "X-Frame-Options" in headers
            if url.split("?")[0].endswith(".svg"):  # opened by itself it is a document
                assert document_only == (True, True), url
            else:
                assert document_only == (False, False), url


def test_templates_remember_urls_exactly_as_url_for_builds_them(app):
    """The layout's links come from a per-process memo (web._memo_url): each answer is
    what url_for gives, values of different types stay apart, a different root path
    gets its own URLs, and what cannot be remembered is still built."""
    from flask import url_for

    from elearn import web

    web._url_memo.clear()
    cases = [("main.dashboard", {}), ("learn.course", {"slug": "a-b"}),
             ("admin.users", {"page": 2}), ("admin.users", {"page": True}),
             ("learn.catalog_view", {"q": "ä&x y"})]
    with app.test_request_context("/"):
        for endpoint, values in cases:
            assert web._memo_url(endpoint, **values) == url_for(endpoint, **values)
            assert web._memo_url(endpoint, **values) == url_for(endpoint, **values)
        assert web._memo_url("admin.users", page=1) != web._memo_url("admin.users", page=True)
        remembered = len(web._url_memo)
        assert remembered == len(cases) + 1
        # Options and unhashable values are not remembered, and still right.
        assert web._memo_url("main.dashboard", _anchor="x") == url_for("main.dashboard",
                                                                       _anchor="x")
        assert web._memo_url("admin.users", unit=["a", "b"]) == url_for("admin.users",
                                                                        unit=["a", "b"])
        assert len(web._url_memo) == remembered
    with app.test_request_context("/", base_url="http://localhost/elearn"):
        assert url_for("main.dashboard") == "/elearn/"
        assert web._memo_url("main.dashboard") == "/elearn/"
    with app.test_request_context("/"):
        assert web._memo_url("main.dashboard") == "/"


def test_url_memo_starts_over_when_full(app, monkeypatch):
    from elearn import web

    web._url_memo.clear()
    monkeypatch.setattr(web, "URL_MEMO_SIZE", 3)
    with app.test_request_context("/"):
        for n in range(1, 8):
            assert web._memo_url("admin.users", page=n) == f"/admin/users?page={n}"
            assert len(web._url_memo) <= 3


def test_score_and_percent_filters_write_what_babel_writes_from_the_text_patterns(app):
    """The filters hand Babel patterns parsed once; the text is Babel's own."""
    import random

    from babel.numbers import format_decimal, format_percent
    from flask_babel import force_locale, get_locale

    from elearn.web import percent_format, score_format

    rng = random.Random(7)
    values = [*range(101), 0.05, 0.15, 0.25, 1 / 3, 2 / 3, 12.25, 66.65, 99.95, 1234.5,
              1e6 + 0.05,
              *(rng.uniform(0, 100) for _ in range(300)),
              *(round(rng.uniform(0, 100), 1) for _ in range(300))]
    with app.test_request_context():
        for language in ("id", "en"):
            with force_locale(language):
                locale = get_locale()
                for value in values:
                    assert score_format(value) == format_decimal(value, "#,##0.#", locale=locale)
                    assert percent_format(value) == format_percent(value / 100, "#,##0.#%",
                                                                   locale=locale)
        assert score_format(None) == percent_format(None) == "—"


def test_the_session_serializer_is_built_once_per_key(app):
    """web.SessionInterface keeps Flask's cookie serializer, and builds a new one when
    the key or its fallbacks change (a rotated key must not keep signing)."""
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    signed = first.dumps({"a": 1})
    old_key, old_fallbacks = app.secret_key, app.config["SECRET_KEY_FALLBACKS"]
    try:
        app.secret_key = "a-new-key-of-sufficient-length-0123456789"
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        rotated = interface.get_signing_serializer(app)
        assert rotated is not first
        assert rotated.loads(signed) == {"a": 1}  # still read through the fallback
        with pytest.raises(BadSignature):  # it signs with the new key
            first.loads(rotated.dumps({"a": 1}))
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old_key, old_fallbacks
    assert interface.get_signing_serializer(app).loads(signed) == {"a": 1}


def test_ensure_sync_remembers_plain_functions_and_still_refuses_coroutines(app):
    """web._ensure_sync_remembered: a plain function comes back as it is (and is asked
    about once); a coroutine function still goes to Flask, which needs its async
    extra; an unhashable callable is asked about every time."""
    import functools

    from elearn.web import _ensure_sync_remembered

    asked = []

    def flask_ensure_sync(func):
        asked.append(func)
        if getattr(func, "is_coroutine", False):
            return lambda *a: "wrapped"
        return func

    remembered = _ensure_sync_remembered(flask_ensure_sync)

    def view():
        return "ok"

    assert remembered(view) is view and remembered(view) is view
    assert asked == [view]

    def coroutine():
        return "async"

    coroutine.is_coroutine = True
    assert remembered(coroutine)() == "wrapped" and remembered(coroutine)() == "wrapped"
    assert asked.count(coroutine) == 2

    class Unhashable:
        __hash__ = None

        def __call__(self):
            return "called"

    unhashable = Unhashable()
    assert remembered(unhashable) is unhashable and asked.count(unhashable) == 1
    assert remembered(functools.partial(view))() == "ok"

    async def real_coroutine():
        return None

    # The app's own: Flask's answer for a coroutine function is not the function.
    try:
        assert app.ensure_sync(real_coroutine) is not real_coroutine
    except RuntimeError:  # Flask without its async extra says so, as before
        pass


def test_a_page_without_a_rate_limit_leaves_the_limiter_alone(app, client, auth, make_user):
    """The limiter's after-request and teardown hooks run only when the view checked a
    limit: a catalog view builds no limiter state; a failed sign-in (a limited view
    whose limit counts only failures, after the response) still builds it."""
    from flask import request_finished
    from flask.globals import request_ctx

    seen = []

    def finished(sender, response, **extra):
        seen.append(hasattr(request_ctx, "_limiter_request_context"))

    user = make_user()
    request_finished.connect(finished, app)
    try:
        auth.login(user.nip)
        assert client.get("/courses").status_code == 200
        assert seen[-1] is False
        auth.logout()
        assert auth.login(user.nip, "salah-sekali").status_code == 200
        assert seen[-1] is True
    finally:
        request_finished.disconnect(finished, app)


def test_security_headers_are_added_once_and_a_download_is_not_stored(app, client, auth,
                                                                       make_user):
    """Every default security header appears exactly once on a page, and a signed-in
    page is marked no-store (web.security_headers reads the headers in one pass)."""
    user = make_user()
    auth.login(user.nip)
    response = client.get("/courses")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                 "Referrer-Policy"):
        assert len(response.headers.getlist(name)) == 1, name
    assert response.headers["Cache-Control"] == "no-store"
