"""A failed sign-in costs the same whether or not the account exists (issue 9, item 5)."""

from __future__ import annotations

import statistics
import time

import elearn.models.people as people_models

from ..conftest import AuthActions


def _count_hash_checks(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = people_models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(people_models, "check_password_hash", counting)
    return calls


def test_unknown_and_deactivated_accounts_cost_one_password_check(app, client, make_user,
                                                                  monkeypatch):
    make_user("learner", email="ada@medan.go.id")
    make_user("instructor", active=False)
    calls = _count_hash_checks(monkeypatch)
    auth = AuthActions(client)
    for identifier in ("199204112019031005", "ada@medan.go.id",      # exist, wrong password
                       "198507202010012001",                         # deactivated
                       "199901012020011001", "tidak.ada@medan.go.id"):  # unknown
        before = len(calls)
        response = auth.login(identifier, "Salah-Sekali-99")
        assert response.status_code == 200
        assert "NIP/email atau kata sandi salah" in response.get_data(as_text=True)
        assert len(calls) == before + 1, identifier
        assert calls[-1].startswith("scrypt:"), identifier


def test_unknown_account_takes_about_as_long_as_a_wrong_password(app, client, make_user):
    account = make_user("learner")
    auth = AuthActions(client)
    auth.login("199901012020011009", "Salah-Sekali-99")  # the dummy hash is made once

    def timed(identifier: str) -> float:
        start = time.perf_counter()
        auth.login(identifier, "Salah-Sekali-99")
        return time.perf_counter() - start

    known = statistics.median(timed(account.nip) for _ in range(3))
    unknown = statistics.median(timed(f"19990101202001100{i}") for i in range(3))
    # Before the fix the unknown account answered ~25 times faster.
    assert unknown > known / 3
