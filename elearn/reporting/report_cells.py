"""The all-years figures per course and unit, from maintained per-(course, unit) cells.

The reports page used to aggregate every enrolment and progress row on each
view. It now reads ``report_cells`` (``elearn.models.reporting.ReportCell``):
one row per course and learners' unit holding that cell's enrolled, completed,
scored and score-sum figures, whose number depends on courses x units, not on
learners. Triggers (``cell_triggers``) bump a cell's ``version`` in the
transaction of any write that may change it; ``refresh`` recomputes the stale
cells (``version <> fresh_version``) from the base tables, at a cost
proportional to those cells, and the overview sums the cells.

The handshake that keeps a concurrent write from being lost: ``refresh`` reads
each cell's ``version`` *before* recomputing it, and stores the figures with
``UPDATE ... SET fresh_version = :v WHERE version = :v``. A writer that
committed after the version was read has changed ``version``, so the update
matches nothing and the cell stays stale; a writer that bumps it later makes it
stale again; a cell a writer still holds uncommitted is skipped on PostgreSQL
(``FOR UPDATE SKIP LOCKED``: it stays stale, and the page never waits on a
writer, so it cannot deadlock with one), while on SQLite the update waits for
the writer's commit and then sees its bump. The
cell is marked fresh only with the version read *before* the recompute (never
``fresh_version = version``), so even a lost race leaves it stale; the
``WHERE`` also keeps a slower reader from overwriting a newer reader's figures.

The figures are exactly those of ``queries._figures_by`` (same definitions and
rounding): the average score is the sum of the per-enrolment scores over their
number; only the order of the floating-point additions differs.
"""

from __future__ import annotations

import math

import sqlalchemy as sa

from ..extensions import db
from ..models import CourseCompletion, Enrollment, Module, ModuleProgress, User
from ..models.reporting import NO_UNIT, ReportCell

FIGURES = ("enrolled", "completed", "scored", "score_sum")
_cells = ReportCell.__table__


def cell_figures_select(course_ids=None, unit_keys=None, *, counted=None) -> sa.Select:
    """(course_id, unit_key, enrolled, completed, scored, score_sum) per cell with
    enrolments, from the base tables; only the cells in ``course_ids`` x ``unit_keys``
    when given. Scores are averaged over the modules that count (no pre-test), or
    over those ``counted`` selects (an SQL condition on ``Module``)."""
    counted = Module.counts_condition() if counted is None else counted
    best = (sa.select(sa.func.avg(ModuleProgress.best_score))
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(ModuleProgress.user_id == Enrollment.user_id,
                   Module.course_id == Enrollment.course_id, counted)
            .scalar_subquery())
    unit_key = sa.func.coalesce(User.unit_id, NO_UNIT)
    completed = sa.case((CourseCompletion.id.is_not(None), 1), else_=0)
    facts = (sa.select(Enrollment.course_id.label("course_id"), unit_key.label("unit_key"),
                       completed.label("completed"), best.label("best_score"))
             .select_from(Enrollment)
             .join(User, User.id == Enrollment.user_id)
             .outerjoin(CourseCompletion,
                        (CourseCompletion.user_id == Enrollment.user_id)
                        & (CourseCompletion.course_id == Enrollment.course_id)))
    if course_ids is not None:
        facts = facts.where(Enrollment.course_id.in_(course_ids))
    if unit_keys is not None:
        # On the column itself, not on unit_key: the index on users.unit_id can drive
        # the query, so a cell costs its own enrolments, not its whole course's.
        units = [u for u in unit_keys if u != NO_UNIT]
        condition = User.unit_id.in_(units)
        if NO_UNIT in unit_keys:
            condition = User.unit_id.is_(None) | condition if units else User.unit_id.is_(None)
        facts = facts.where(condition)
    facts = facts.subquery("facts")
    return (sa.select(facts.c.course_id, facts.c.unit_key, sa.func.count(),
                      sa.func.coalesce(sa.func.sum(facts.c.completed), 0),
                      sa.func.count(facts.c.best_score),
                      sa.func.coalesce(sa.func.sum(facts.c.best_score), 0.0))
            .group_by(facts.c.course_id, facts.c.unit_key))


def mark_course_stale(course_id: int) -> None:
    """Have every cell of the course recomputed (a change the triggers do not see)."""
    db.session.execute(sa.update(ReportCell).where(ReportCell.course_id == course_id)
                       .values(version=ReportCell.version + 1))


def _figures(row) -> dict:
    enrolled, completed, scored, score_sum = row
    return {"enrolled": int(enrolled), "completed": int(completed), "scored": int(scored),
            "score_sum": float(score_sum)}


