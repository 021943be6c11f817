"""A learner who forgot the password resets it from the emailed link on a phone;
the link is emailed whatever the browser does with the connection after the answer."""

import http.client
import socket
import struct
import time
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from elearn.auth.forms import ForgotPasswordForm
from elearn.demo import DEMO_PASSWORD
from tests.conftest import csrf_token

from .conftest import PHONE
from .helpers import sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "kopi susu di pagi hari"  # noqa: S105


def test_forgot_password_link_sets_a_new_password_and_ends_the_old_session(
        demo, live_server, browser, mailbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server)
    old = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
    sign_in(old, live_server, "peserta@demo.example")
    expect(old.get_by_role("heading", level=1)).to_have_text("Pembelajaran Saya")

    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lupa kata sandi?")
    page.get_by_label("NIP atau email").fill("peserta@demo.example")
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page).to_have_url(live_server + "/login")
    expect(page.get_by_text("tautan untuk membuat kata sandi baru")).to_be_visible()

    # The link is sent after the answer has gone, from the live server's thread, then
    # over SMTP to the test's mail server: on a busy 2-core CI machine (PostgreSQL,
    # Chromium and the suite at once) that once took longer than the default 5 s.
    (received,) = mailbox.wait_for(1, timeout=30)
    assert received.recipients == ["peserta@demo.example"]
    (link,) = [u for u in received.links() if "/password/reset/" in u]
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat kata sandi baru")
    page.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pembelajaran Saya")
    expect(page.get_by_role("status")).to_contain_text("Kata sandi Anda telah diganti")
    # and the security notice waits in the app, newest first on the dashboard
    expect(page.locator(".news")).to_contain_text("Kata sandi Anda telah diganti")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the session on the other phone is over
    old.reload()
    expect(old).to_have_url(live_server + "/login?next=%2F")
    # the old password no longer signs in, the new one does
    fresh = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
    sign_in(fresh, live_server, "peserta@demo.example", DEMO_PASSWORD)
    expect(fresh.get_by_text("NIP/email atau kata sandi salah.")).to_be_visible()
    sign_in(fresh, live_server, "peserta@demo.example", NEW_PASSWORD)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Pembelajaran Saya")
    # the link was used: it no longer works
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tautan ini tidak berlaku lagi")
    for context_ in (old.context, context, fresh.context):
        context_.close()


def test_the_reset_email_goes_even_when_the_browser_resets_the_connection(
        demo, live_server, mailbox, app, monkeypatch):
    """The email is sent after the answer (response.call_on_close). A browser that
    resets the connection once it has the answer must not stop it: the live server
    closes every response it sends, as gunicorn does (tests/browser/conftest.py)."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server)
    host, port = urlsplit(live_server).hostname, urlsplit(live_server).port
    first = http.client.HTTPConnection(host, port, timeout=10)
    first.request("GET", "/password/forgot")
    form = first.getresponse()
    cookie = form.getheader("Set-Cookie").split(";", 1)[0]
    token = csrf_token(form.read().decode())
    first.close()
    body = urlencode({"csrf_token": token, "identifier": "peserta@demo.example"}).encode()
    request = (f"POST /password/forgot HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    # The answer comes half a second after the request has been read, and a byte
    # sent meanwhile waits in the socket: the server, draining the socket after the
    # answer and before it closes the response, reads it, and the reset (a close
    # with zero linger) then breaks that read.
    validate = ForgotPasswordForm.validate_on_submit

    def slowly(form):
        time.sleep(0.5)
        return validate(form)

    monkeypatch.setattr(ForgotPasswordForm, "validate_on_submit", slowly)
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        time.sleep(0.2)
        sock.sendall(b"x")
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            assert chunk, f"the server closed the connection before answering: {answer!r}"
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 302")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    (received,) = mailbox.wait_for(1, timeout=10)
    assert received.recipients == ["peserta@demo.example"]
    assert any("/password/reset/" in link for link in received.links())
