"""A page's hot reads sent straight to the database driver.

The statements every page runs (the session lookup, the dashboard's board, a
course's outline, the catalog) are built once per process. SQLAlchemy still
compiles each one, once per database dialect, and supplies its type conversions
(SQLite keeps dates as text, booleans as 0 and 1); each execution then skips
SQLAlchemy's execution context and result objects, which cost about 25
microseconds a statement, a tenth of a whole page: the SQL goes to a cursor of
the session's own connection, in the session's transaction, and the rows come
back as named tuples with the same values SQLAlchemy would give.

Listeners of the engine's ``before_cursor_execute`` and ``after_cursor_execute``
events still see every such statement (the read-only commit of ``dbpool`` and
the tests that count a page's queries rely on them).

Only plain SELECTs with scalar parameters qualify; a statement with an
``IN`` list expanded at execution (or anything else rendered only then) goes
through SQLAlchemy as before.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import sqlalchemy as sa

from .extensions import db


class Rows(list):
    """The rows of a read: a list, with the few result methods callers use."""

    def all(self) -> list:
        return list(self)

    def first(self):
        return self[0] if self else None

    def scalar(self):
        return self[0][0] if self else None


@dataclass
class _Plan:
    sql: str
    #: Parameter names in the order of the placeholders (positional paramstyles),
    #: or None when the driver takes a mapping (psycopg's ``%(name)s``).
    order: tuple[str, ...] | None
    defaults: dict[str, Any]
    bind: dict[str, Callable]
    #: The statement's selected columns: their types convert what the driver returns.
    columns: list
    row: type
    #: (index, converter) of the columns that need one; set at the first execution,
    #: from the types the driver reports (PostgreSQL's numeric converters depend on them).
    result: tuple[tuple[int, Callable], ...] | None = None


#: id(statement), dialect name -> (the statement, kept alive so the id stays its own; plan)
_plans: dict[tuple[int, str], tuple[Any, _Plan | None]] = {}
#: A statement built anew for each call (not once per process, as ``read`` expects)
#: would add a plan each time: past this many the plans are all dropped and made
#: again, so memory stays bounded whatever a caller does.
MAX_PLANS = 256


def _make_plan(statement, dialect) -> _Plan | None:
    if not isinstance(statement, sa.Select):
        return None
    compiled = statement.compile(dialect=dialect)
    if any(bp.expanding for bp in compiled.binds.values()) or "POSTCOMPILE" in compiled.string:
        return None
    defaults = {name: bp.effective_value for name, bp in compiled.binds.items()
                if not bp.required}
    bind = {}
    for name, bp in compiled.binds.items():
        processor = bp.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            bind[name] = processor
    keys = [str(key) for key in statement.selected_columns.keys()]
    order = tuple(compiled.positiontup) if compiled.positional else None
    return _Plan(compiled.string, order, defaults, bind, list(statement.selected_columns),
                 namedtuple("Row", keys, rename=True))


def _result_processors(plan: _Plan, dialect, description) -> tuple:
    processors = []
    for index, (column, described) in enumerate(zip(plan.columns, description, strict=True)):
        processor = column.type.dialect_impl(dialect).result_processor(dialect, described[1])
        if processor is not None:
            processors.append((index, processor))
    return tuple(processors)


def _plan(statement, dialect) -> _Plan | None:
    key = (id(statement), dialect.name)
    found = _plans.get(key)
    if found is None or found[0] is not statement:
        if len(_plans) >= MAX_PLANS:
            _plans.clear()
        found = (statement, _make_plan(statement, dialect))
        _plans[key] = found
    return found[1]


def _execute(connection, plan: _Plan, parameters) -> list:
    """Run ``sql`` on a cursor of ``connection``'s driver connection, telling the
    engine's cursor listeners; a driver error is raised as SQLAlchemy raises it
    (``sqlalchemy.exc.DBAPIError`` and its kinds), and a lost connection is
    invalidated so the pool does not hand it out again."""
    dispatch, dialect, sql = connection.dispatch, connection.dialect, plan.sql
    driver = connection.connection.dbapi_connection
    cursor = driver.cursor()
    try:
        for listener in dispatch.before_cursor_execute:
            listener(connection, cursor, sql, parameters, None, False)
        cursor.execute(sql, parameters)
        for listener in dispatch.after_cursor_execute:
            listener(connection, cursor, sql, parameters, None, False)
        if plan.result is None:
            plan.result = _result_processors(plan, dialect, cursor.description)
        return cursor.fetchall()
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, driver, cursor):
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error,
                                         dialect=dialect) from error
    finally:
        cursor.close()


def read(statement, params: dict | None = None) -> Rows:
    """The rows of a SELECT built once per process (pass the same object each time),
    on the session's connection and in its transaction. Changes still pending in the
    session are flushed first, as the session's autoflush would."""
    session = db.session
    session.flush()
    connection = session.connection()
    plan = _plan(statement, connection.dialect)
    if plan is None:
        return Rows(connection.execute(statement, params).all())
    values = {**plan.defaults, **(params or {})}
    for name, processor in plan.bind.items():
        values[name] = processor(values[name])
    parameters = values if plan.order is None else tuple(values[n] for n in plan.order)
    fetched = _execute(connection, plan, parameters)
    make, processors = plan.row._make, plan.result
    if not processors:
        return Rows(map(make, fetched))
    rows = Rows()
    for raw in fetched:
        values_ = list(raw)
        for index, processor in processors:
            values_[index] = processor(values_[index])
        rows.append(make(values_))
    return rows


