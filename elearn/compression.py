"""Compressed text responses (Flask-Compress): brotli, zstd or gzip, whichever the browser takes.

Pages, CSS, JS, JSON, SVG and CSV shrink to a third or less on slow mobile data;
files that are already compressed (PDF, XLSX, ZIP, PNG, JPEG) are sent as they are.
Streamed responses (CSV exports) are compressed chunk by chunk and still stream.
Static files are small and change only with a deployment: each is compressed once
per process at the best level (brotli 11, gzip 9; about 17% smaller than the level
pages get, which must be fast) and then served from memory.
Every response says ``Vary: Accept-Encoding``; a strong ETag gets the encoding
appended (``"abc:br"``), so a cache never mixes the two forms and a conditional
request still answers 304. A byte range (206) is sent plain.

BREACH (guessing a secret in a compressed HTTPS page from its length, by making
the victim's browser send thousands of requests that reflect attacker text) is
not a practical risk here, so every page is compressed: the session and
remember-me cookies are SameSite=Lax, so requests another site starts in the
background arrive signed out and see only public pages (only top-level
navigations carry the cookies, and thousands of those do not go unnoticed); and
the CSRF token in forms is signed with a timestamp (Flask-WTF), so its signed
part changes at least once a minute (``elearn.signed`` hands the same one out for
up to ``CSRF_REUSE_SECONDS``) instead of staying the same over the thousands of
requests such an attack needs.
"""

from __future__ import annotations

import gzip
from functools import wraps

import brotli
from flask import Flask, current_app, g, request
from flask_compress import Compress

#: Text types worth compressing. Not PDF, XLSX, ZIP or images other than SVG:
#: they are compressed already and would only cost CPU.
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript",
    "application/json", "image/svg+xml", "text/csv", "text/plain", "text/xml",
    "application/xml",
]
#: Smaller bodies are sent as they are (the encoding would save almost nothing).
MIN_SIZE = 500
#: The server's preference among what the browser accepts: brotli first (HTTPS
#: browsers; at the default levels it beats zstd by about 5% on these pages), gzip
#: for plain HTTP.
ALGORITHMS = ["br", "gzip", "zstd", "deflate"]
#: Brotli's level for pages a view marks ``thorough`` (lessons), a per-request
#: cost. On the bench's 13.3 KB lesson: level 5 gives 4 779 bytes for about 155 us,
#: 4 at 4 945 bytes for 110 us, 2 at 5 108 bytes for 52 us; and level 5's megabyte of
#: hash table leaves the caches cold for the rest of the request: a whole lesson
#: request in process took 1.15 ms at 5, 1.06 ms at 4 and 0.96 ms at 3 (interleaved
#: runs), and under wrk level 4 served 3-16% more lessons a second than 5. The
#: lesson's repeat visit (bench/lighthouse.py: the demo's longest lesson) is 5 075
#: bytes at 4, under its 5 KB (5 120 byte) budget only because templates are sent
#: without their indentation (web.CollapsedIndentation); level 3 would put it at
#: about 5 240, level 5 at 4 930. tests/browser/test_bench_lighthouse.py checks it.
BROTLI_LEVEL = 4
#: Every other page gets brotli's fastest level. Level 5 sets up hash tables of
#: about a megabyte for every response, whatever its size, and then costs about
#: 200 instructions a byte against 40 at level 1 (callgrind): for the 2.5 KB
#: sign-in page 0.68 M instructions instead of 0.16 M, a sixth of the whole
#: request, to save 255 bytes; for the 13 KB catalog 95 microseconds instead of
#: 19, to save 400 bytes (2.38 KB instead of 1.98). Lessons are what learners open
#: again and again on slow data; a list or a form is not worth that CPU.
PAGE_BROTLI_LEVEL = 1
#: Streamed responses (CSV exports): not brotli, whose streaming compressor keeps
#: about 8 MB of input before it sends its first byte; zstd sends a block every
#: 128 KB, gzip every few rows.
STREAMING_ALGORITHMS = ["zstd", "gzip", "deflate"]

#: Static files: the encodings prepared at the best level, the server's preference
#: first (another encoding a browser asks for goes through Flask-Compress).
STATIC_ALGORITHMS = ["br", "gzip"]
#: At most this many compressed static files are kept (a handful exist).
STATIC_CACHE_SIZE = 64

compress = Compress()
#: (strong ETag of the file, encoding) -> compressed bytes.
_static_cache: dict[tuple[str, str], bytes] = {}


