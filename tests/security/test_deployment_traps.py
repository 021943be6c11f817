"""Issue 9, item 11: the app speaks Indonesian however it is started, and production
refuses a public address that would put 127.0.0.1 in certificate QR codes.

Compiled catalogs (.mo) are build products that only ``make`` used to build: started
with ``pip install -r requirements.txt`` then ``gunicorn wsgi:app``, the interface
was English inside ``<html lang="id">``. The catalogs are now compiled at start-up.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import elearn
from elearn import ConfigurationError, create_app
from elearn.extensions import babel
from elearn.i18n import compile_catalog, compile_catalogs

PACKAGE_TRANSLATIONS = Path(elearn.__file__).parent / "translations"
ID_PO = PACKAGE_TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def no_built_catalogs():
    """The package as a fresh checkout or ``pip install`` leaves it: no .mo files.
    The ones ``make`` built are moved aside for the test and put back afterwards."""
    built = sorted(PACKAGE_TRANSLATIONS.glob("*/LC_MESSAGES/*.mo"))
    aside = [mo.with_name(mo.name + ".aside-for-test") for mo in built]
    try:
        for mo, away in zip(built, aside, strict=True):
            os.replace(mo, away)
        yield
    finally:
        for mo, away in zip(built, aside, strict=True):
            if away.exists():
                os.replace(away, mo)


def login_page(app) -> str:
    """The sign-in page, read with the catalogs this app loads (Flask-Babel caches
    catalogs per process, across apps: forget those of earlier apps, before and after)."""
    with app.app_context():
        babel.domain_instance.cache.clear()
    try:
        return app.test_client().get("/login").get_data(as_text=True)
    finally:
        with app.app_context():
            babel.domain_instance.cache.clear()


def test_a_fresh_install_without_make_speaks_indonesian(tmp_path, no_built_catalogs):
    app = create_app(profile="test", instance_path=str(tmp_path))
    html = login_page(app)
    assert '<html lang="id">' in html
    assert "Masuk" in html and "Sign in" not in html
    mo = tmp_path / "translations" / "id" / "LC_MESSAGES" / "messages.mo"
    assert mo.read_bytes() == compile_catalog(ID_PO, "id")
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(tmp_path / "translations")


def test_a_stale_compiled_catalog_is_recompiled(tmp_path, no_built_catalogs):
    # A catalog compiled from an older .po (a translation that has since changed),
    # with a newer modification time than the source: the content decides.
    old_po = tmp_path / "old" / "id" / "LC_MESSAGES" / "messages.po"
    old_po.parent.mkdir(parents=True)
    old_po.write_text(ID_PO.read_text(encoding="utf-8").replace(
        'msgstr "Masuk"', 'msgstr "Log Masuk Lama"', 1), encoding="utf-8")
    instance = tmp_path / "instance"
    compile_catalogs(tmp_path / "old", instance / "translations")
    mo = instance / "translations" / "id" / "LC_MESSAGES" / "messages.mo"
    assert b"Log Masuk Lama" in mo.read_bytes()
    os.utime(mo, (ID_PO.stat().st_mtime + 3600,) * 2)

    app = create_app(profile="test", instance_path=str(instance))
    assert mo.read_bytes() == compile_catalog(ID_PO, "id")
    html = login_page(app)
    assert "Masuk" in html and "Log Masuk Lama" not in html


def test_up_to_date_catalogs_are_left_alone(tmp_path):
    target = tmp_path / "translations"
    assert len(compile_catalogs(PACKAGE_TRANSLATIONS, target)) == 2
    assert compile_catalogs(PACKAGE_TRANSLATIONS, target) == []


def test_workers_starting_at_once_all_get_a_whole_catalog(tmp_path):
    target = tmp_path / "translations"
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: compile_catalogs(PACKAGE_TRANSLATIONS, target), range(12)))
    mo = target / "id" / "LC_MESSAGES" / "messages.mo"
    assert mo.read_bytes() == compile_catalog(ID_PO, "id")
    assert sorted(p.name for p in mo.parent.iterdir()) == ["messages.mo"]  # no temp files left


def test_an_unwritable_instance_folder_still_gives_indonesian(tmp_path, no_built_catalogs):
    (tmp_path / "translations").write_text("not a folder")  # makes the instance copy fail
    app = create_app(profile="test", instance_path=str(tmp_path))
    html = login_page(app)
    assert "Masuk" in html and "Sign in" not in html


# --- production settings ---------------------------------------------------------------------

PRODUCTION = {"SECRET_KEY": "x" * 48, "PUBLIC_URL": "https://elearn.medan.go.id",
              "CERTIFICATE_SIGNATORY_NAME": "Drs. Budi Harahap, M.AP.",
              "CERTIFICATE_SIGNATORY_NIP": "196801011990031001"}


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5000", "http://localhost:8000", "http://LOCALHOST.", "http://127.0.1.1",
    "http://[::1]:5000", "http://0.0.0.0:5000", "", "elearn.medan.go.id", "ftp://elearn.go.id",
    "http://elearn.localhost", "https://",
])
def test_production_refuses_a_public_url_only_this_machine_reaches(tmp_path, url):
    with pytest.raises(ConfigurationError, match="ELEARN_PUBLIC_URL .*export ELEARN_PUBLIC_URL="):
        create_app({**PRODUCTION, "PUBLIC_URL": url}, profile="production",
                   instance_path=str(tmp_path))


def test_production_refuses_the_default_public_url_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ELEARN_SECRET_KEY", "x" * 48)
    monkeypatch.delenv("ELEARN_PUBLIC_URL", raising=False)
    with pytest.raises(ConfigurationError, match="'http://127.0.0.1:5000'"):
        create_app(profile="production", instance_path=str(tmp_path))
    monkeypatch.setenv("ELEARN_PUBLIC_URL", "https://elearn.medan.go.id")
    assert create_app(profile="production", instance_path=str(tmp_path)).config[
        "PUBLIC_URL"] == "https://elearn.medan.go.id"


@pytest.mark.parametrize("url", ["https://elearn.medan.go.id", "http://10.20.30.40:8080/elearn",
                                 "https://elearn.example.go.id/"])
def test_production_accepts_a_real_public_url(tmp_path, url):
    app = create_app({**PRODUCTION, "PUBLIC_URL": url}, profile="production",
                     instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == url


def test_development_keeps_the_local_default(tmp_path):
    app = create_app(profile="development", instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"


def demo_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.levelno == logging.WARNING and "DEMO SIGNATORY" in r.getMessage()]


@pytest.mark.parametrize("demo", [
    {"CERTIFICATE_SIGNATORY_NAME": "Dr. Ahmad Syahputra Harahap, M.Si.",
     "CERTIFICATE_SIGNATORY_NIP": "197508172000031002"},
    {"CERTIFICATE_SIGNATORY_NIP": "197508172000031002"},
    {"CERTIFICATE_SIGNATORY_NAME": "Dr. Ahmad Syahputra Harahap, M.Si."},
])
def test_production_warns_once_per_process_while_the_demo_signatory_signs(
        tmp_path, caplog, monkeypatch, demo):
    monkeypatch.setattr(elearn, "_demo_signatory_warned", False)
    caplog.set_level(logging.WARNING)
    create_app({**PRODUCTION, **demo}, profile="production", instance_path=str(tmp_path))
    warnings = demo_warnings(caplog)
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "ELEARN_CERTIFICATE_SIGNATORY_NAME" in message
    assert "ELEARN_CERTIFICATE_SIGNATORY_NIP" in message
    create_app({**PRODUCTION, **demo}, profile="production", instance_path=str(tmp_path))
    assert len(demo_warnings(caplog)) == 1  # once per process, not per app or worker request


def test_no_demo_warning_with_a_real_signatory_or_outside_production(tmp_path, caplog,
                                                                     monkeypatch):
    monkeypatch.setattr(elearn, "_demo_signatory_warned", False)
    caplog.set_level(logging.WARNING)
    create_app(PRODUCTION, profile="production", instance_path=str(tmp_path))
    create_app(profile="development", instance_path=str(tmp_path))
    assert demo_warnings(caplog) == []