# --------------------------------------------------------------------------- entities

class Partial(NamedTuple):
    """``model`` read without some of its columns: those a page never shows (a lesson
    page and a course's Markdown source). The instance made from such a row has
    those attributes unloaded; reading one loads it, as for a deferred column."""

    model: type
    without: tuple[str, ...]


@cache
def _mapped(model, without: tuple[str, ...] = ()) -> tuple[tuple[sa.Column, str], ...]:
    mapper = sa.inspect(model)
    found = []
    for column in model.__table__.c:
        prop = mapper.get_property_by_column(column)
        if not prop.deferred and prop.key not in without:
            # (a deferred column, a file's bytes: loaded when read, as the ORM does)
            found.append((column, prop.key))
    return tuple(found)


def columns(model, without: tuple[str, ...] = ()) -> list[sa.Column]:
    """What a statement selects for ``entity``: ``model``'s table columns in table
    order, without those the mapping defers (and those named in ``without``)."""
    return [column for column, _key in _mapped(model, without)]


@cache
def column_keys(model, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The attribute names of ``columns(model, without)``, in the same order."""
    return tuple(key for _column, key in _mapped(model, without))


@cache
def _making(model, without: tuple[str, ...] = ()):
    """What ``entity`` needs of ``model``'s mapping, looked up once per process."""
    mapper = sa.inspect(model)
    return column_keys(model, without), mapper.identity_key_from_primary_key, \
        mapper.class_manager.new_instance


def entity(model, values, without: tuple[str, ...] = ()):
    """The session's instance of ``model`` for a row's slice of its ``columns``, as a
    query would give it: None when the primary key is
    NULL (an outer join found nothing); the instance already in the session's identity
    map, as it is; else a new persistent instance holding the values, with no change
    recorded, added to the session. (What the ORM's loading does, for a tenth of its
    cost; a model with load events or mutable-tracked columns would need them.)"""
    keys, identity_key, new_instance = _making(model, without)
    columns = dict(zip(keys, values, strict=True))
    if columns["id"] is None:
        return None
    key = identity_key([columns["id"]])
    session = db.session()
    present = session.identity_map.get(key)
    if present is not None:
        return present
    instance = new_instance()
    state = sa.inspect(instance)
    state.dict.update(columns)
    state.key = key
    # What Session.add does for an instance with a key, without its walk through
    # every relationship for related objects to cascade to: a new instance has none.
    session._update_impl(state)
    if without:  # marked expired, so that reading one loads it (never a silent None)
        session.expire(instance, without)
    return instance


def entities(row, *parts) -> list:
    """Split ``row`` into its parts, in order: a mapped class (or a ``Partial`` one)
    takes as many values as it has columns and gives ``entity``; ``None`` takes one
    value as it is."""
    found, at = [], 0
    for part in parts:
        if part is None:
            found.append(row[at])
            at += 1
        else:
            model, without = part if isinstance(part, Partial) else (part, ())
            width = len(column_keys(model, without))
            found.append(entity(model, row[at:at + width], without))
            at += width
    return found
