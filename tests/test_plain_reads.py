"""Which statements elearn.dbpool lets run outside a transaction on PostgreSQL: a
plain SELECT only, never one that takes a row lock or writes (a pure function,
checked on every database; its effect on a server is in test_dbpool.py)."""

import pytest


@pytest.mark.parametrize("statement, plain", [
    ("SELECT 1", True),
    ("SELECT users.id FROM users WHERE users.id = %(id)s", True),
    ("SELECT users.id FROM users FOR UPDATE", False),
    ("SELECT report_cells.id FROM report_cells FOR UPDATE SKIP LOCKED", False),
    ("SELECT a.id FROM a FOR NO KEY UPDATE", False),
    ("SELECT a.id FROM a FOR SHARE", False),
    ("SELECT a.id FROM a FOR KEY SHARE", False),
    ("SELECT a.id FROM a\nFOR\tUPDATE", False),
    ("select 1", False),  # not as SQLAlchemy writes it: treated as a write, the safe side
    ("INSERT INTO a VALUES (1)", False),
    ("UPDATE a SET n = 1", False),
    ("DELETE FROM a", False),
    ("WITH x AS (INSERT INTO a VALUES (1) RETURNING n) SELECT n FROM x", False),
    ("SAVEPOINT sa_savepoint_1", False),
])
def test_only_selects_without_a_row_lock_count_as_plain_reads(statement, plain):
    from elearn.dbpool import is_plain_read

    assert is_plain_read(statement) is plain
