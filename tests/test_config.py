"""Settings: profiles, ELEARN_* overrides, secret key handling, database defaults."""

import pytest
import sqlalchemy as sa

from config import load_settings
from elearn import ConfigurationError, create_app


def test_every_setting_can_be_overridden_by_an_elearn_variable():
    settings = load_settings(
        {"ELEARN_DATABASE_URL": "postgresql+psycopg://db/elearn", "ELEARN_YEARLY_JP_TARGET": "24",
         "ELEARN_SESSION_COOKIE_SECURE": "yes", "ELEARN_RATELIMIT_STORAGE_URI": "redis://r:6379"},
        profile="development",
    )
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/elearn"
    assert settings["YEARLY_JP_TARGET"] == 24
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://r:6379"


def test_badly_typed_override_is_a_clear_error():
    with pytest.raises(ValueError, match="ELEARN_YEARLY_JP_TARGET: expected a whole number"):
        load_settings({"ELEARN_YEARLY_JP_TARGET": "twenty"})
    with pytest.raises(ValueError, match="ELEARN_SESSION_COOKIE_SECURE: expected a boolean"):
        load_settings({"ELEARN_SESSION_COOKIE_SECURE": "maybe"})


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="ELEARN_ENV must be one of"):
        load_settings({"ELEARN_ENV": "staging"})


def test_production_without_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("ELEARN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="ELEARN_SECRET_KEY is not set"):
        create_app(profile="production", instance_path=str(tmp_path))
    assert not (tmp_path / "secret_key").exists()


def test_production_sets_secure_cookie_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("ELEARN_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("ELEARN_PUBLIC_URL", "https://elearn.example.go.id")
    app = create_app(profile="production", instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ELEARN_SECRET_KEY", raising=False)
    first = create_app(profile="development", instance_path=str(tmp_path))
    second = create_app(profile="development", instance_path=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("ELEARN_DATABASE_URL", raising=False)
    app = create_app(profile="development", instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'elearn.sqlite3'}"


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    app = create_app({"DATABASE_URL": url}, profile="test", instance_path=str(tmp_path))
    from elearn.extensions import db

    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
