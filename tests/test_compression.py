"""Compressed responses (elearn/compression.py): text shrinks, compressed files and
small bodies are left alone, streams still stream, caches stay correct."""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli
from backports import zstd
from flask import Response

from elearn import create_app

BROWSER_HTTPS = "gzip, deflate, br, zstd"  # what Chromium sends over HTTPS
BROWSER_HTTP = "gzip, deflate"  # and over plain HTTP


def decode(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "zstd":
        return zstd.decompress(data)
    assert encoding is None, encoding
    return data


def _css_url(client) -> str:
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', html).group(1)


def test_pages_css_and_js_are_sent_compressed_in_the_encoding_the_browser_takes(client):
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers  # a client that asks for nothing
    for accept, expected in ((BROWSER_HTTPS, "br"), (BROWSER_HTTP, "gzip")):
        page = client.get("/login", headers={"Accept-Encoding": accept})
        assert page.headers["Content-Encoding"] == expected
        assert "Accept-Encoding" in page.headers["Vary"]
        # The 2.3 KB sign-in page (sent without its templates' indentation) shrinks
        # to about half at brotli's fastest level; longer pages to a third or less.
        assert len(page.get_data()) < len(plain.get_data()) * 0.6
        # Same page apart from the per-response CSRF token.
        strip = re.compile(rb'value="[^"]+"')
        assert strip.sub(b"", decode(page)) == strip.sub(b"", plain.get_data())
    for url in (_css_url(client), "/static/app.js"):
        with client.get(url) as original:
            expected_body = original.get_data()
        with client.get(url, headers={"Accept-Encoding": BROWSER_HTTP}) as response:
            assert response.headers["Content-Encoding"] == "gzip", url
            assert decode(response) == expected_body
            assert len(response.get_data()) < len(expected_body) / 2


def test_small_bodies_and_already_compressed_files_are_sent_as_they_are(app, client, auth,
                                                                          make_user):
    with client.get("/static/favicon.svg", headers={"Accept-Encoding": BROWSER_HTTPS}) as icon:
        assert icon.status_code == 200 and len(icon.get_data()) < 500
        assert "Content-Encoding" not in icon.headers  # too small to be worth it
    auth.login(make_user("admin").nip)
    with client.get("/admin/reports/completions.xlsx",
                    headers={"Accept-Encoding": BROWSER_HTTPS}) as xlsx:
        assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
        assert "Content-Encoding" not in xlsx.headers  # a zip already
    compressed_types = set(app.config["COMPRESS_MIMETYPES"])
    for kind in ("application/pdf", "application/zip", "image/png", "image/jpeg",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
        assert kind not in compressed_types


def test_a_streamed_csv_export_is_compressed_and_still_streamed(client, auth, make_user):
    auth.login(make_user("admin").nip)
    plain = client.get("/admin/reports/completions.csv")
    assert plain.is_streamed
    expected = plain.get_data()
    # Never brotli for a stream: its compressor sends nothing before ~8 MB of input.
    for accept, expected_encoding in ((BROWSER_HTTPS, "zstd"), (BROWSER_HTTP, "gzip")):
        response = client.get("/admin/reports/completions.csv",
                              headers={"Accept-Encoding": accept})
        assert response.is_streamed and "Content-Length" not in response.headers
        assert response.headers["Content-Encoding"] == expected_encoding
        assert decode(response) == expected


def test_a_stream_sends_its_first_compressed_bytes_before_the_view_has_produced_the_rest(
        tmp_path):
    app = create_app({"DATABASE_URL": "sqlite://"}, profile="test",
                     instance_path=str(tmp_path))
    produced = []

    @app.route("/stream-probe")
    def stream_probe():
        def rows():
            for n in range(2000):
                produced.append(n)
                # Hex of a hash: hardly compressible, so output cannot wait for the end.
                yield f"{n},{hashlib.sha256(str(n).encode()).hexdigest() * 16}\n".encode()
        return Response(rows(), mimetype="text/csv")

    response = app.test_client().get("/stream-probe", buffered=False,
                                     headers={"Accept-Encoding": BROWSER_HTTPS})
    assert response.headers["Content-Encoding"] == "zstd"
    chunks = iter(response.response)
    first = next(chunk for chunk in chunks if chunk)
    assert first and len(produced) < 500  # about 1 MB made of 2 MB
    body = first + b"".join(chunks)
    assert zstd.decompress(body).count(b"\n") == 2000 and len(produced) == 2000
    response.close()


def test_a_compressed_static_file_keeps_its_year_long_cache_and_answers_304(client):
    url = _css_url(client)
    headers = {"Accept-Encoding": BROWSER_HTTPS}
    with client.get(url, headers=headers) as first:
        assert first.headers["Content-Encoding"] == "br"
        assert "immutable" in first.headers["Cache-Control"]
        etag = first.headers["ETag"]
        assert etag.endswith(':br"')  # never the same validator as the plain file
    with client.get(url, headers={**headers, "If-None-Match": etag}) as again:
        assert again.status_code == 304 and not again.get_data()
    with client.get(url, headers={"If-None-Match": etag}) as plain:
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers


def test_a_byte_range_of_a_static_file_is_sent_plain(client):
    url = _css_url(client)
    with client.get(url, headers={"Accept-Encoding": BROWSER_HTTPS, "Range": "bytes=0-99"}) as part:
        assert part.status_code == 206 and "Content-Encoding" not in part.headers
        assert len(part.get_data()) == 100


def test_static_files_get_the_best_level_once(app, client):
    """CSS is compressed at the best level (smaller than pages' faster level) and
    served from memory afterwards: the same bytes, and no compression on a repeat."""
    from elearn import compression

    url = _css_url(client)
    with client.get(url) as original:
        plain = original.get_data()
    for accept, algorithm, page_level in (
            (BROWSER_HTTPS, "br", brotli.compress(plain, quality=app.config["COMPRESS_BR_LEVEL"])),
            (BROWSER_HTTP, "gzip", gzip.compress(plain, app.config["COMPRESS_LEVEL"]))):
        compression._static_cache.clear()
        with client.get(url, headers={"Accept-Encoding": accept}) as first:
            body = first.get_data()
        assert first.headers["Content-Encoding"] == algorithm
        assert decode(first) == plain
        assert len(body) < len(page_level)
        assert int(first.headers["Content-Length"]) == len(body)
        assert len(compression._static_cache) == 1
        (key,) = compression._static_cache
        compression._static_cache[key] = b"cached"  # the next answer comes from here
        with client.get(url, headers={"Accept-Encoding": accept}) as again:
            assert again.get_data() == b"cached"
    compression._static_cache.clear()


def _probe_app(folder):
    """An app with pages of a chosen size, the same pages from a ``thorough`` view, and
    one with a strong ETag."""
    from elearn.compression import thorough

    app = create_app({"DATABASE_URL": "sqlite://"}, profile="test",
                     instance_path=str(folder))

    def words(size):
        text = " ".join(f"kata{i % 97}" for i in range(size))
        return f"<!doctype html><p>{text}</p>"[:size]

    @app.route("/probe/<int:size>")
    def sized(size):
        return words(size)

    @app.route("/reread/<int:size>")
    @thorough
    def reread(size):
        return words(size)

    @app.route("/probe-etag")
    def tagged():
        response = Response("<p>" + "pelayanan publik " * 100 + "</p>", mimetype="text/html")
        response.set_etag("v1")
        return response

    return app


def test_pages_get_brotli_level_1_and_thorough_views_level_4(tmp_path):
    """Every page brotli's fastest level, whatever its size (a higher level's set-up and
    cost per byte buy a few hundred bytes); a view marked ``thorough`` (the lesson)
    level 4, which keeps the lesson's repeat visit under 5 KB (level 2 made it 5.14 KB)."""
    client = _probe_app(tmp_path).test_client()
    for prefix, level in (("probe", 1), ("reread", 4)):
        for size in (600, 10 * 1024, 40_000):
            page = client.get(f"/{prefix}/{size}", headers={"Accept-Encoding": BROWSER_HTTPS})
            body = decode(page)
            assert len(body) == size and page.headers["Content-Encoding"] == "br"
            assert page.get_data() == brotli.compress(body, quality=level), (prefix, size)
            assert page.headers["Content-Length"] == str(len(page.get_data()))
            assert "Accept-Encoding" in page.headers["Vary"]
    fast = client.get("/probe/40000", headers={"Accept-Encoding": BROWSER_HTTPS})
    assert fast.get_data() != brotli.compress(decode(fast), quality=4)


def test_the_lesson_page_gets_level_4_and_the_course_page_level_1(
        client, auth, make_user, sample_course):
    """The lesson view is marked thorough; the course page beside it is not."""
    auth.login(make_user("learner").nip)
    course = "/courses/komunikasi-dengan-warga"
    for path, level in ((f"{course}/mendengar-aktif-dan-bahasa-jelas", 4), (course, 1)):
        page = client.get(path, headers={"Accept-Encoding": BROWSER_HTTPS})
        assert page.status_code == 200 and page.headers["Content-Encoding"] == "br", path
        assert page.get_data() == brotli.compress(decode(page), quality=level), path


def test_a_page_for_a_browser_without_brotli_gets_gzip_or_nothing(tmp_path):
    client = _probe_app(tmp_path).test_client()
    page = client.get("/probe/2000", headers={"Accept-Encoding": BROWSER_HTTP})
    assert page.headers["Content-Encoding"] == "gzip" and len(decode(page)) == 2000
    assert "Content-Encoding" not in client.get("/probe/2000").headers
    tiny = client.get("/probe/300", headers={"Accept-Encoding": BROWSER_HTTPS})
    assert "Content-Encoding" not in tiny.headers  # under COMPRESS_MIN_SIZE


def test_a_page_with_a_strong_etag_marks_its_encoding_and_still_answers_304(tmp_path):
    client = _probe_app(tmp_path).test_client()
    page = client.get("/probe-etag", headers={"Accept-Encoding": BROWSER_HTTPS})
    assert page.headers["Content-Encoding"] == "br" and page.headers["ETag"] == '"v1:br"'
    again = client.get("/probe-etag", headers={"Accept-Encoding": BROWSER_HTTPS,
                                               "If-None-Match": '"v1:br"'})
    assert again.status_code == 304


def test_the_sign_in_page_gets_level_1(client):
    page = client.get("/login", headers={"Accept-Encoding": BROWSER_HTTPS})
    assert page.headers["Content-Encoding"] == "br"
    assert page.get_data() == brotli.compress(decode(page), quality=1)
