"""Pooled connections to a database server: tested only after they sat idle, and
running plain reads outside transactions (see "reads outside transactions" below).

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

import re
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


# ------------------------------------------------------------------ reads outside transactions
#
# A page that only reads needs no transaction: PostgreSQL's default isolation
# (READ COMMITTED) gives each statement its own snapshot inside a transaction
# too, so a transaction around reads adds nothing but its BEGIN and its COMMIT
# or ROLLBACK, two of a dashboard's four round trips to the server. And ending
# one with ROLLBACK (a closed session does) costs more: psycopg 3 then forgets
# every prepared statement of the connection (it sends DEALLOCATE ALL, since a
# rolled-back DDL could have changed what they refer to), so PostgreSQL planned
# every page's queries afresh (about 1 ms of server CPU for the dashboard's).
#
# So a pooled connection runs in the driver's autocommit mode until the first
# statement that is not a plain read: then the driver opens a transaction with
# that statement (a BEGIN before it), and everything from there to the commit or
# rollback is one transaction, as before. This is what Python's sqlite3 module
# does on SQLite (it begins a transaction before the first INSERT, UPDATE or
# DELETE). A plain read is a SELECT that takes no row lock and is not read
# through a server-side cursor (which PostgreSQL keeps only inside a
# transaction): SELECT ... FOR UPDATE and FOR SHARE, a streamed export, a
# SAVEPOINT, a CTE, anything else begins first, so a lock lasts until the end of
# the transaction and writes stay atomic.

_ROW_LOCK = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


def is_plain_read(statement: str) -> bool:
    """Whether ``statement`` may run outside a transaction: a SELECT without a row lock."""
    return statement.startswith("SELECT ") and (
        "FOR" not in statement.upper() or not _ROW_LOCK.search(statement))


def reads_outside_transactions(engine: Engine) -> None:
    """Run ``engine``'s plain reads outside transactions (psycopg's autocommit) and
    begin a transaction before the first statement of a checkout that is not one."""
    from psycopg import ServerCursor

    @event.listens_for(engine, "checkout")
    def _reads_first(dbapi_connection, record, proxy):
        # The pool hands out connections idle (reset on return), where the mode may change.
        if not dbapi_connection.autocommit:
            dbapi_connection.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_write(connection, cursor, statement, parameters, context, executemany):
        if is_plain_read(statement) and not isinstance(cursor, ServerCursor):
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.autocommit:
            dbapi_connection.autocommit = False  # the driver sends BEGIN with this statement
