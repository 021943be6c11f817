"""Read models for the catalog and the dashboard, in a fixed number of queries.

Their statements are built once per process (``functools.cache``) with bind
parameters for the person and the filters: building a statement of this size in
Python costs about a hundred times more than SQLite takes to run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..fastread import read
from ..models import (
    Assignment,
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    Module,
    ModuleProgress,
    User,
)
from ..people.directory import escape_like
from .completion import jp_in_year, jp_in_year_statement, year_bounds
from .progress import CourseProgress, covers_bound, person_params


def _visible(admin: bool):
    """Published courses, restricted ones only when assigned to the person (bound as in
    ``covers_bound``) or for admins."""
    visible = Course.status == "published"
    if admin:
        return visible
    assigned = sa.select(Assignment.course_id).where(covers_bound())
    return visible & (Course.restricted.is_(False) | Course.id.in_(assigned))


class ListedCourse(NamedTuple):
    """A course's columns the catalog lists."""

    id: int
    slug: str
    title: str
    summary: str
    jp: int
    competency: str
    restricted: bool


@dataclass
class CatalogEntry:
    #: The course's listed columns, not a mapped object: a page lists 25.
    course: ListedCourse
    modules: int
    minutes: int


@cache
def _catalog_statements(admin: bool, competency: bool, search: bool):
    """The count of the courses that match one shape of filter, and the page query:
    the page's courses, their published modules and minutes, and in each row the
    count of every match (a window over the filtered courses, before the limit),
    so a page with rows needs no count of its own."""
    where = [_visible(admin)]
    if competency:
        where.append(Course.competency == sa.bindparam("competency"))
    if search:
        where.append(sa.func.lower(Course.title).like(sa.bindparam("pattern"), escape="\\"))
    count = sa.select(sa.func.count()).select_from(Course).where(*where)
    listed = Course.__table__.c
    matched = (sa.select(*(listed[name] for name in ListedCourse._fields),
                         sa.func.count().over().label("total"))
               .where(*where)
               .order_by(Course.title, Course.id)
               .limit(sa.bindparam("limit", type_=sa.Integer))
               .offset(sa.bindparam("offset", type_=sa.Integer))
               .subquery("matched"))
    published = Module.for_learners_condition()
    modules = (sa.select(sa.func.count()).select_from(Module)
               .where(Module.course_id == matched.c.id, published).scalar_subquery())
    minutes = (sa.select(sa.func.coalesce(sa.func.sum(Module.minutes), 0))
               .where(Module.course_id == matched.c.id, published).scalar_subquery())
    page = (sa.select(*(matched.c[name] for name in ListedCourse._fields), modules, minutes,
                      matched.c.total)
            .order_by(matched.c.title, matched.c.id))
    return count, page


def catalog_page(user: User, *, competency: str = "", q: str = "", page: int = 1,
                 per_page: int = 25):
    """One page of the courses ``user`` may see, with their published modules and
    minutes, in one query (the module figures for its courses only); a page past
    the last one has no row to carry the count, and counts on its own."""
    count, rows_of_page = _catalog_statements(user.role == "admin", bool(competency), bool(q))
    params = {**person_params(user), "competency": competency,
              "pattern": f"%{escape_like(q.lower())}%"}
    number = max(1, page)
    rows = read(rows_of_page, {**params, "limit": per_page,
                               "offset": (number - 1) * per_page}).all()
    if rows:
        total = rows[0][-1]
    else:
        total = 0 if number == 1 else read(count, params).scalar()
    result = Page(page=number, per_page=per_page, total=total)
    width = len(ListedCourse._fields)
    result.items = [CatalogEntry(ListedCourse(*row[:width]), row[width], row[width + 1])
                    for row in rows]
    return result


@dataclass
class Page:
    """One page of a list, with what the pager macro needs."""

    page: int
    per_page: int
    total: int
    items: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class BoardCourse(NamedTuple):
    id: int
    slug: str
    title: str


class BoardCompletion(NamedTuple):
    completed_at: datetime
    jp: int


class BoardCertificate(NamedTuple):
    code: str
    number: str
    status: str


@dataclass
class DashboardCourse:
    """One card of the dashboard. Its parts are the columns the page shows, not
    mapped objects: building a dozen entities per card cost more than the query."""

    course: BoardCourse
    progress: CourseProgress
    continue_slug: str | None = None
    completion: BoardCompletion | None = None
    due_date: date | None = None
    certificate: BoardCertificate | None = None


