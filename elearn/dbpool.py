"""Pooled connections to a database server, tested only after they sat idle.

A server can drop a pooled connection (a restart, a failover, an idle timeout).
SQLAlchemy's ``pool_pre_ping`` tests every connection on every checkout: a round
trip to the server before each request's first statement, which on a busy
2-core server cost 0.5 to 1.4 ms a page (the server's process wakes for it too).
Here a connection is tested only when it comes out of the pool after more than
``PING_AFTER_IDLE_SECONDS`` unused. That is when a drop can have happened
unnoticed: a connection in steady use has just shown it works, and a server
restart under load fails the statements in flight whatever is tested. A failed
test discards every connection pooled before it (the pool invalidates them) and
the checkout continues on a new one, so the request does not fail.
"""

from __future__ import annotations

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

#: A connection unused for longer is tested before the pool hands it out.
PING_AFTER_IDLE_SECONDS = 10.0


def ping_after_idle(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Test ``engine``'s pooled connections on checkout when idle over ``idle_seconds``."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _test_if_idle(dbapi_connection, record, proxy):
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned <= idle_seconds:
            return  # new, or in steady use
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            dropped = exc.DisconnectionError(f"pooled connection dropped: {error}")
            dropped.invalidate_pool = True  # a restart drops them all
            raise dropped from error


# --------------------------------------------------------------------------- read-only ends
#
# psycopg 3 forgets every prepared statement of a connection when a transaction
# on it is rolled back (it sends DEALLOCATE ALL: a rolled-back DDL could have
# changed what they refer to). Flask-SQLAlchemy ends each request by closing the
# session, which rolls back; so no statement ever reached psycopg's prepare
# threshold and PostgreSQL planned every query of every page afresh (about 1 ms
# of server CPU for the dashboard's). A request whose transaction only read ends
# it with COMMIT instead, the same thing for a transaction that changed nothing,
# and the connection keeps its prepared statements and their cached plans.

_WROTE = "elearn_wrote"


def track_writes(engine: Engine) -> None:
    """Mark a connection's transaction as having written as soon as it runs any
    statement that is not a plain SELECT (INSERT, UPDATE, DELETE, DDL, a CTE...)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, cursor, statement, parameters, context, executemany):
        if not statement.startswith("SELECT "):
            connection.info[_WROTE] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(connection):
        connection.info.pop(_WROTE, None)


def commit_if_read_only(session) -> bool:
    """End ``session``'s transaction with COMMIT when it only read: nothing pending in
    the session and no statement but SELECT run on its connections (``track_writes``).
    Anything else is left for the session's close to roll back, as before. Returns
    whether it committed."""
    transaction = session.get_transaction()
    if transaction is None or session.new or session.dirty or session.deleted:
        return False
    connections = transaction._connections.values()  # (connection, transaction, ...)
    if any(entry[0].info.get(_WROTE) for entry in connections):
        return False
    session.commit()
    return True
