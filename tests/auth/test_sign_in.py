"""Signing in and out, passwords, CSRF and the sign-in rate limits."""

import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import User

from ..conftest import PASSWORD, AuthActions, csrf_token


def test_sign_in_with_nip_reaches_the_dashboard(client, auth, make_user):
    account = make_user("learner")
    response = auth.login(account.nip)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Pembelajaran Saya" in page.get_data(as_text=True)


def test_sign_in_with_email_ignores_its_case(client, auth, make_user):
    make_user("learner", email="andi@medan.go.id")
    response = auth.login("Andi@Medan.go.id")
    assert response.status_code == 302


def test_wrong_password_gets_a_clear_error_and_no_session(client, auth, make_user):
    account = make_user("learner")
    response = auth.login(account.nip, "salah-sekali")
    assert response.status_code == 200
    assert "NIP/email atau kata sandi salah." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_account_gets_the_same_error_as_a_wrong_password(auth):
    response = auth.login("199204112019031099", "apa-saja-123")
    assert "NIP/email atau kata sandi salah." in response.get_data(as_text=True)


def test_inactive_account_cannot_sign_in(client, auth, make_user):
    account = make_user("learner", active=False)
    response = auth.login(account.nip)
    assert response.status_code == 200
    assert "Akun ini telah dinonaktifkan" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_empty_form_names_each_missing_field(auth):
    response = auth.login("", "")
    html = response.get_data(as_text=True)
    assert "Masukkan NIP atau email Anda." in html
    assert "Masukkan kata sandi Anda." in html


def test_sign_out_is_a_post_and_ends_the_session(client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_form_without_csrf_token_is_rejected(client, make_user):
    account = make_user("learner")
    response = client.post("/login", data={"identifier": account.nip, "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_without_csrf_token_keeps_the_session(client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_next_parameter_only_follows_local_paths(client, make_user):
    account = make_user("admin")
    for target, expected in [("/admin/users", "/admin/users"),
                             ("https://evil.example/", "/"), ("//evil.example", "/")]:
        page = client.get("/login")
        response = client.post(f"/login?next={target}", data={
            "identifier": account.nip, "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.headers["Location"] == expected
        AuthActions(client).logout()


def test_failed_attempts_on_one_account_are_rate_limited(app, client, auth, make_user):
    account = make_user("learner")
    for _ in range(5):
        assert auth.login(account.nip, "salah-sekali").status_code == 200
    blocked = auth.login(account.nip)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers


def test_account_limit_applies_from_every_address(app, make_user):
    account = make_user("learner")
    for i in range(5):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.0.0.{i}"
        AuthActions(c).login(account.nip, "salah-sekali")
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert AuthActions(other).login(account.nip).status_code == 429


def test_failed_attempts_from_one_address_are_rate_limited(client, auth):
    # 20 different made-up accounts from the same address.
    for i in range(20):
        assert auth.login(f"1992041120190310{i:02d}", "salah-sekali").status_code == 200
    assert auth.login("199204112019031099", "salah-sekali").status_code == 429


def test_successful_sign_ins_do_not_use_up_the_limit(client, auth, make_user):
    account = make_user("learner")
    for _ in range(7):
        assert auth.login(account.nip).status_code == 302
        auth.logout()


def test_password_is_stored_hashed_with_scrypt(app, make_user):
    account = make_user("learner")
    with app.app_context():
        user = db.session.get(User, account.id)
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


def test_created_account_must_change_password_before_anything_else(app, client, auth, make_user):
    account = make_user("learner", must_change_password=True)
    response = auth.login(account.nip)
    assert response.status_code == 302
    dashboard = client.get("/")
    assert dashboard.status_code == 302
    assert dashboard.headers["Location"] == "/account/password"
    page = client.get("/account/password")
    html = page.get_data(as_text=True)
    assert "Buat kata sandi Anda sendiri" in html
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "sandi-baru-456",
        "confirm": "sandi-baru-456", "csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        user = db.session.get(User, account.id)
        assert not user.must_change_password
        assert user.check_password("sandi-baru-456")


def test_change_password_reports_each_problem(client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    html = client.get("/account/password").get_data(as_text=True)
    response = client.post("/account/password", data={
        "current_password": "bukan-ini", "new_password": "123456789",
        "confirm": "123456789", "csrf_token": csrf_token(html)})
    text = response.get_data(as_text=True)
    assert "Kata sandi saat ini salah." in text
    assert "Kata sandi tidak boleh hanya berisi angka." in text
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "sandi-baru-456",
        "confirm": "sandi-lain-789", "csrf_token": csrf_token(html)})
    assert "Kedua kata sandi baru tidak sama." in response.get_data(as_text=True)


def test_unchanged_password_change_leaves_the_hash_alone(app, client, auth, make_user):
    account = make_user("learner")
    with app.app_context():
        before = db.session.scalar(sa.select(User.password_hash).where(User.id == account.id))
    auth.login(account.nip)
    html = client.get("/account/password").get_data(as_text=True)
    client.post("/account/password", data={
        "current_password": "bukan-ini", "new_password": "sandi-baru-456",
        "confirm": "sandi-baru-456", "csrf_token": csrf_token(html)})
    with app.app_context():
        after = db.session.scalar(sa.select(User.password_hash).where(User.id == account.id))
    assert before == after
