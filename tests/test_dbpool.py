"""elearn.dbpool: pooled PostgreSQL connections are tested only after sitting idle,
a dropped one is replaced before a request uses it, and a request that only read
ends with COMMIT so the connection keeps its prepared statements (PostgreSQL only:
a SQLite file has no server to lose)."""

import os
import time

import pytest
import sqlalchemy as sa

from elearn.dbpool import ping_after_idle

from .conftest import NIPS

URL = os.environ.get("ELEARN_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"),
                                reason="a database server's pooled connections: PostgreSQL")


def _engine(idle_seconds: float | None) -> sa.Engine:
    engine = sa.create_engine(URL, pool_size=1, max_overflow=0)
    if idle_seconds is not None:
        ping_after_idle(engine, idle_seconds)
    return engine


def _pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("select pg_backend_pid()").scalar()


def _drop(pid: int) -> None:
    """End the server process of a pooled connection, as a restart would."""
    killer = sa.create_engine(URL, poolclass=sa.pool.NullPool)
    with killer.connect() as connection:
        assert connection.exec_driver_sql(f"select pg_terminate_backend({pid})").scalar()
    killer.dispose()
    time.sleep(0.1)


def test_a_dropped_connection_that_sat_idle_is_replaced_before_use():
    engine = _engine(idle_seconds=0.0)
    first = _pid(engine)
    _drop(first)
    second = _pid(engine)  # no error: the checkout tested it and reconnected
    assert second != first
    engine.dispose()


def test_without_the_test_a_dropped_connection_fails_its_request():
    """The control: what the idle test saves a request from."""
    engine = _engine(idle_seconds=None)
    _drop(_pid(engine))
    with pytest.raises(sa.exc.OperationalError):
        _pid(engine)
    engine.dispose()


def test_a_connection_in_steady_use_is_not_tested(monkeypatch):
    engine = _engine(idle_seconds=60.0)
    pings = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    for _ in range(5):
        _pid(engine)
    assert pings == []
    # Once it has sat idle longer than the limit, it is tested.
    with engine.connect() as connection:
        record = connection.connection._connection_record
    record.info["returned_at"] -= 61
    _pid(engine)
    assert len(pings) == 1
    engine.dispose()


def test_the_app_tests_idle_postgresql_connections_instead_of_every_checkout(app):
    from elearn.extensions import db

    with app.app_context():
        assert not db.engine.pool._pre_ping
        assert sa.event.contains(db.engine, "checkout", _checkout_listener(db.engine))


def _checkout_listener(engine):
    listeners = engine.pool.dispatch.checkout
    found = [fn for fn in listeners if fn.__name__ == "_test_if_idle"]
    assert found, list(listeners)
    return found[0]


# --------------------------------------------------------------------------- read-only ends

def _prepared(connection) -> list[str]:
    return connection.exec_driver_sql(
        "SELECT statement FROM pg_prepared_statements").scalars().all()


def _session(engine):
    from sqlalchemy.orm import Session

    return Session(engine)


def test_transactions_that_only_read_keep_their_prepared_statements():
    """psycopg prepares a statement on its fifth run, but forgets them all on a
    rollback: ending read-only transactions with COMMIT is what lets them last."""
    from elearn.dbpool import commit_if_read_only, track_writes

    engine = _engine(idle_seconds=None)
    track_writes(engine)
    for _ in range(7):
        session = _session(engine)
        assert session.execute(sa.text("SELECT 41 + :n"), {"n": 1}).scalar() == 42
        assert commit_if_read_only(session)
        session.close()
    with engine.connect() as connection:
        assert any("41" in s for s in _prepared(connection))
    engine.dispose()


def test_without_the_commit_every_rollback_forgets_them():
    """The control: the same transactions rolled back, as a closed session does."""
    engine = _engine(idle_seconds=None)
    for _ in range(7):
        session = _session(engine)
        session.execute(sa.text("SELECT 41 + :n"), {"n": 1})
        session.close()
    with engine.connect() as connection:
        assert not any("41" in s for s in _prepared(connection))
    engine.dispose()


@pytest.fixture
def scratch_engine():
    from elearn.dbpool import track_writes

    engine = _engine(idle_seconds=None)
    track_writes(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS dbpool_scratch (n integer)")
        connection.exec_driver_sql("DELETE FROM dbpool_scratch")
    yield engine
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE dbpool_scratch")
    engine.dispose()


def _rows(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM dbpool_scratch").scalar()


@pytest.mark.parametrize("write", [
    "INSERT INTO dbpool_scratch VALUES (1)",
    "WITH x AS (INSERT INTO dbpool_scratch VALUES (1) RETURNING n) SELECT n FROM x",
])
def test_a_transaction_that_wrote_is_never_committed_by_it(scratch_engine, write):
    """A request that wrote without committing (an error page, a preview) is still
    rolled back when its session closes."""
    from elearn.dbpool import commit_if_read_only

    session = _session(scratch_engine)
    session.execute(sa.text("SELECT 1"))
    session.execute(sa.text(write))
    session.execute(sa.text("SELECT 2"))
    assert not commit_if_read_only(session)
    session.close()
    assert _rows(scratch_engine) == 0


def test_pending_changes_in_the_session_are_never_committed_by_it(scratch_engine):
    from elearn.dbpool import commit_if_read_only
    from elearn.models import Unit

    session = _session(scratch_engine)
    session.execute(sa.text("SELECT 1"))
    session.add(Unit(code="X-POOL", name="never written"))
    assert not commit_if_read_only(session)
    session.close()


def test_a_new_transaction_after_a_write_is_read_only_again(scratch_engine):
    from elearn.dbpool import commit_if_read_only

    session = _session(scratch_engine)
    session.execute(sa.text("INSERT INTO dbpool_scratch VALUES (1)"))
    session.commit()
    session.execute(sa.text("SELECT 1"))
    assert commit_if_read_only(session)
    session.close()
    assert _rows(scratch_engine) == 1


def test_the_apps_pages_keep_the_connections_prepared_statements(app, client, make_user,
                                                                 auth):
    """Through the app: after a few views of the same page, its queries are prepared on
    the pooled connection (the session lookup among them), instead of planned anew
    on every view."""
    from elearn.extensions import db

    make_user("learner")
    auth.login(NIPS["learner"])
    for _ in range(8):
        assert client.get("/").status_code == 200
    with app.app_context():
        prepared = _prepared(db.session.connection())
        db.session.rollback()
    assert any("FROM user_sessions" in s for s in prepared), prepared


@pytest.mark.parametrize("error", [None, RuntimeError("after a write")])
def test_the_apps_requests_that_wrote_or_failed_are_rolled_back(app, error):
    """The app's end of request commits only what only read: a flushed write left
    uncommitted, with or without an error, is rolled back as before."""
    from elearn.extensions import db
    from elearn.models import Unit

    context = app.app_context()
    context.push()
    db.session.add(Unit(code="X-POOL", name="never committed"))
    db.session.flush()
    context.pop(error)
    with app.app_context():
        assert db.session.scalar(sa.select(Unit).where(Unit.code == "X-POOL")) is None


def test_the_apps_read_only_request_ends_with_commit(app):
    from elearn.extensions import db

    ends = []
    with app.app_context():
        engine = db.engine
    listeners = {"commit": lambda conn: ends.append("commit"),
                 "rollback": lambda conn: ends.append("rollback")}
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    try:
        with app.app_context():
            db.session.execute(sa.text("SELECT 1"))
    finally:
        for name, listener in listeners.items():
            sa.event.remove(engine, name, listener)
    assert ends == ["commit"]