def _compress_best(data: bytes, algorithm: str) -> bytes:
    if algorithm == "br":
        return brotli.compress(data, quality=11)
    return gzip.compress(data, compresslevel=9, mtime=0)


def _compress_static(response) -> bool:
    """Give a whole static file (200) the cached best-level encoding the browser
    takes; False when it gets none (too small, not text, no such encoding)."""
    algorithm = request.accept_encodings.best_match(STATIC_ALGORITHMS)
    etag, weak = response.get_etag()
    if (algorithm is None or not etag or weak
            or response.mimetype not in current_app.config["COMPRESS_MIMETYPES"]
            or (response.content_length or 0) < current_app.config["COMPRESS_MIN_SIZE"]):
        return False
    key = (etag, algorithm)
    body = _static_cache.get(key)
    if body is None:
        body = _compress_best(response.get_data(), algorithm)
        if len(_static_cache) >= STATIC_CACHE_SIZE:
            _static_cache.clear()
        _static_cache[key] = body
    response.set_data(body)
    response.headers["Content-Encoding"] = algorithm
    response.set_etag(f"{etag}:{algorithm}")  # as Flask-Compress marks its encodings
    return True


def thorough(view):
    """Mark a view whose pages learners reread on slow data (a lesson): they get
    brotli at ``COMPRESS_BR_LEVEL`` (4) instead of the pages' fastest level."""

    @wraps(view)
    def marked(*args, **kwargs):
        g.compress_thoroughly = True
        return view(*args, **kwargs)

    return marked


def _compress_page(response) -> bool:
    """Brotli at ``COMPRESS_BR_PAGE_LEVEL`` for a whole text response (200) that no
    ``thorough`` view made, when brotli is what the browser gets; False (nothing
    done) for anything else, which Flask-Compress then handles."""
    config = current_app.config
    if (response.status_code != 200 or response.is_streamed or response.direct_passthrough
            or "Content-Encoding" in response.headers
            or response.mimetype not in config["COMPRESS_MIMETYPES"]
            or g.get("compress_thoroughly")):
        return False
    if (response.content_length or 0) < config["COMPRESS_MIN_SIZE"]:
        return False
    if request.accept_encodings.best_match(config["COMPRESS_ALGORITHM"]) != "br":
        return False
    response.set_data(brotli.compress(response.get_data(),
                                      quality=config["COMPRESS_BR_PAGE_LEVEL"]))
    response.headers["Content-Encoding"] = "br"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:br")  # as Flask-Compress marks its encodings
    return True


def init_compression(app: Flask) -> None:
    """Compress eligible responses; settings can be changed with the ``COMPRESS_*`` keys."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    app.config.setdefault("COMPRESS_BR_LEVEL", BROTLI_LEVEL)
    app.config.setdefault("COMPRESS_BR_PAGE_LEVEL", PAGE_BROTLI_LEVEL)
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", STREAMING_ALGORITHMS)
    app.config.setdefault("COMPRESS_STREAMS", True)
    # Flask-Compress would re-evaluate every GET as a conditional request; only a
    # response with an ETag can answer 304, so compress_response does it for those.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    app.config["COMPRESS_REGISTER"] = False  # compress_response below calls it
    compress.init_app(app)

    @app.after_request
    def compress_response(response):
        if response.status_code == 206:
            return response  # a byte range counts the plain file's bytes
        if (request.endpoint == "static" and response.status_code == 200
                and response.direct_passthrough):
            # Static files are small: read whole, they get brotli (a stream
            # cannot) and a Content-Length; make_sequence closes the file.
            response.direct_passthrough = False
            response.make_sequence()
            if _compress_static(response):
                # Flask-Compress adds Vary and leaves an encoded body alone.
                response = compress.after_request(response)
                return response.make_conditional(request)
        elif response.is_streamed and hasattr(response.response, "close"):
            # The compressor wraps a streamed body (a CSV export's generator) in
            # its own generator and would leave the original to the garbage
            # collector: close it when the response closes.
            response.call_on_close(response.response.close)
        else:
            _compress_page(response)  # Flask-Compress adds Vary, leaves it encoded
        response = compress.after_request(response)
        if ("ETag" in response.headers and request.method in ("GET", "HEAD")
                and not response.is_streamed):
            # A file with an ETag (a course image or attachment): its encoding
            # marked in the ETag, a repeat request for it can still answer 304.
            response = response.make_conditional(request)
        return response
