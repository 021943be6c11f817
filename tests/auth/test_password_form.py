"""The password form: says 'temporary' when that is what the person has, shows every
problem at once, and keeps what was right after a refusal."""

import re

from ..conftest import PASSWORD, csrf_token


def _values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input[^>]*name="(current_password|new_password|confirm)"'
                           r'[^>]*value="([^"]*)"', html))


def _post(client, **data):
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    return client.post("/account/password", data={"csrf_token": token, **data})


def test_first_sign_in_asks_for_the_temporary_password(client, auth, make_user):
    account = make_user("learner", must_change_password=True)
    auth.login(account.nip)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Kata sandi sementara" in page and "Kata sandi saat ini" not in page
    refused = _post(client, current_password="bukan-itu", new_password="Rumah-Kayu-Di-Medan-9",
                    confirm="Rumah-Kayu-Di-Medan-9").get_data(as_text=True)
    assert "Kata sandi sementara salah." in refused


def test_a_person_with_their_own_password_is_asked_for_the_current_one(
        client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    assert "Kata sandi saat ini" in client.get("/account/password").get_data(as_text=True)


def test_every_problem_shows_at_once(client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    page = _post(client, current_password="bukan-itu", new_password="12345678",
                 confirm="lain").get_data(as_text=True)
    assert "Kata sandi saat ini salah." in page
    assert "Kedua kata sandi baru tidak sama." in page
    # The weak new password is named too, in the same answer: three fields in error.
    assert page.count('aria-invalid="true"') == 3
    assert 'id="new_password-err"' in page


def test_a_refused_new_password_keeps_the_right_current_one(client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    page = _post(client, current_password=PASSWORD, new_password="12345678",
                 confirm="12345678").get_data(as_text=True)
    assert _values(page) == {"current_password": PASSWORD, "new_password": "",
                             "confirm": ""}


def test_a_mistyped_repeat_keeps_the_current_and_the_new_password(client, auth, make_user):
    account = make_user("learner")
    auth.login(account.nip)
    new = "Rumah-Kayu-Di-Medan-9"
    page = _post(client, current_password=PASSWORD, new_password=new,
                 confirm=new + "x").get_data(as_text=True)
    assert _values(page) == {"current_password": PASSWORD, "new_password": new,
                             "confirm": ""}
    assert "Kedua kata sandi baru tidak sama." in page
