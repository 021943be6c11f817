"""Ending a session makes its real cookies useless, replayed from anywhere (issue 9, item 3)."""

from __future__ import annotations

import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import UserSession

from ..conftest import PASSWORD, AuthActions, csrf_token

NEW_PASSWORD = "Pohon-Mangga-Berbuah-2027"  # noqa: S105 - test data


def _sign_in(app, account):
    """A browser signed in with "keep me signed in"; returns it and its cookies."""
    browser = app.test_client()
    response = AuthActions(browser).login(account.nip, remember="y")
    assert response.status_code == 302
    return browser, _cookies(browser)


def _cookies(browser) -> dict[str, str]:
    cookies = {name: browser.get_cookie(name) for name in ("session", "remember_token")}
    assert all(cookies.values()), "sign-in set no session or remember cookie"
    return {name: cookie.value for name, cookie in cookies.items()}


def _replay(app, cookies: dict[str, str], names=("session", "remember_token")):
    """A fresh browser holding copies of the given cookies; returns GET / status."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, cookies[name])
    response = thief.get("/")
    return response.status_code, response.headers.get("Location", "")


def _assert_signed_out(app, cookies):
    for names in (("session",), ("remember_token",), ("session", "remember_token")):
        status, location = _replay(app, cookies, names)
        assert status == 302 and location.startswith("/login"), names


def _post(browser, page, url, data=None):
    token = csrf_token(browser.get(page).get_data(as_text=True))
    return browser.post(url, data={"csrf_token": token, **(data or {})})


def test_copied_cookies_work_while_the_session_lives(app, make_user):
    account = make_user("learner")
    _browser, cookies = _sign_in(app, account)
    assert _replay(app, cookies, ("session",))[0] == 200
    assert _replay(app, cookies, ("remember_token",))[0] == 200


def test_sign_out_makes_the_session_and_remember_cookies_useless(app, make_user):
    account = make_user("learner")
    browser, cookies = _sign_in(app, account)
    assert AuthActions(browser).logout().status_code == 302
    _assert_signed_out(app, cookies)


def test_sign_out_ends_only_that_session(app, make_user):
    account = make_user("learner")
    phone, phone_cookies = _sign_in(app, account)
    laptop, laptop_cookies = _sign_in(app, account)
    AuthActions(phone).logout()
    _assert_signed_out(app, phone_cookies)
    assert laptop.get("/").status_code == 200
    assert _replay(app, laptop_cookies, ("remember_token",))[0] == 200


def test_password_change_ends_every_session_and_keeps_this_device_signed_in(app, make_user):
    account = make_user("learner")
    other, other_cookies = _sign_in(app, account)
    browser, cookies = _sign_in(app, account)
    response = _post(browser, "/account/password", "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    _assert_signed_out(app, cookies)
    _assert_signed_out(app, other_cookies)
    assert other.get("/").status_code == 302
    # This device got a new session (and a new remember cookie) with the change.
    assert browser.get("/").status_code == 200
    assert _replay(app, _cookies(browser), ("remember_token",))[0] == 200


def test_admin_password_reset_ends_every_session_of_the_person(app, make_user):
    account = make_user("learner")
    _browser, cookies = _sign_in(app, account)
    admin = make_user("admin")
    admin_browser, _ = _sign_in(app, admin)
    page = f"/admin/users/{account.id}"
    assert _post(admin_browser, page, f"{page}/password").status_code == 302
    _assert_signed_out(app, cookies)


def test_deactivation_ends_every_session_of_the_person(app, make_user):
    account = make_user("learner")
    _browser, cookies = _sign_in(app, account)
    admin = make_user("admin")
    admin_browser, _ = _sign_in(app, admin)
    page = f"/admin/users/{account.id}"
    response = _post(admin_browser, page, f"{page}/active",
                     {"active": "0", "active-reason": "Pensiun", "active-confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
            UserSession.user_id == account.id)) == 0
    _assert_signed_out(app, cookies)


def test_sign_out_of_all_devices_ends_every_session(app, make_user):
    account = make_user("learner")
    _other, other_cookies = _sign_in(app, account)
    browser, cookies = _sign_in(app, account)
    page = browser.get("/account/password").get_data(as_text=True)
    assert "Keluar dari semua perangkat" in page
    unconfirmed = _post(browser, "/account/password", "/account/sign-out-everywhere")
    assert unconfirmed.status_code == 302
    assert _replay(app, other_cookies, ("remember_token",))[0] == 200  # nothing ended yet
    response = _post(browser, "/account/password", "/account/sign-out-everywhere",
                     {"sure": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    _assert_signed_out(app, cookies)
    _assert_signed_out(app, other_cookies)


def test_sign_out_of_all_devices_needs_the_csrf_token(app, make_user):
    account = make_user("learner")
    browser, cookies = _sign_in(app, account)
    response = browser.post("/account/sign-out-everywhere", data={"sure": "y"})
    assert response.status_code in (302, 400)
    assert _replay(app, cookies, ("session",))[0] == 200


def test_a_session_id_without_a_live_row_signs_no_one_in(app, make_user):
    from elearn.auth.guards import load_user

    account = make_user("learner")
    with app.test_request_context():
        assert load_user(str(account.id)) is None  # the old cookie format: plain user id
        assert load_user(f"{account.id}:forged-token") is None
        assert load_user("not-a-number:x") is None


def test_page_views_do_not_write_the_session_row_each_time(app, make_user):
    from datetime import timedelta

    from elearn.models.people import utcnow

    account = make_user("learner")
    browser, _ = _sign_in(app, account)
    writes = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE USER_SESSIONS"):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert browser.get("/").status_code == 200
        assert writes == []
        with app.app_context():
            db.session.execute(sa.update(UserSession).values(
                last_seen_at=utcnow() - timedelta(hours=1)))
            db.session.commit()
        writes.clear()
        assert browser.get("/").status_code == 200
        assert browser.get("/").status_code == 200
        assert len(writes) == 1  # touched once, then quiet again
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_a_refused_password_change_does_not_tick_sign_out_everywhere(app, make_user):
    account = make_user("learner")
    browser, _ = _sign_in(app, account)
    response = _post(browser, "/account/password", "/account/password", {
        "current_password": PASSWORD, "new_password": "password1", "confirm": "password1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    checkbox = next(tag for tag in html.split("<input")
                    if 'type="checkbox"' in tag and 'name="sure"' in tag)
    assert "checked" not in checkbox


def test_the_signed_in_user_is_a_clean_persistent_object_of_the_request_session(app,
                                                                                make_user):
    """The session lookup builds the user and unit from its row, not through the ORM's
    loading: they must behave exactly like loaded ones (in the session, nothing
    pending, changes saved on commit, the instance already in the session reused)."""
    from sqlalchemy import inspect

    from elearn.models import User
    from elearn.people.sessions import load_session_user, start_session

    with_unit = make_user("learner", unit_code="DISKOMINFO")
    without = make_user("instructor")
    with app.test_request_context():
        session_ids = {account.id: start_session(db.session.get(User, account.id))
                       for account in (with_unit, without)}
        db.session.commit()
        db.session.expunge_all()
        user = load_session_user(session_ids[with_unit.id])
        state = inspect(user)
        assert state.persistent and not state.modified and not db.session.dirty
        assert user.unit.code == "DISKOMINFO" and inspect(user.unit).persistent
        assert not state.expired_attributes and not state.unloaded
        assert user.session_id == session_ids[with_unit.id]
        user.full_name = "Nama Diubah"
        db.session.commit()
        db.session.expunge_all()
        assert db.session.get(User, with_unit.id).full_name == "Nama Diubah"
        loaded = db.session.get(User, without.id)
        assert load_session_user(session_ids[without.id]) is loaded and loaded.unit is None
        loaded.active = False
        db.session.commit()
        assert load_session_user(session_ids[without.id]) is None
