"""X-Forwarded-* headers are believed only as far as ELEARN_TRUSTED_PROXIES says (README
"Running on several hosts"): behind one proxy the address it appends is the client's;
without a proxy configured, a client cannot pick the address its sign-ins count against."""

from __future__ import annotations

import pytest

from elearn import create_app
from elearn.extensions import db

from ..conftest import AuthActions

WRONG = "Salah-Sekali-99"


def _fail_from(app, forwarded_for: str, n: int):
    """One failed sign-in with an unknown identifier, sent with ``forwarded_for``."""
    auth = AuthActions(app.test_client())
    auth.client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return auth.login(f"tidak.ada.{n}@medan.go.id", WRONG)


@pytest.fixture
def behind_one_proxy(app, tmp_path):
    """The test app's database and settings, built with ELEARN_TRUSTED_PROXIES=1."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    proxied = create_app({"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url,
                          "TRUSTED_PROXIES": 1, "LOGIN_LIMIT_PER_ADDRESS": "3 per 15 minutes"},
                         profile="test", instance_path=str(tmp_path))
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_without_a_trusted_proxy_a_forged_address_escapes_no_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    for n in range(3):
        assert _fail_from(app, f"203.0.113.{n}", n).status_code == 200
    assert _fail_from(app, "203.0.113.77", 9).status_code == 429


def test_behind_one_proxy_each_client_address_has_its_own_limit(behind_one_proxy):
    for n in range(3):
        assert _fail_from(behind_one_proxy, "203.0.113.1", n).status_code == 200
    assert _fail_from(behind_one_proxy, "203.0.113.1", 9).status_code == 429
    assert _fail_from(behind_one_proxy, "203.0.113.2", 10).status_code == 200
    # A client's own X-Forwarded-For comes first; the proxy appends the real address,
    # and only that last one is believed.
    assert _fail_from(behind_one_proxy, "198.51.100.5, 203.0.113.1", 11).status_code == 429


def test_https_is_seen_through_a_trusted_proxy_only(app, behind_one_proxy):
    headers = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in app.test_client().get(
        "/login", headers=headers).headers
    assert "Strict-Transport-Security" in behind_one_proxy.test_client().get(
        "/login", headers=headers).headers
