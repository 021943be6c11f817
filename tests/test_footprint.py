"""A worker's footprint: serving pages loads no PDF, Excel, QR or Markdown library
(they load when a certificate, an export or a course import needs them), and a
worker that has served pages stays small."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.server import PRODUCTION_ENV
from elearn import create_app

from .conftest import PASSWORD
from .test_web import LESSON

ROOT = Path(__file__).resolve().parent.parent
#: Libraries only certificates (fpdf2, fontTools, Pillow, segno), Excel files
#: (openpyxl, lxml) and course imports or edits (Markdown, bleach, html5lib,
#: tinycss2, PyYAML) need, and schema migrations (Flask-Migrate, Alembic).
HEAVY = {"fpdf", "fontTools", "PIL", "segno", "openpyxl", "lxml", "markdown", "bleach",
         "html5lib", "tinycss2", "yaml", "flask_migrate", "alembic"}
PAGES = ["/", "/courses", "/courses/komunikasi-dengan-warga", LESSON, "/verify"]


@pytest.fixture
def worker(app, make_user, sample_course):
    """Run the probe in a fresh process as a signed-in learner over this test's database."""
    learner = make_user("learner")
    # As gunicorn runs it in production (bench.server.PRODUCTION_ENV: docstrings out).
    env = {**os.environ, **PRODUCTION_ENV, "ELEARN_ENV": "test", "PYTHONPATH": str(ROOT),
           "ELEARN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "footprint_probe.py"), learner.nip, PASSWORD,
         *PAGES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_serving_pages_loads_no_pdf_excel_or_markdown_library(worker):
    assert worker["codes"][0] == 302 and set(worker["codes"][1:]) == {200}
    assert not HEAVY & set(worker["after_import"])
    assert not HEAVY & set(worker["after_pages"])


def test_a_worker_that_served_pages_stays_under_90_mb(worker):
    # About 73 MB on SQLite, 82 MB on PostgreSQL (114 and 123 MB when every library was
    # imported at start). Issue 13's budget: 90 MB.
    assert worker["resident_mb"] < 90, worker["resident_mb"]


def test_flask_db_still_migrates_though_flask_migrate_loads_only_when_used(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    app = create_app({"DATABASE_URL": url}, profile="test", instance_path=str(tmp_path))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["db", "--help"])
    assert listed.exit_code == 0 and "upgrade" in listed.output
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        assert "users" in sa.inspect(conn).get_table_names()
    engine.dispose()
    # The group's own options still reach Flask-Migrate.
    elsewhere = runner.invoke(args=["db", "-d", str(tmp_path / "none"), "current"])
    assert elsewhere.exit_code != 0
