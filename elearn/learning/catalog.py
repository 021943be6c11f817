"""Read models for the catalog and the dashboard, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Assignment,
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    Module,
    User,
)
from .completion import jp_in_year
from .progress import CourseProgress, course_progress, covers


def _visible_to(user: User):
    """Published courses, restricted ones only when assigned to the user (or for admins)."""
    visible = Course.status == "published"
    if user.role == "admin":
        return visible
    assigned = sa.select(Assignment.course_id).where(covers(user))
    return visible & (Course.restricted.is_(False) | Course.id.in_(assigned))


@dataclass
class CatalogEntry:
    course: Course
    modules: int
    minutes: int


def catalog_page(user: User, *, competency: str = "", q: str = "", page: int = 1,
                 per_page: int = 25):
    published = Module.for_learners_condition()
    counts = (sa.select(Module.course_id, sa.func.count().label("modules"),
                        sa.func.coalesce(sa.func.sum(Module.minutes), 0).label("minutes"))
              .where(published).group_by(Module.course_id).subquery())
    stmt = (sa.select(Course, sa.func.coalesce(counts.c.modules, 0),
                      sa.func.coalesce(counts.c.minutes, 0))
            .outerjoin(counts, counts.c.course_id == Course.id)
            .where(_visible_to(user)).order_by(Course.title, Course.id))
    if competency:
        stmt = stmt.where(Course.competency == competency)
    if q:
        stmt = stmt.where(sa.func.lower(Course.title).contains(q.lower(), autoescape=True))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    result = Page(page=max(1, page), per_page=per_page, total=total)
    result.items = [CatalogEntry(course, modules, minutes)
                    for course, modules, minutes in db.session.execute(
                        stmt.limit(per_page).offset((result.page - 1) * per_page)).all()]
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


@dataclass
class DashboardCourse:
    course: Course
    progress: CourseProgress
    continue_slug: str | None = None
    completion: CourseCompletion | None = None
    due_date: date | None = None
    certificate: Certificate | None = None


@dataclass
class Dashboard:
    in_progress: list[DashboardCourse] = field(default_factory=list)
    completed: list[DashboardCourse] = field(default_factory=list)
    assigned: list[DashboardCourse] = field(default_factory=list)
    jp_this_year: int = 0
    year: int = 0
    today: date | None = None


def dashboard(user: User, tz: str) -> Dashboard:
    """Everything 'Pembelajaran Saya' shows, for one user; ``tz`` (the agency's
    time zone) says which day and year it is."""
    today = datetime.now(ZoneInfo(tz)).date()
    enrollments = db.session.scalars(
        sa.select(Enrollment).where(Enrollment.user_id == user.id)
        .options(joinedload(Enrollment.course), joinedload(Enrollment.last_module))
        .order_by(Enrollment.last_opened_at.desc().nulls_last(), Enrollment.enrolled_at.desc())
    ).all()
    completions = {c.course_id: c for c in db.session.scalars(
        sa.select(CourseCompletion).where(CourseCompletion.user_id == user.id))}
    certificates = {c.course_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user.id,
                                     Certificate.status != "replaced"))}
    assignments = db.session.execute(
        sa.select(Assignment.course_id, sa.func.min(Assignment.due_date))
        .join(Course).where(covers(user), Course.status == "published")
        .group_by(Assignment.course_id)).all()
    due = dict(assignments)
    assigned_courses = {c.id: c for c in db.session.scalars(
        sa.select(Course).where(Course.id.in_(list(due))))} if due else {}
    courses = {e.course_id: e.course for e in enrollments} | assigned_courses
    progress = course_progress(user, list(courses.values()))
    board = Dashboard(year=today.year, today=today,
                      jp_this_year=jp_in_year(user, today.year, tz))
    enrolled_ids = set()
    for e in enrollments:
        if e.course.status != "published":
            continue
        enrolled_ids.add(e.course_id)
        item = DashboardCourse(e.course, progress[e.course_id],
                               continue_slug=e.last_module.slug if e.last_module else None,
                               completion=completions.get(e.course_id),
                               due_date=due.get(e.course_id),
                               certificate=certificates.get(e.course_id))
        (board.completed if item.completion else board.in_progress).append(item)
    for course_id, due_date in sorted(due.items(), key=lambda kv: (kv[1] is None, kv[1])):
        if course_id in completions:
            continue
        board.assigned.append(DashboardCourse(assigned_courses[course_id], progress[course_id],
                                              due_date=due_date))
    return board
