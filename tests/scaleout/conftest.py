"""Two real gunicorn instances on loopback ports sharing one PostgreSQL database and one
Redis, as the README's "Running on several hosts" deploys them.

Needs a PostgreSQL server (``ELEARN_TEST_DATABASE_URL``; the test creates and drops
its own database beside that one) and a Redis (``ELEARN_TEST_REDIS_URL``, a database
number the test may empty). Without them the tests are skipped locally; under
``CI=true`` they fail, since CI must never pass without having run them (.ci/run runs
them in their own section).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.server import PRODUCTION_ENV
from config import Config

from .visitor import PUBLIC_HOST, Visitor

ROOT = Path(__file__).resolve().parents[2]
#: Learners finishing the course at the same moment.
LEARNERS = 50
#: Accounts besides them: one for the session test, two for the sign-in delays.
EXTRA_ACCOUNTS = 3
#: Failed sign-ins allowed from one address (ELEARN_LOGIN_LIMIT_PER_ADDRESS); more than
#: ELEARN_LOGIN_FREE_FAILURES, so that the delays per account show first.
ADDRESS_LIMIT = Config.LOGIN_FREE_FAILURES + 1


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: the two-instance test must run in CI")
    pytest.skip(message)


@pytest.fixture(scope="package")
def services() -> tuple[str, str]:
    """(PostgreSQL URL of the test server, Redis URL), or skip/fail saying what is missing."""
    pg = os.environ.get("ELEARN_TEST_DATABASE_URL") or ""
    if not pg.startswith("postgresql"):
        _missing("two instances share a PostgreSQL database: set ELEARN_TEST_DATABASE_URL "
                 "to a postgresql+psycopg:// URL")
    redis_url = os.environ.get("ELEARN_TEST_REDIS_URL") or ""
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        _missing("two instances share rate limits through Redis: set ELEARN_TEST_REDIS_URL "
                 "(e.g. redis://127.0.0.1:6379/13, a database number the test may empty)")
    import redis

    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.RedisError as exc:
        _missing(f"Redis at {redis_url} does not answer ({exc})")
    return pg, redis_url


@pytest.fixture(scope="package")
def database(services):
    """A fresh PostgreSQL database beside the test database, dropped afterwards."""
    url = sa.make_url(services[0])
    name = f"{url.database}_scaleout"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="package")
def redis_store(services):
    """The Redis database, emptied before and after (old counters would change limits)."""
    import redis

    client = redis.Redis.from_url(services[1])
    client.flushdb()
    yield services[1]
    client.flushdb()
    client.close()


@pytest.fixture(scope="package")
def environment(database, redis_store) -> dict[str, str]:
    """What every host of the README's deployment sets: production, one secret key,
    the shared database and Redis, one trusted proxy in front."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELEARN_")}
    env.update({
        "ELEARN_ENV": "production",
        "ELEARN_SECRET_KEY": secrets.token_urlsafe(48),
        "ELEARN_DATABASE_URL": database,
        "ELEARN_RATELIMIT_STORAGE_URI": redis_store,
        "ELEARN_TRUSTED_PROXIES": "1",
        "ELEARN_PUBLIC_URL": f"https://{PUBLIC_HOST}",
        "ELEARN_CERTIFICATE_SIGNATORY_NAME": "Drs. Bonar Sitompul, M.AP.",
        "ELEARN_CERTIFICATE_SIGNATORY_NIP": "196905121995031003",
        "ELEARN_LOGIN_LIMIT_PER_ADDRESS": f"{ADDRESS_LIMIT} per 15 minutes",
    })
    return env


@dataclass
class Seeded:
    slug: str
    last_lesson: str
    nips: list[str]


@pytest.fixture(scope="package")
def seeded(environment) -> Seeded:
    """Migrations run once (as on a real upgrade), then the data the tests use."""
    run = dict(cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db",
                              "upgrade"], **run, check=False)
    assert upgrade.returncode == 0, upgrade.stderr
    accounts = str(LEARNERS + EXTRA_ACCOUNTS)
    seed = subprocess.run([sys.executable, "-m", "tests.scaleout.seed", accounts],
                          **run, check=False)
    assert seed.returncode == 0, seed.stderr
    return Seeded(**json.loads(seed.stdout))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Kill a gunicorn and its workers: its own process group, nothing else. No graceful
    stop: the instances hold nothing worth keeping, and it takes seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _wait_until_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn at {base} exited:\n{log.read_text()[-3000:]}")
        try:
            if Visitor().get(base, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn at {base} not ready after 30 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="package")
def instances(environment, tmp_path_factory, request) -> tuple[str, str]:
    """Base URLs of two instances (gunicorn, 2 sync workers each) serving the seeded
    database, stopped at the end. They boot while the database is being prepared."""
    logs = tmp_path_factory.mktemp("gunicorn")
    processes, bases = [], []
    try:
        for name in ("a", "b"):
            bases.append(f"http://127.0.0.1:{_free_port()}")
            with (logs / f"{name}.log").open("w") as out:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "60",
                     "--bind", bases[-1].removeprefix("http://"), "wsgi:app"],
                    cwd=ROOT, env={**environment, **PRODUCTION_ENV}, stdout=out,
                    stderr=subprocess.STDOUT, start_new_session=True))
        request.getfixturevalue("seeded")
        for name, base, process in zip("ab", bases, processes, strict=True):
            _wait_until_ready(base, process, logs / f"{name}.log")
        yield bases[0], bases[1]
    finally:
        for process in processes:
            _stop(process)
