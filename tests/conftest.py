"""Shared fixtures.

The schema is built once per session by the Alembic migrations (so every
run also proves they work), on a temporary SQLite file by default or on the
PostgreSQL database named by ELEARN_TEST_DATABASE_URL. After each test every
table is emptied, which keeps tests independent and also works for the
browser tests, whose live server commits from another thread.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from elearn import create_app
from elearn.content import read_folder
from elearn.courses.store import save_course
from elearn.extensions import db, limiter
from elearn.people.services import PersonData, create_user, upsert_unit

CONTENT = Path(__file__).resolve().parent.parent / "content"
TEST_DATABASE_URL = os.environ.get("ELEARN_TEST_DATABASE_URL")
PASSWORD = "Tugas-Belajar-2026"

# Valid PNS NIPs: birth date, appointment year-month, gender digit, serial.
NIPS = {
    "learner": "199204112019031005",
    "instructor": "198507202010012001",
    "admin": "198003152005011002",
}


def _reset_database(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance / 'test.sqlite3'}"
    _reset_database(url)
    app = create_app(
        {"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url},
        profile="test",
        instance_path=str(instance),
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and reset the rate-limit counters after each test."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()


WRITES = ("INSERT", "UPDATE", "DELETE")


class Statements(list):
    """The SQL statements run while recording, in order."""

    @property
    def writes(self) -> list[str]:
        return [s for s in self if _verb(s) in WRITES]

    @property
    def reads(self) -> list[str]:
        """SELECTs (and WITH queries): neither writes nor savepoints."""
        return [s for s in self if _verb(s) in ("SELECT", "WITH")]


def _verb(statement: str) -> str:
    return statement.lstrip().split(None, 1)[0].upper()


@contextmanager
def recorded_sql(app):
    """Record every statement the app's engine sends to the database inside the block,
    through SQLAlchemy's ``before_cursor_execute`` event: a test-client request made
    in the block is recorded whole (session and user loading, locale, the page's own
    reads and any write). Savepoints count too."""
    statements = Statements()

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def english_cli(app, monkeypatch):
    """The platform configured with English as its default language, so the
    command line speaks English (it speaks the default language, Indonesian
    unless configured otherwise)."""
    monkeypatch.setitem(app.config, "DEFAULT_LOCALE", "en")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass
class Account:
    id: int
    nip: str
    email: str | None
    password: str
    role: str


@pytest.fixture
def make_user(app):
    """Create a committed account and return its credentials."""

    def make(role: str = "learner", nip: str | None = None, *, email: str | None = None,
             active: bool = True, must_change_password: bool = False,
             unit_code: str | None = None, password: str = PASSWORD) -> Account:
        with app.app_context():
            if unit_code:
                upsert_unit(unit_code, f"Unit {unit_code}")
            user = create_user(
                PersonData(nip=nip or NIPS[role], full_name=f"Test {role.title()}", role=role,
                           email=email, unit_code=unit_code),
                password, must_change_password=must_change_password,
            )
            user.active = active
            db.session.commit()
            return Account(user.id, user.nip, user.email, password, role)

    return make


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, identifier: str, password: str = PASSWORD, **extra):
        page = self.client.get("/login")
        data = {"identifier": identifier, "password": password,
                "csrf_token": csrf_token(page.get_data(as_text=True)), **extra}
        return self.client.post("/login", data=data)

    def logout(self):
        page = self.client.get("/")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def mailbox(app, monkeypatch):
    """A real SMTP server on loopback (tests/mailbox.py) the app sends its email to."""
    from tests import mailbox as smtp

    box, controller = smtp.start()
    for key, value in {"MAIL_HOST": box.host, "MAIL_PORT": box.port,
                       "MAIL_SECURITY": "none", "MAIL_SENDER": "elearn <elearn@bkpsdm.example>",
                       "MAIL_TIMEOUT": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def sample_course(app):
    """The sample course "komunikasi-dengan-warga" from content/, real-sized lessons."""
    with app.app_context():
        save_course(read_folder(CONTENT / "komunikasi-dengan-warga"))
        db.session.commit()
