"""The database triggers that mark report cells stale, for SQLite and PostgreSQL.

Every write that can change a cell's figures bumps the cell's ``version`` in
the writer's own transaction (inserting the cell when missing), so the report
can never miss a write path: the ORM, Core bulk statements, COPY and a manual
``psql`` session all fire them. Only what the figures read fires a trigger:

* enrolments and completions inserted, deleted, or moved to another learner or
  course (an enrolment's ``last_opened_at`` changes on every visit and must not
  lock a cell);
* module progress whose ``best_score`` is set, changed or deleted (opening and
  finishing a lesson leave the figures alone);
* a learner moved to another unit (their enrolled courses' cells in the old and
  the new unit) or deleted (every cell of their unit);
* a module published, unpublished, retired or moved (every cell of its course:
  which modules count changes) or deleted.

The migration 0010 creates them; ``bench.dataset`` drops them around its bulk
load and rebuilds the cells afterwards (``report_cells.rebuild``). On SQLite a
later migration that rebuilds one of these tables (``batch_alter_table`` copies
it) drops its triggers: such a migration must call ``create`` again (a test
checks they are all in place at head). Changing a trigger takes a migration
that runs ``drop`` and ``create``.
"""

# ruff: noqa: S608 - the DDL is built from fixed text only, never from input

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa


def _touch_user_course(user: str, course: str) -> str:
    """Bump (or create stale) the cell of ``course`` in the unit of ``user``."""
    return (f"INSERT INTO report_cells (course_id, unit_key) "
            f"SELECT {course}, COALESCE(u.unit_id, 0) FROM users u WHERE u.id = {user} "
            f"ON CONFLICT (course_id, unit_key) DO UPDATE SET version = report_cells.version + 1")


def _touch_progress(row: str) -> str:
    return (f"INSERT INTO report_cells (course_id, unit_key) "
            f"SELECT m.course_id, COALESCE(u.unit_id, 0) FROM modules m, users u "
            f"WHERE m.id = {row}.module_id AND u.id = {row}.user_id "
            f"ON CONFLICT (course_id, unit_key) DO UPDATE SET version = report_cells.version + 1")


_BUMP = "UPDATE report_cells SET version = version + 1 WHERE "


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    #: INSERT, DELETE or UPDATE OF columns
    event: str
    #: Condition on NEW/OLD; ``{ne}`` is the null-safe "differs" operator.
    when: str | None
    actions: tuple[str, ...]


def _pair_triggers(prefix: str, table: str) -> list[Trigger]:
    """Enrolments and completions: the cell of (course, learner's unit)."""
    return [
        Trigger(f"{prefix}_ins", table, "INSERT", None,
                (_touch_user_course("NEW.user_id", "NEW.course_id"),)),
        Trigger(f"{prefix}_del", table, "DELETE", None,
                (_touch_user_course("OLD.user_id", "OLD.course_id"),)),
        Trigger(f"{prefix}_upd", table, "UPDATE OF user_id, course_id",
                "OLD.user_id {ne} NEW.user_id OR OLD.course_id {ne} NEW.course_id",
                (_touch_user_course("OLD.user_id", "OLD.course_id"),
                 _touch_user_course("NEW.user_id", "NEW.course_id"))),
    ]


TRIGGERS: list[Trigger] = [
    *_pair_triggers("report_cells_enrollments", "enrollments"),
    *_pair_triggers("report_cells_completions", "course_completions"),
    Trigger("report_cells_progress_ins", "module_progress", "INSERT",
            "NEW.best_score IS NOT NULL", (_touch_progress("NEW"),)),
    Trigger("report_cells_progress_del", "module_progress", "DELETE",
            "OLD.best_score IS NOT NULL", (_touch_progress("OLD"),)),
    Trigger("report_cells_progress_upd", "module_progress",
            "UPDATE OF best_score, user_id, module_id",
            "OLD.best_score {ne} NEW.best_score OR OLD.user_id {ne} NEW.user_id "
            "OR OLD.module_id {ne} NEW.module_id",
            (_touch_progress("OLD"), _touch_progress("NEW"))),
    Trigger("report_cells_users_upd", "users", "UPDATE OF unit_id",
            "OLD.unit_id {ne} NEW.unit_id",
            (_BUMP + "unit_key = COALESCE(OLD.unit_id, 0) AND course_id IN "
                     "(SELECT e.course_id FROM enrollments e WHERE e.user_id = OLD.id)",
             "INSERT INTO report_cells (course_id, unit_key) "
             "SELECT e.course_id, COALESCE(NEW.unit_id, 0) FROM enrollments e "
             "WHERE e.user_id = NEW.id "
             "ON CONFLICT (course_id, unit_key) DO UPDATE SET version = report_cells.version + 1")),
    # Its enrolments may already be gone (cascade): every cell of the unit.
    Trigger("report_cells_users_del", "users", "DELETE", None,
            (_BUMP + "unit_key = COALESCE(OLD.unit_id, 0)",)),
    Trigger("report_cells_modules_upd", "modules", "UPDATE OF status, retired_at, course_id",
            "OLD.status {ne} NEW.status OR OLD.retired_at {ne} NEW.retired_at "
            "OR OLD.course_id {ne} NEW.course_id",
            (_BUMP + "course_id IN (OLD.course_id, NEW.course_id)",)),
    # Its progress rows go by cascade, when the module is no longer there to name the course.
    Trigger("report_cells_modules_del", "modules", "DELETE", None,
            (_BUMP + "course_id = OLD.course_id",)),
]


def _sqlite_ddl(t: Trigger) -> list[str]:
    when = f" WHEN {t.when.format(ne='IS NOT')}" if t.when else ""
    body = "".join(f"  {action};\n" for action in t.actions)
    return [f"CREATE TRIGGER {t.name} AFTER {t.event} ON {t.table} FOR EACH ROW{when}\n"
            f"BEGIN\n{body}END"]


def _postgresql_ddl(t: Trigger) -> list[str]:
    when = f" WHEN ({t.when.format(ne='IS DISTINCT FROM')})" if t.when else ""
    body = "".join(f"  {action};\n" for action in t.actions)
    return [f"CREATE FUNCTION {t.name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}  RETURN NULL;\nEND\n$$",
            f"CREATE TRIGGER {t.name} AFTER {t.event} ON {t.table} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {t.name}()"]


def create_statements(dialect: str) -> list[str]:
    ddl = _postgresql_ddl if dialect == "postgresql" else _sqlite_ddl
    return [statement for t in TRIGGERS for statement in ddl(t)]


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [s for t in TRIGGERS for s in (f"DROP TRIGGER IF EXISTS {t.name} ON {t.table}",
                                              f"DROP FUNCTION IF EXISTS {t.name}()")]
    return [f"DROP TRIGGER IF EXISTS {t.name}" for t in TRIGGERS]


def create(connection: sa.Connection) -> None:
    for statement in create_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def drop(connection: sa.Connection) -> None:
    for statement in drop_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
