"""The yearly JP report: every active ASN's lesson hours in a calendar year."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import sqlalchemy as sa

from ..extensions import db
from ..learning.completion import year_bounds
from ..models import CourseCompletion, Unit, User
from ..models.certificates import jp_credited
from .queries import BATCH, DEFAULT_TZ, unit_order


class JpRow(NamedTuple):
    nip: str
    name: str
    unit_code: str | None
    unit_name: str | None
    position: str | None
    grade: str | None
    #: Lesson hours credited by completions in the year.
    jp: int
    target: int
    meets_target: bool


def jp_report(year: int, tz: str = DEFAULT_TZ, below_target_only: bool = False,
              unit_code: str | None = None, target: int = 20) -> Iterator[JpRow]:
    """Every active user with the JP credited in calendar ``year`` (local time), in one query.

    JP is the sum of ``CourseCompletion.jp`` of completions inside the year's
    bounds in ``tz``. Ordered by unit name (no unit last), then name.
    """
    start, end = year_bounds(year, tz)
    credited = (sa.select(CourseCompletion.user_id.label("user_id"),
                          sa.func.sum(CourseCompletion.jp).label("jp"))
                .where(CourseCompletion.completed_at >= start, CourseCompletion.completed_at < end,
                       jp_credited(CourseCompletion.id))
                .group_by(CourseCompletion.user_id)
                .subquery("credited"))
    jp = sa.func.coalesce(credited.c.jp, 0)
    stmt = (sa.select(User.nip, User.full_name, Unit.code, Unit.name, User.position, User.grade,
                      jp.label("jp"))
            .select_from(User)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .outerjoin(credited, credited.c.user_id == User.id)
            .where(User.active.is_(True))
            .order_by(*unit_order(), User.full_name, User.nip))
    if unit_code:
        stmt = stmt.where(Unit.code == unit_code.strip().upper())
    if below_target_only:
        stmt = stmt.where(jp < target)
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    try:
        for r in result:
            total = int(r.jp)
            yield JpRow(r.nip, r.full_name, r.code, r.name, r.position, r.grade, total, target,
                        total >= target)
    finally:
        result.close()
