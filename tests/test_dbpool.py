"""elearn.dbpool: pooled PostgreSQL connections are tested only after sitting idle,
and a dropped one is replaced before a request uses it (PostgreSQL only: a SQLite
file has no server to lose)."""

import os
import time

import pytest
import sqlalchemy as sa

from elearn.dbpool import ping_after_idle

URL = os.environ.get("ELEARN_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"),
                                reason="a database server's dropped connections: PostgreSQL")


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
