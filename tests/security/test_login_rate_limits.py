"""Failed sign-ins are counted per account and slow it down, never lock it out (item 9)."""

from __future__ import annotations

import re
import time

import pytest

from elearn.extensions import limiter

from ..conftest import AuthActions

WRONG = "Salah-Sekali-99"


@pytest.fixture
def fast_delays(app, monkeypatch):
    """Two free failures, then waits of 1, 2, 4 ... seconds, at most 4."""
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES", 2)
    monkeypatch.setitem(app.config, "LOGIN_DELAY_SECONDS", 1)
    monkeypatch.setitem(app.config, "LOGIN_MAX_DELAY_SECONDS", 4)


def _wait(response) -> int:
    assert response.status_code == 429
    match = re.search(r"Coba lagi dalam (\d+) detik", response.get_data(as_text=True))
    assert match, "no wait in the answer"
    return int(match.group(1))


def test_failures_by_nip_and_by_email_count_for_the_same_account(app, make_user):
    account = make_user("learner", email="ada@medan.go.id")
    auth = AuthActions(app.test_client())
    for identifier in (account.nip, "ADA@medan.go.id", account.nip, " ada@medan.go.id ",
                       account.nip):
        assert auth.login(identifier, WRONG).status_code == 200
    # Five failures in all (default LOGIN_FREE_FAILURES): the next attempt waits,
    # whichever identifier it uses and from whichever browser.
    other_browser = AuthActions(app.test_client())
    assert _wait(other_browser.login("ada@medan.go.id")) > 0
    assert _wait(other_browser.login(account.nip)) > 0


def test_the_count_lives_in_the_shared_limiter_storage(app, make_user):
    account = make_user("learner")
    AuthActions(app.test_client()).login(account.nip, WRONG)
    assert limiter.storage.get(f"elearn/login-failures/user:{account.id}") == 1


def test_unknown_identifiers_are_counted_by_their_normalized_text(app, fast_delays):
    auth = AuthActions(app.test_client())
    assert auth.login("Tidak.Ada@medan.go.id", WRONG).status_code == 200
    assert auth.login(" tidak.ada@MEDAN.go.id", WRONG).status_code == 200
    assert _wait(auth.login("tidak.ada@medan.go.id", WRONG)) == 1


def test_delays_grow_and_end_and_a_right_password_then_signs_in(app, make_user, fast_delays):
    account = make_user("learner")
    auth = AuthActions(app.test_client())
    assert auth.login(account.nip, WRONG).status_code == 200
    assert auth.login(account.nip, WRONG).status_code == 200
    waits = []
    for _ in range(4):
        waits.append(_wait(auth.login(account.nip)))  # even the right password waits
        time.sleep(waits[-1] + 0.1)
        assert auth.login(account.nip, WRONG).status_code == 200
    assert waits == [1, 2, 4, 4]  # doubling, capped at LOGIN_MAX_DELAY_SECONDS
    # Not locked for longer than the delay: once it passes, the right password works.
    assert _wait(auth.login(account.nip)) <= 4
    time.sleep(4.1)
    assert auth.login(account.nip).status_code == 302
    # ... and a success forgets the failures.
    second = AuthActions(app.test_client())
    assert second.login(account.nip, WRONG).status_code == 200
    assert second.login(account.nip, WRONG).status_code == 200


def test_a_wrong_password_during_the_wait_is_not_checked_or_counted(app, make_user,
                                                                    fast_delays):
    account = make_user("learner")
    auth = AuthActions(app.test_client())
    auth.login(account.nip, WRONG)
    auth.login(account.nip, WRONG)
    for _ in range(5):
        assert auth.login(account.nip, WRONG).status_code == 429
    assert limiter.storage.get(f"elearn/login-failures/user:{account.id}") == 2


def test_the_per_address_limit_still_applies(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    auth = AuthActions(app.test_client())
    for i in range(3):
        assert auth.login(f"orang{i}@medan.go.id", WRONG).status_code == 200
    assert auth.login("orang9@medan.go.id", WRONG).status_code == 429



def test_no_delay_and_no_error_with_rate_limiting_turned_off(app, monkeypatch):
    from elearn.auth import throttle

    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    with app.test_request_context():
        for _ in range(10):
            throttle.record_failure("user:1")
        assert throttle.wait_before_attempt("user:1") == 0
        throttle.record_success("user:1")
