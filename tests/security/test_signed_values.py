"""elearn.signed: the session cookie's signature is checked once per cookie and
the CSRF token signed once a minute per session, without weakening either: a
tampered, expired or re-keyed cookie is still refused, kept data cannot be changed
through a request, and every token handed out is one Flask-WTF accepts."""

import time

import pytest

from elearn import signed

from ..conftest import NIPS, AuthActions, csrf_token


@pytest.fixture(autouse=True)
def _fresh():
    signed.forget()
    yield
    signed.forget()


def _serializer(app):
    return app.session_interface.get_signing_serializer(app)


def _cookie(app, data: dict) -> str:
    return _serializer(app).dumps(data)


def test_a_cookie_is_checked_once_and_then_read_from_what_was_kept(app, monkeypatch):
    serializer = _serializer(app)
    value = _cookie(app, {"_user_id": "abc", "_fresh": True})
    calls = []
    loads = serializer.loads
    monkeypatch.setattr(serializer, "loads", lambda *a, **k: calls.append(1) or loads(*a, **k))
    assert signed.open_cookie(serializer, value, 3600) == {"_user_id": "abc", "_fresh": True}
    assert signed.open_cookie(serializer, value, 3600) == {"_user_id": "abc", "_fresh": True}
    assert len(calls) == 1


def test_a_tampered_cookie_is_refused(app):
    serializer = _serializer(app)
    value = _cookie(app, {"_user_id": "abc"})
    assert signed.open_cookie(serializer, value, 3600) is not None
    payload, rest = value.split(".", 1)
    forged = _cookie(app, {"_user_id": "someone-else"}).split(".", 1)[0] + "." + rest
    assert signed.open_cookie(serializer, forged, 3600) is None
    assert signed.open_cookie(serializer, value[:-2] + "xx", 3600) is None


def test_a_kept_cookie_expires_as_a_checked_one_does(app, monkeypatch):
    serializer = _serializer(app)
    value = _cookie(app, {"_user_id": "abc"})
    assert signed.open_cookie(serializer, value, 3600) is not None
    later = time.time() + 3601
    monkeypatch.setattr(signed, "_clock", lambda: later)
    monkeypatch.setattr(time, "time", lambda: later)  # what itsdangerous reads
    assert signed.open_cookie(serializer, value, 3600) is None


def test_changing_the_returned_data_does_not_change_what_is_kept(app):
    serializer = _serializer(app)
    value = _cookie(app, {"_user_id": "abc"})
    first = signed.open_cookie(serializer, value, 3600)
    first["_user_id"] = "changed"
    assert signed.open_cookie(serializer, value, 3600) == {"_user_id": "abc"}


def test_cookies_holding_more_than_plain_values_are_not_kept(app):
    """Flashed messages are a list Flask appends to in place: such a cookie is read
    afresh each time."""
    serializer = _serializer(app)
    value = _cookie(app, {"_flashes": [["info", "Tersimpan"]]})
    first = signed.open_cookie(serializer, value, 3600)
    first["_flashes"].append(["info", "lagi"])
    assert signed.open_cookie(serializer, value, 3600) == {"_flashes": [["info", "Tersimpan"]]}


def test_a_new_secret_key_refuses_cookies_kept_under_the_old_one(app):
    value = _cookie(app, {"_user_id": "abc"})
    assert signed.open_cookie(_serializer(app), value, 3600) is not None
    old = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "another-secret-key-0123456789-abcdef"
    try:
        assert signed.open_cookie(_serializer(app), value, 3600) is None
    finally:
        app.secret_key = app.config["SECRET_KEY"] = old


def test_what_is_kept_stays_bounded(app, monkeypatch):
    monkeypatch.setattr(signed, "MAX_KEPT", 5)
    serializer = _serializer(app)
    for n in range(12):
        signed.open_cookie(serializer, _cookie(app, {"n": n}), 3600)
    assert len(signed._cookies) == 5


def _token(client) -> str:
    return csrf_token(client.get("/").get_data(as_text=True))


def test_pages_of_one_session_within_a_minute_carry_the_same_token_and_it_works(
        client, make_user, auth, monkeypatch):
    make_user("learner")
    auth.login(NIPS["learner"])
    signed.forget()
    signings = []
    sign = signed.generate_csrf
    monkeypatch.setattr(signed, "generate_csrf", lambda: signings.append(1) or sign())
    first, second = _token(client), _token(client)
    assert first == second
    assert len(signings) == 1
    client.post("/logout", data={"csrf_token": second})
    assert "/login" in client.get("/").headers["Location"]


@pytest.mark.parametrize("use", ["older", "newer"])
def test_after_a_minute_the_token_is_signed_again_and_both_work(client, make_user, auth,
                                                                 monkeypatch, use):
    make_user("learner")
    auth.login(NIPS["learner"])
    signings = []
    sign = signed.generate_csrf
    monkeypatch.setattr(signed, "generate_csrf", lambda: signings.append(1) or sign())
    earlier = time.time() - signed.CSRF_REUSE_SECONDS - 1
    monkeypatch.setattr(signed, "_clock", lambda: earlier)
    first = _token(client)
    monkeypatch.setattr(signed, "_clock", time.time)
    assert _token(client) == first or signings  # no reuse of a token over a minute old
    second = _token(client)
    assert len(signings) == 2  # once for the first page, once when it was too old
    client.post("/logout", data={"csrf_token": first if use == "older" else second})
    assert "/login" in client.get("/").headers["Location"]


def test_a_wrong_token_still_signs_no_one_out(client, make_user, auth):
    make_user("learner")
    auth.login(NIPS["learner"])
    token = _token(client)
    client.post("/logout", data={"csrf_token": token[:-3] + "abc"})
    assert client.get("/").status_code == 200


def test_two_sessions_never_share_a_token(app, make_user):
    make_user("learner")
    make_user("instructor")
    tokens = []
    for who in ("learner", "instructor"):
        client = app.test_client()
        AuthActions(client).login(NIPS[who])
        tokens.append(_token(client))
    assert tokens[0] != tokens[1]


@pytest.mark.parametrize("payload", [[1, 2], "text", 7, {"_user_id": {"nested": 1}},
                                     {"_user_id": 12345}, {"csrf_token": 123}])
@pytest.mark.parametrize("path", ["/", "/login", "/courses"])
def test_a_signed_cookie_of_the_wrong_shape_signs_no_one_in_and_breaks_nothing(
        app, client, payload, path):
    """Only a holder of the secret key could sign these; still, each is a visitor
    signed out, never a server error."""
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie(app, payload))
    response = client.get(path)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
