"""elearn.dbpool: pooled PostgreSQL connections are tested only after sitting idle,
a dropped one is replaced before a request uses it, and plain reads run outside
transactions (no BEGIN and COMMIT round trips, prepared statements kept) while
anything else begins one first (PostgreSQL only: a SQLite file has no server)."""

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


# ------------------------------------------------------------------ reads outside transactions

def _prepared(connection) -> list[str]:
    return connection.exec_driver_sql(
        "SELECT statement FROM pg_prepared_statements").scalars().all()


def _session(engine):
    from sqlalchemy.orm import Session

    return Session(engine)


def _in_transaction(session) -> bool:
    """Whether the server holds a transaction open for the session's connection."""
    from psycopg import pq

    raw = session.connection().connection.dbapi_connection
    return raw.info.transaction_status != pq.TransactionStatus.IDLE


@pytest.fixture
def scratch_engine():
    from elearn.dbpool import reads_outside_transactions

    engine = _engine(idle_seconds=None)
    reads_outside_transactions(engine)
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


def test_reads_run_outside_a_transaction_and_keep_their_prepared_statements(scratch_engine):
    """No BEGIN for a read, so nothing to end; and a closed session's rollback, which
    makes psycopg forget every prepared statement, has no transaction to roll back."""
    for _ in range(7):
        session = _session(scratch_engine)
        assert session.execute(sa.text("SELECT 41 + :n"), {"n": 1}).scalar() == 42
        assert not _in_transaction(session)
        session.close()
    with scratch_engine.connect() as connection:
        assert any("41" in s for s in _prepared(connection))


def test_without_it_every_rollback_forgets_them():
    """The control: the same reads in transactions, rolled back as a closed session does."""
    engine = _engine(idle_seconds=None)
    for _ in range(7):
        session = _session(engine)
        session.execute(sa.text("SELECT 41 + :n"), {"n": 1})
        assert _in_transaction(session)
        session.close()
    with engine.connect() as connection:
        assert not any("41" in s for s in _prepared(connection))
    engine.dispose()


@pytest.mark.parametrize("write", [
    "INSERT INTO dbpool_scratch VALUES (1)",
    "WITH x AS (INSERT INTO dbpool_scratch VALUES (1) RETURNING n) SELECT n FROM x",
])
def test_a_write_begins_a_transaction_that_a_rollback_undoes(scratch_engine, write):
    """Reads, then writes, then reads in one session: from the first write on it is one
    transaction, and a request that wrote without committing is rolled back whole."""
    session = _session(scratch_engine)
    session.execute(sa.text("SELECT 1"))
    session.execute(sa.text(write))
    assert _in_transaction(session)
    session.execute(sa.text("INSERT INTO dbpool_scratch VALUES (2)"))
    session.execute(sa.text("SELECT 2"))
    session.close()
    assert _rows(scratch_engine) == 0


def test_a_commit_keeps_the_writes_and_the_next_reads_are_plain_again(scratch_engine):
    session = _session(scratch_engine)
    session.execute(sa.text("INSERT INTO dbpool_scratch VALUES (1)"))
    session.commit()
    session.execute(sa.text("SELECT 1"))
    assert not _in_transaction(session)
    session.close()
    assert _rows(scratch_engine) == 1


def test_a_row_lock_lasts_until_the_transaction_ends(scratch_engine):
    """SELECT ... FOR UPDATE begins a transaction, so another connection cannot take
    the row until this one commits (in autocommit the lock would end with the SELECT)."""
    with scratch_engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO dbpool_scratch VALUES (7)")
    holder = _session(scratch_engine)
    holder.execute(sa.text("SELECT n FROM dbpool_scratch WHERE n = 7 FOR UPDATE"))
    assert _in_transaction(holder)
    other = sa.create_engine(URL, poolclass=sa.pool.NullPool)
    with other.connect() as connection:
        with pytest.raises(sa.exc.OperationalError, match="could not obtain lock"):
            connection.exec_driver_sql(
                "SELECT n FROM dbpool_scratch WHERE n = 7 FOR UPDATE NOWAIT")
    holder.commit()
    with other.connect() as connection:
        assert connection.exec_driver_sql(
            "SELECT n FROM dbpool_scratch WHERE n = 7 FOR UPDATE NOWAIT").scalar() == 7
    other.dispose()
    holder.close()


def test_a_streamed_read_runs_in_a_transaction(scratch_engine):
    """A server-side cursor (an export read in batches) exists only inside a transaction."""
    with scratch_engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO dbpool_scratch SELECT generate_series(1, 50)")
    session = _session(scratch_engine)
    rows = session.execute(sa.text("SELECT n FROM dbpool_scratch ORDER BY n"),
                           execution_options={"yield_per": 10})
    assert _in_transaction(session)
    assert [n for (n,) in rows] == list(range(1, 51))
    session.close()


def test_a_savepoint_rolls_back_alone_inside_the_transaction(scratch_engine):
    session = _session(scratch_engine)
    session.execute(sa.text("SELECT 1"))
    with pytest.raises(sa.exc.DataError):  # noqa: PT012
        with session.begin_nested():
            session.execute(sa.text("INSERT INTO dbpool_scratch VALUES (3)"))
            session.execute(sa.text("INSERT INTO dbpool_scratch VALUES ('x')"))
    session.execute(sa.text("INSERT INTO dbpool_scratch VALUES (4)"))
    session.commit()
    session.close()
    with scratch_engine.connect() as connection:
        assert connection.exec_driver_sql(
            "SELECT n FROM dbpool_scratch ORDER BY n").scalars().all() == [4]


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
def test_the_apps_requests_that_wrote_without_committing_are_rolled_back(app, error):
    """A flushed write left uncommitted, with or without an error, is rolled back."""
    from elearn.extensions import db
    from elearn.models import Unit

    context = app.app_context()
    context.push()
    db.session.add(Unit(code="X-POOL", name="never committed"))
    db.session.flush()
    context.pop(error)
    with app.app_context():
        assert db.session.scalar(sa.select(Unit).where(Unit.code == "X-POOL")) is None


def test_the_apps_read_only_request_holds_no_transaction(app):
    from elearn.extensions import db

    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        assert not _in_transaction(db.session)
