"""Password reset by email ("Lupa kata sandi?"), through a real SMTP server."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from elearn.extensions import db
from elearn.models import Notification, User
from elearn.notifications import reset
from tests.conftest import csrf_token

NEW_PASSWORD = "kopi susu di pagi hari"  # noqa: S105


def ask(client, identifier):
    page = client.get("/password/forgot")
    # buffered: the response is read whole and closed, as a WSGI server does (what
    # depends on the account runs when it closes)
    return client.post("/password/forgot", data={
        "identifier": identifier, "csrf_token": csrf_token(page.get_data(as_text=True))},
        buffered=True)


def set_new(client, link, password=NEW_PASSWORD, confirm=None):
    path = link.split("127.0.0.1:5000", 1)[-1] if "://" in link else link
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return client.post(path, data={"new_password": password, "confirm": confirm or password,
                                   "csrf_token": csrf_token(page.get_data(as_text=True))})


def link_in(box, address):
    (received,) = box.to(address)
    (link,) = [u for u in received.links() if "/password/reset/" in u]
    return link


@pytest.fixture
def person(make_user):
    return make_user("learner", email="sari@pemko.example")


def test_the_sign_in_page_links_to_the_reset_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    assert "Lupa kata sandi?" in page


def test_a_reset_email_arrives_in_indonesian_with_a_link_that_signs_in_once(
        client, mailbox, person):
    answer = ask(client, person.nip)
    assert answer.status_code == 302 and answer.location.endswith("/login")
    (received,) = mailbox.wait_for(1)
    assert received.recipients == ["sari@pemko.example"]
    assert "Atur ulang kata sandi" in received.subject
    assert "BKPSDM Kota Medan" in received.subject
    assert "Halo Test Learner" in received.text
    link = link_in(mailbox, "sari@pemko.example")
    assert link.startswith("http://127.0.0.1:5000/password/reset/")  # PUBLIC_URL, not the request
    assert link in received.html

    done = set_new(client, link)
    assert done.status_code == 302 and done.location.endswith("/")
    assert client.get("/").status_code == 200  # signed in
    with client.application.app_context():
        user = db.session.get(User, person.id)
        assert user.check_password(NEW_PASSWORD)
        assert not user.check_password(person.password)

    # the same link a second time: the password it was made for is gone
    again = client.get(link.split("127.0.0.1:5000", 1)[1])
    assert again.status_code == 410
    assert "sudah digunakan" in again.get_data(as_text=True)


def test_an_email_address_typed_in_any_case_gets_the_link(client, mailbox, person):
    ask(client, "  SARI@Pemko.Example ")
    assert len(mailbox.wait_for(1)) == 1


def test_the_answer_is_the_same_for_known_unknown_and_addressless_accounts(
        client, mailbox, make_user, person):
    addressless = make_user("instructor")  # no email address
    answers = []
    for identifier in (person.nip, "199001012020011999", "nobody@pemko.example",
                       addressless.nip):
        answer = ask(client, identifier)
        page = client.get(answer.location).get_data(as_text=True)
        answers.append((answer.status_code, answer.location,
                        page.replace(csrf_token(page), "")))
    assert len(set(answers)) == 1
    assert "tautan untuk membuat kata sandi baru" in answers[0][2]
    assert len(mailbox.wait_for(1)) == 1  # only the known account with an address


def test_nothing_about_the_account_is_done_before_the_answer_leaves(app, client, person,
                                                                    monkeypatch):
    """The view's own work is the same for every identifier: what depends on the
    account (the lookup, recording, sending) runs only when the response closes."""
    from tests.conftest import recorded_sql

    statements_per_identifier = []
    for identifier in (person.nip, "199001012020011999"):
        page = client.get("/password/forgot")
        data = {"identifier": identifier, "csrf_token": csrf_token(page.get_data(as_text=True))}
        with recorded_sql(app) as statements:
            response = client.post("/password/forgot", data=data, buffered=False)
            before_close = list(statements)
            response.close()
        statements_per_identifier.append(before_close)
    assert statements_per_identifier[0] == statements_per_identifier[1]
    with app.app_context():
        assert db.session.query(Notification).count() == 1


def test_a_link_expires(app, client, mailbox, person, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", 3600)
    past = time.time() - 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(past))
    ask(client, person.nip)
    link = link_in(mailbox, person.email) if mailbox.wait_for(1) else None
    monkeypatch.undo()
    answer = client.get(link.split("127.0.0.1:5000", 1)[1])
    assert answer.status_code == 410
    assert "kedaluwarsa" in answer.get_data(as_text=True)


def test_a_link_stops_working_once_the_password_changes(app, client, mailbox, person, auth):
    ask(client, person.nip)
    mailbox.wait_for(1)
    link = link_in(mailbox, person.email)
    with app.app_context():
        user = db.session.get(User, person.id)
        user.set_password("teh manis sore hari")
        db.session.commit()
    assert client.get(link.split("127.0.0.1:5000", 1)[1]).status_code == 410


def test_a_tampered_or_foreign_link_is_refused(client, app, person):
    foreign = URLSafeTimedSerializer("another-key", salt="elearn-password-reset").dumps(
        {"u": person.id, "p": "0" * 24})
    for path in ("/password/reset/abc", "/password/reset/" + "x" * 2000,
                 "/password/reset/" + foreign):
        answer = client.get(path)
        assert answer.status_code in (404, 410), (path[:40], answer.status_code)


def test_resetting_ends_every_other_session(app, mailbox, person, auth):
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login(person.nip, person.password)
    assert other.get("/").status_code == 200
    fresh = app.test_client()
    ask(fresh, person.email)
    mailbox.wait_for(1)
    assert set_new(fresh, link_in(mailbox, person.email)).status_code == 302
    assert other.get("/").status_code == 302  # the old session is over
    assert fresh.get("/").status_code == 200


def test_a_refused_new_password_says_why_and_changes_nothing(app, client, mailbox, person):
    ask(client, person.nip)
    mailbox.wait_for(1)
    link = link_in(mailbox, person.email)
    refused = set_new(client, link, password="12345678")
    assert refused.status_code == 200
    assert "tidak boleh hanya berisi angka" in refused.get_data(as_text=True).lower()
    differ = set_new(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert "Kedua kata sandi baru tidak sama." in differ.get_data(as_text=True)
    both = set_new(client, link, password="12345678", confirm="12345679").get_data(as_text=True)
    assert "tidak boleh hanya berisi angka" in both  # every problem at once
    assert "Kedua kata sandi baru tidak sama." in both
    assert 'value="12345678"' not in both  # a refused password is not shown again
    with app.app_context():
        assert db.session.get(User, person.id).check_password(person.password)


def test_requests_are_rate_limited_per_address(app, client, monkeypatch, person):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMIT", "3 per 15 minutes")
    codes = [ask(client, "199001012020011999").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]


def test_a_second_request_within_minutes_sends_no_second_email(client, mailbox, person):
    ask(client, person.nip)
    ask(client, person.email)
    time.sleep(0.3)
    assert len(mailbox.wait_for(2, timeout=1)) == 1


def test_without_a_mail_server_the_email_is_logged_and_the_page_works(
        app, client, person, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_HOST", "")
    with caplog.at_level("INFO", logger="elearn.mail"):
        answer = ask(client, person.nip)
    assert answer.status_code == 302
    assert any("/password/reset/" in r.getMessage() for r in caplog.records)


def test_an_unreachable_mail_server_is_retried_by_notify_send(app, client, person, monkeypatch,
                                                              runner):
    from tests.mailbox import free_port, start

    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    assert ask(client, person.nip).status_code == 302
    with app.app_context():
        (row,) = db.session.query(Notification).all()
        assert (row.email_status, row.attempts) == ("pending", 1)
        assert row.last_error
        row.next_attempt_at = row.created_at  # its retry is due
        db.session.commit()
    box, controller = start()
    try:
        monkeypatch.setitem(app.config, "MAIL_PORT", box.port)
        result = runner.invoke(args=["notify", "send"])
        assert result.exit_code == 0, result.output
        assert "Terkirim: 1" in result.output
        assert len(box.wait_for(1)) == 1
        again = runner.invoke(args=["notify", "send"])
        assert "Terkirim: 0" in again.output
        assert len(box.received) == 1
    finally:
        controller.stop()
    with app.app_context():
        row = db.session.query(Notification).one()
        assert (row.email_status, row.attempts) == ("sent", 2)


def test_the_answer_takes_as_long_for_a_known_account_as_for_an_unknown_one(
        app, mailbox, person, monkeypatch):
    """Over a real HTTP server, with a mail server that takes 0.3 s per message and
    an email for every request: the response is complete before anything that
    depends on the account, so its time tells nothing (medians of 25 requests
    each, alternated). (The account lookup is checked above, statement by
    statement: its fraction of a millisecond is below what timing can show.)"""
    import http.client
    import statistics
    import threading
    from urllib.parse import urlencode

    from werkzeug.serving import make_server

    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMIT", "1000 per minute")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(reset, "RESEND_AFTER", timedelta(0))
    mailbox.delay = 0.3
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times = {"known": [], "unknown": []}
    try:
        for i in range(52):
            which = ("known", "unknown")[i % 2]
            identifier = person.nip if which == "known" else f"19900101202001{i:04d}"
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            body = urlencode({"identifier": identifier})
            started = time.perf_counter()
            connection.request("POST", "/password/forgot", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            connection.close()
            assert response.status == 302
            if i >= 2:  # the first of each warms up
                times[which].append(elapsed)
    finally:
        server.shutdown()
    known, unknown = (statistics.median(times[k]) for k in ("known", "unknown"))
    assert abs(known - unknown) < 0.1, (known, unknown)
    assert len(mailbox.wait_for(26, timeout=15)) == 26  # every known request sent one


def test_a_failure_after_the_answer_is_logged_not_raised(app, client, person, monkeypatch,
                                                        caplog):
    def broken(user):
        raise RuntimeError("database went away")

    monkeypatch.setattr(reset, "request_reset", broken)
    with caplog.at_level("ERROR"):
        answer = ask(client, person.nip)
    assert answer.status_code == 302
    assert any("password reset" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("path", ["/password/forgot", "/login"])
def test_a_huge_identifier_is_refused_without_being_echoed_back(client, path):
    page = client.get(path).get_data(as_text=True)
    answer = client.post(path, data={"identifier": "1" * 2_000_000, "password": "x",
                                     "csrf_token": csrf_token(page)})
    assert answer.status_code == 200
    assert len(answer.data) < 20_000
    assert "Paling banyak 254 karakter." in answer.get_data(as_text=True)
