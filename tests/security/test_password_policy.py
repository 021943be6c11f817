"""Weak passwords are refused wherever a password is chosen (issue 9, item 8)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from elearn.people.management import temporary_password
from elearn.people.passwords import common_passwords, password_problems
from elearn.people.staff_import import ImportRefused, apply_import, plan_import

from ..conftest import PASSWORD, csrf_token

PERSON = {"nip": "199204112019031005", "email": "budi.santoso@medan.go.id",
          "full_name": "Budi Santoso"}
WEAK = ["aaaaaaaa", "password", "12345678a", "12345678", "qwertyuiop", "abcdefgh", "passpass",
        "P@ssw0rd!", "Password123", "bismillah", "bismillah123", "indonesia1", "Rahasia2024",
        "sayang123", "merdeka45", "qwerty123", "iloveyou!", "abcabcabc", "11223344",
        "1q2w3e4r5t", "Katasandi1"]
PERSONAL = ["199204112019031005", "x199204112019031005!", "budi.santoso", "BudiSantoso",
            "budi santoso", "Budi1992!", "santoso2024", "budi.santoso@medan.go.id",
            "!!Santoso!!", "santosobudi"]
STRONG = [PASSWORD, "kuda lari kencang", "Xk9#mP2qzW", "Gunung-Sibayak-Pagi", "sandi-kuat-1",
          "belajar-asn", "a" * 7 + "Zq9!" + "b" * 3]


@pytest.mark.parametrize("password", WEAK)
def test_common_repetitive_and_sequential_passwords_are_refused(app, password):
    with app.test_request_context():
        assert password_problems(password, **PERSON), password


@pytest.mark.parametrize("password", PERSONAL)
def test_passwords_built_from_the_persons_nip_email_or_name_are_refused(app, password):
    with app.test_request_context(), force_locale("en"):
        problems = password_problems(password, **PERSON)
    assert "Do not build the password from your NIP, email or name." in problems, password


@pytest.mark.parametrize("password", STRONG)
def test_long_uncommon_passwords_are_accepted(app, password):
    with app.test_request_context():
        assert password_problems(password, **PERSON) == []


def test_every_problem_is_reported_at_once(app):
    with app.test_request_context(), force_locale("en"):
        problems = password_problems("1234567", **PERSON)
    assert problems == ["Password must be at least 8 characters.",
                        "Password must not be digits only.",
                        "This password is too common: it is on lists of leaked passwords "
                        "that attackers try first."]
    with app.test_request_context():
        assert len(password_problems("x" * 129)) == 2  # too long and repetitive


def test_the_bundled_list_holds_leaked_and_indonesian_passwords():
    common = common_passwords()
    assert len(common) > 20000
    assert {"bismillah", "indonesia", "rahasia", "sayang", "merdeka", "password123",
            "qwerty123"} <= common


def test_temporary_passwords_pass_the_rule(app):
    with app.test_request_context():
        for _ in range(50):
            assert password_problems(temporary_password()) == []


def _change(client, new):
    html = client.get("/account/password").get_data(as_text=True)
    return client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm": new,
        "csrf_token": csrf_token(html)})


def test_account_page_explains_the_rule_and_refuses_weak_passwords(app, client, auth, make_user):
    account = make_user("learner", email="test.learner@medan.go.id")
    auth.login(account.nip)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Minimal 8 karakter" in page and "NIP, email, atau nama Anda" in page
    for weak in ("aaaaaaaa", "password", "12345678a", account.nip, "test.learner",
                 "Test Learner", "TestLearner2026"):
        response = _change(client, weak)
        assert response.status_code == 200, weak
        body = response.get_data(as_text=True)
        assert "terlalu umum" in body or "terlalu mudah ditebak" in body \
            or "Jangan menyusun kata sandi dari NIP" in body, weak
    assert _change(client, "Sungai-Deli-Mengalir").status_code == 302


def test_cli_refuses_a_common_password(app, runner):
    result = runner.invoke(args=["users", "create", "--nip", "199001012015012003", "--name",
                                 "Siti Aminah", "--role", "learner", "--password", "password123"])
    assert result.exit_code != 0
    assert "terlalu umum" in result.output


def test_staff_import_refuses_a_common_shared_initial_password(app):
    from elearn.people.services import upsert_unit

    data = b"nip,name\r\n199204112019031005,Budi Santoso\r\n"
    with app.app_context(), force_locale("en"):
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        plan = plan_import(data, "staff.csv")
        for weak in ("password123", "bismillah1", "aaaaaaaaaa"):
            with pytest.raises(ImportRefused):
                apply_import(plan, initial_password=weak, skip_invalid=False)


def test_staff_import_cli_refuses_a_common_initial_password(app, runner, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_bytes(b"nip,name\r\n199204112019031005,Budi Santoso\r\n")
    result = runner.invoke(args=["users", "import", str(staff), "--initial-password",
                                 "qwerty123"])
    assert result.exit_code != 0
    assert "terlalu umum" in result.output