@dataclass
class Dashboard:
    in_progress: list[DashboardCourse] = field(default_factory=list)
    completed: list[DashboardCourse] = field(default_factory=list)
    assigned: list[DashboardCourse] = field(default_factory=list)
    jp_this_year: int = 0
    year: int = 0
    today: date | None = None


@cache
def _board_statement():
    """One row per published course the person (bound as in ``covers_bound``) is
    enrolled in or assigned: the course, whether they are enrolled, their completion
    and current certificate, the slug of the module to continue with, the published
    modules and those completed, the nearest due date and whether it is assigned.
    Enrolled courses come first, most recently opened first."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)

    def theirs(model):
        return (model.course_id == Course.id) & (model.user_id == user_id)

    published = Module.counts_condition()
    total = (sa.select(sa.func.count()).select_from(Module)
             .where(Module.course_id == Course.id, published).scalar_subquery())
    done = (sa.select(sa.func.count()).select_from(Module).join(ModuleProgress)
            .where(Module.course_id == Course.id, published, ModuleProgress.user_id == user_id,
                   ModuleProgress.completed_at.is_not(None)).scalar_subquery())
    theirs_assigned = (Assignment.course_id == Course.id) & covers_bound()
    due = sa.select(sa.func.min(Assignment.due_date)).where(theirs_assigned).scalar_subquery()
    assigned = sa.exists().where(theirs_assigned)
    last = aliased(Module)
    mine = sa.union(sa.select(Enrollment.course_id).where(Enrollment.user_id == user_id),
                    sa.select(Assignment.course_id).where(covers_bound()))
    # The year's JP total rides along on every row (one subquery, evaluated once):
    # a page with courses needs no statement of its own for it.
    jp_year = jp_in_year_statement().scalar_subquery()
    return (sa.select(Course.id, Course.slug, Course.title, Enrollment.id,
                      CourseCompletion.id, CourseCompletion.completed_at, CourseCompletion.jp,
                      Certificate.id, Certificate.code, Certificate.number, Certificate.status,
                      last.slug, total, done, due, assigned, jp_year)
            .outerjoin(Enrollment, theirs(Enrollment))
            .outerjoin(CourseCompletion, theirs(CourseCompletion))
            .outerjoin(Certificate, theirs(Certificate) & Certificate.current())
            .outerjoin(last, last.id == Enrollment.last_module_id)
            .where(Course.status == "published", Course.id.in_(mine))
            .order_by(Enrollment.last_opened_at.desc().nulls_last(),
                      Enrollment.enrolled_at.desc().nulls_last(), Course.id))


def _board_rows(user: User, year: int, tz: str):
    start, end = year_bounds(year, tz)
    return read(_board_statement(),
                        {**person_params(user), "start": start, "end": end}).all()


def dashboard(user: User, tz: str) -> Dashboard:
    """Everything 'Pembelajaran Saya' shows, for one user, in one query (two for a
    person with no course, whose year's JP is read on its own); ``tz`` (the agency's
    time zone) says which day and year it is."""
    today = datetime.now(ZoneInfo(tz)).date()
    rows = _board_rows(user, today.year, tz)
    jp_year = int(rows[0][-1] or 0) if rows else jp_in_year(user, today.year, tz)
    board = Dashboard(year=today.year, today=today, jp_this_year=jp_year)
    assigned_items = []
    for (course_id, slug, title, enrollment_id, completion_id, completed_at, jp,
         certificate_id, code, number, status, continue_slug, total, done, due,
         assigned, _jp_year) in rows:
        course = BoardCourse(course_id, slug, title)
        progress = CourseProgress(done, total)
        completion = (BoardCompletion(completed_at, jp) if completion_id is not None
                      else None)
        if enrollment_id is not None:
            item = DashboardCourse(
                course, progress, continue_slug=continue_slug, completion=completion,
                due_date=due, certificate=(BoardCertificate(code, number, status)
                                           if certificate_id is not None else None))
            (board.completed if completion else board.in_progress).append(item)
        if assigned and completion is None:
            assigned_items.append(DashboardCourse(course, progress, due_date=due))
    board.assigned = sorted(assigned_items, key=lambda item: (
        item.due_date is None, item.due_date or today, item.course.id))
    return board
