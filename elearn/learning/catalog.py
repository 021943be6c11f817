"""Read models for the catalog and the dashboard, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased, defer

from ..extensions import db
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
from .completion import jp_in_year
from .progress import CourseProgress, covers


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
    """One page of the courses ``user`` may see, with their published modules and
    minutes: a count, then the page (the module figures for its courses only)."""
    where = [_visible_to(user)]
    if competency:
        where.append(Course.competency == competency)
    if q:
        where.append(sa.func.lower(Course.title).contains(q.lower(), autoescape=True))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Course).where(*where))
    result = Page(page=max(1, page), per_page=per_page, total=total)
    published = Module.for_learners_condition()
    modules = (sa.select(sa.func.count()).select_from(Module)
               .where(Module.course_id == Course.id, published).scalar_subquery())
    minutes = (sa.select(sa.func.coalesce(sa.func.sum(Module.minutes), 0))
               .where(Module.course_id == Course.id, published).scalar_subquery())
    rows = db.session.execute(
        sa.select(Course, modules, minutes).where(*where)
        .options(defer(Course.source), defer(Course.description_html))
        .order_by(Course.title, Course.id)
        .limit(per_page).offset((result.page - 1) * per_page)).all()
    result.items = [CatalogEntry(course, count, total_minutes)
                    for course, count, total_minutes in rows]
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


def _board_rows(user: User):
    """One row per published course the user is enrolled in or assigned: the course,
    the user's enrolment, completion and current certificate, the slug of the module
    to continue with, the published modules and those completed, the nearest due date
    and whether it is assigned. Enrolled courses come first, most recently opened first.
    """
    def theirs(model):
        return (model.course_id == Course.id) & (model.user_id == user.id)

    published = Module.for_learners_condition()
    total = (sa.select(sa.func.count()).select_from(Module)
             .where(Module.course_id == Course.id, published).scalar_subquery())
    done = (sa.select(sa.func.count()).select_from(Module).join(ModuleProgress)
            .where(Module.course_id == Course.id, published, ModuleProgress.user_id == user.id,
                   ModuleProgress.completed_at.is_not(None)).scalar_subquery())
    theirs_assigned = (Assignment.course_id == Course.id) & covers(user)
    due = sa.select(sa.func.min(Assignment.due_date)).where(theirs_assigned).scalar_subquery()
    assigned = sa.exists().where(theirs_assigned)
    last = aliased(Module)
    mine = sa.union(sa.select(Enrollment.course_id).where(Enrollment.user_id == user.id),
                    sa.select(Assignment.course_id).where(covers(user)))
    return db.session.execute(
        sa.select(Course, Enrollment, CourseCompletion, Certificate, last.slug,
                  total, done, due, assigned)
        .outerjoin(Enrollment, theirs(Enrollment))
        .outerjoin(CourseCompletion, theirs(CourseCompletion))
        .outerjoin(Certificate, theirs(Certificate) & (Certificate.status != "replaced"))
        .outerjoin(last, last.id == Enrollment.last_module_id)
        .options(defer(Course.source), defer(Course.description_html))
        .where(Course.status == "published", Course.id.in_(mine))
        .order_by(Enrollment.last_opened_at.desc().nulls_last(),
                  Enrollment.enrolled_at.desc().nulls_last(), Course.id)).all()


def dashboard(user: User, tz: str) -> Dashboard:
    """Everything 'Pembelajaran Saya' shows, for one user, in two queries; ``tz`` (the
    agency's time zone) says which day and year it is."""
    today = datetime.now(ZoneInfo(tz)).date()
    board = Dashboard(year=today.year, today=today,
                      jp_this_year=jp_in_year(user, today.year, tz))
    assigned_items = []
    for course, enrollment, completion, certificate, continue_slug, total, done, due, \
            assigned in _board_rows(user):
        progress = CourseProgress(done, total)
        if enrollment is not None:
            item = DashboardCourse(course, progress, continue_slug=continue_slug,
                                   completion=completion, due_date=due,
                                   certificate=certificate)
            (board.completed if completion else board.in_progress).append(item)
        if assigned and completion is None:
            assigned_items.append(DashboardCourse(course, progress, due_date=due))
    board.assigned = sorted(assigned_items, key=lambda item: (
        item.due_date is None, item.due_date or today, item.course.id))
    return board
