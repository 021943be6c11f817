"""A course's outline carried in the course's own statement.

The course and module pages show every module of the course with the learner's
state on each. Read by a statement of its own, that is a round trip to the
database on every view, which on PostgreSQL costs the worker and the server more
than reading the rows. Here it is a column of the page's statement instead: one
JSON array per module, aggregated by the database (``json_agg`` on PostgreSQL,
``json_group_array`` on SQLite), turned back into the same values the separate
statement gave (``parse``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..models import Course, Module, ModuleProgress


class OutlineModule(NamedTuple):
    """A module as the outline of a course shows it (every module, retired and
    draft ones too, in order)."""

    id: int
    slug: str
    title: str
    kind: str
    minutes: int
    position: int
    status: str
    retired_at: datetime | None
    role: str

    @property
    def for_learners(self) -> bool:
        """As ``Module.for_learners``: published and not retired."""
        return self.status == "published" and self.retired_at is None

    @property
    def counts(self) -> bool:
        """As ``Module.counts``: for learners and not a pre-test."""
        return self.for_learners and self.role != "pretest"


#: The fields of each item, in order: the outline's module columns, then the
#: learner's progress row id (None: no row), its completion moment and best score.
FIELDS = OutlineModule._fields
PROGRESS_FIELDS = ("id", "completed_at", "best_score")


def outline_column(dialect_name: str):
    """The correlated subquery giving the outline of the statement's course as one JSON
    array (NULL or ``[]`` for a course without modules), for the bound ``user_id``."""
    module, progress = aliased(Module), aliased(ModuleProgress)
    values = [getattr(module, name) for name in FIELDS] + \
        [getattr(progress, name) for name in PROGRESS_FIELDS]
    if dialect_name == "postgresql":
        items = sa.func.json_agg(sa.func.json_build_array(*values))
    else:
        # SQLite writes a REAL into JSON with 15 significant digits: the best score
        # goes as text with 17, which reads back as the very same float.
        score = progress.best_score
        values[-1] = sa.case((score.is_(None), None), else_=sa.func.printf("%.17g", score))
        items = sa.func.json_group_array(sa.func.json_array(*values))
    return (sa.select(items)
            .select_from(module)
            .outerjoin(progress, (progress.module_id == module.id)
                       & (progress.user_id == sa.bindparam("user_id")))
            .where(module.course_id == Course.id)
            .correlate(Course)
            .scalar_subquery())


def _moment(value: str | None) -> datetime | None:
    # PostgreSQL writes ISO 8601 with the offset; SQLite the stored text, naive as
    # SQLAlchemy reads it there.
    return None if value is None else datetime.fromisoformat(value)


def parse(value) -> list[tuple]:
    """The outline's rows from the column's value, ordered by position then id: each
    ``(id, slug, title, kind, minutes, position, status, retired_at, role,
    progress id, completed_at, best_score)``, with moments as datetimes and the best
    score as a float, as the separate statement read them."""
    if value is None:
        return []
    items = json.loads(value) if isinstance(value, str | bytes) else value
    rows = []
    for item in items:
        (id_, slug, title, kind, minutes, position, status, retired_at, role,
         progress_id, completed_at, best_score) = item
        rows.append((id_, slug, title, kind, minutes, position, status, _moment(retired_at),
                     role, progress_id, _moment(completed_at),
                     None if best_score is None else float(best_score)))
    rows.sort(key=lambda row: (row[5], row[0]))
    return rows