def refresh() -> dict[tuple[int, int], dict]:
    """Every cell's figures by (course_id, unit_key), the stale ones recomputed first.

    One statement when nothing is stale. Otherwise one query recomputes the stale
    cells and they are stored (an emptied cell is removed) under the handshake in
    the module docstring; the caller commits them, for any later view to read.
    """
    cells, stale = {}, {}
    for course_id, unit_key, version, fresh_version, *figures in db.session.execute(
            sa.select(_cells.c.course_id, _cells.c.unit_key, _cells.c.version,
                      _cells.c.fresh_version, *(_cells.c[f] for f in FIGURES))):
        if version == fresh_version:
            cells[(course_id, unit_key)] = _figures(figures)
        else:
            stale[(course_id, unit_key)] = version
    if stale:
        cells.update(_recompute(stale))
    return cells


def _unlocked_cell():
    """``WHERE`` for one cell (parameters c, u, v) still at version v and not locked by
    another transaction: on PostgreSQL ``FOR UPDATE SKIP LOCKED``, so storing never
    waits. A cell a writer holds is about to be bumped (stale again) or its writer
    rolls back (still stale): skipping it loses nothing, and a page that never
    waits can never deadlock with a writer bumping several cells."""
    free = _cells.alias("free")
    candidate = (sa.select(free.c.course_id, free.c.unit_key)
                 .where(free.c.course_id == sa.bindparam("c"),
                        free.c.unit_key == sa.bindparam("u"),
                        free.c.version == sa.bindparam("v"))
                 .with_for_update(skip_locked=True))
    return sa.tuple_(_cells.c.course_id, _cells.c.unit_key).in_(candidate)


def _recompute(stale: dict[tuple[int, int], int]) -> dict[tuple[int, int], dict]:
    courses = sorted({c for c, _ in stale})
    units = sorted({u for _, u in stale})
    found = {(c, u): _figures(rest) for c, u, *rest in db.session.execute(
        cell_figures_select(courses, units)) if (c, u) in stale}
    stored = [{"c": c, "u": u, "v": v, **{f"new_{f}": n for f, n in found[(c, u)].items()}}
              for (c, u), v in sorted(stale.items()) if (c, u) in found]
    emptied = [{"c": c, "u": u, "v": v}
               for (c, u), v in sorted(stale.items()) if (c, u) not in found]
    connection = db.session.connection()
    if stored:
        connection.execute(
            sa.update(_cells).where(_unlocked_cell()).values(
                fresh_version=sa.bindparam("v"),
                **{f: sa.bindparam(f"new_{f}") for f in FIGURES}), stored)
    if emptied:
        connection.execute(sa.delete(_cells).where(_unlocked_cell()), emptied)
    return found


def rebuild(connection: sa.Connection, *, counted=None) -> int:
    """Recompute every cell from scratch, all fresh; returns the number of cells.

    For the migration that adds the cells and after a bulk load without triggers
    (``counted``: as for ``cell_figures_select``).
    On PostgreSQL the table is locked first, so a concurrent writer either
    committed before (and is counted) or bumps its cell after (stale again).
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE report_cells IN EXCLUSIVE MODE")
    connection.execute(sa.delete(_cells))
    connection.execute(sa.insert(_cells).from_select(
        ["course_id", "unit_key", "enrolled", "completed", "scored", "score_sum"],
        cell_figures_select(counted=counted)))
    return connection.execute(sa.update(_cells).values(version=1, fresh_version=1)).rowcount


def _score(total: dict) -> float | None:
    return round(total["score_sum"] / total["scored"], 1) if total["scored"] else None


def _sum(cells: list[dict]) -> dict:
    return {"enrolled": sum(c["enrolled"] for c in cells),
            "completed": sum(c["completed"] for c in cells),
            "scored": sum(c["scored"] for c in cells),
            "score_sum": math.fsum(c["score_sum"] for c in cells)}


def figures_by_course_and_unit() -> tuple[dict, dict]:
    """(enrolled, completed, average score) by course id and by unit id (None: no unit),
    for all years, as ``queries._figures_by`` gives them: only keys with enrolments."""
    by_course: dict[int, list[dict]] = {}
    by_unit: dict[int | None, list[dict]] = {}
    for (course_id, unit_key), figures in refresh().items():
        if not figures["enrolled"]:
            continue
        by_course.setdefault(course_id, []).append(figures)
        by_unit.setdefault(None if unit_key == NO_UNIT else unit_key, []).append(figures)

    def summed(groups):
        out = {}
        for k, cells in groups.items():
            total = _sum(cells)
            out[k] = (total["enrolled"], total["completed"], _score(total))
        return out

    return summed(by_course), summed(by_unit)

