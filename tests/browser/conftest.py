"""A live server and a real Chromium (Debian's) driven by Playwright.

Without Chromium the browser tests are skipped on a developer machine, but
fail under CI=true: CI must never pass without having run them.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from elearn.courses.store import save_course
from elearn.demo import load_demo
from elearn.extensions import db

from ..content.helpers import make_course

CHROMIUM = os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def closed_after_sending(app):
    """``app`` with each response closed as soon as its body is sent.

    A view can leave work for after its answer (``response.call_on_close``: the
    password-reset email). Werkzeug's development server first drains the
    socket and only then closes the response, so when the browser resets the
    connection after reading the answer (Chromium often does after a redirect)
    the drain raises and the close never comes: the email was never sent. gunicorn,
    which serves elearn in production, closes the response whatever happens."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, closed_after_sending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright, once Chromium is known to be there (for persistent profiles too)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(params=[PHONE, LAPTOP], ids=["phone-360x740", "laptop-1366x768"])
def page(request, browser):
    context = browser.new_context(viewport=request.param, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(app):
    """The demo units and accounts (no sample courses), as `flask demo` loads them."""
    with app.app_context():
        load_demo(content=None)
        db.session.commit()

@pytest.fixture
def course(app):
    """The demo accounts and a course the demo instructor teaches."""
    with app.app_context():
        load_demo(content=None)
        save_course(make_course())  # lists the demo instructor
        db.session.commit()
