"""What a learner's course and module pages read, in two queries whatever the size of
the course: the course with the learner's enrolment, completion, current certificate,
cover and whether it is assigned to them (and, for a module page, that module in
full); then every module of the course, light, each with the learner's progress row.
Both statements are built once per process, with bind parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

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
from .progress import covers_bound, person_params


@dataclass
class CourseView:
    course: Course
    enrollment: Enrollment | None = None
    completion: CourseCompletion | None = None
    #: The current (not replaced) certificate of the completion.
    certificate: Certificate | None = None
    #: Assigned to the learner or the learner's unit (what opens a restricted course).
    assigned: bool = False
    #: The module the address names, loaded in full; None if the course has no such one.
    module: Module | None = None
    #: The learner's progress rows, by module id.
    progress: dict[int, ModuleProgress] = field(default_factory=dict)


def _theirs(model):
    """Join condition: ``model``'s row of this course and the bound user."""
    return (model.course_id == Course.id) & (model.user_id == sa.bindparam("user_id"))


@cache
def _course_statement(with_module: bool):
    assigned = sa.exists().where(Assignment.course_id == Course.id, covers_bound())
    stmt = (sa.select(Course, Enrollment, CourseCompletion, Certificate, assigned)
            .outerjoin(Enrollment, _theirs(Enrollment))
            .outerjoin(CourseCompletion, _theirs(CourseCompletion))
            .outerjoin(Certificate, _theirs(Certificate) & Certificate.current())
            .options(joinedload(Course.cover), defer(Course.source))
            .where(Course.slug == sa.bindparam("slug")))
    if with_module:
        stmt = stmt.add_columns(Module).outerjoin(
            Module, (Module.course_id == Course.id) & (Module.slug == sa.bindparam("module")))
    return stmt


@cache
def _modules_statement():
    return (sa.select(Module, ModuleProgress)
            .outerjoin(ModuleProgress, (ModuleProgress.module_id == Module.id)
                       & (ModuleProgress.user_id == sa.bindparam("user_id")))
            .options(defer(Module.source), defer(Module.body_html), defer(Module.quiz))
            .where(Module.course_id == sa.bindparam("course_id"))
            .order_by(Module.position, Module.id))


def load_course_view(user: User, slug: str, module_slug: str | None = None) -> CourseView | None:
    """The course ``slug`` as ``user`` sees it, None if there is no such course.

    ``course.modules`` is filled (every module, retired and draft ones too, in order)
    without their Markdown source, rendered body and quiz: the outline needs none of
    them, and ``view.module``, the one the page shows, is loaded whole.
    """
    params = {**person_params(user), "slug": slug, "module": module_slug}
    found = db.session.execute(_course_statement(module_slug is not None), params).first()
    if found is None:
        return None
    view = CourseView(*found)
    view.assigned = bool(view.assigned)  # SQLite answers EXISTS with 0 or 1
    rows = db.session.execute(_modules_statement(),
                              {"user_id": user.id, "course_id": view.course.id}).all()
    set_committed_value(view.course, "modules", [module for module, __ in rows])
    view.progress = {row.module_id: row for __, row in rows if row is not None}
    return view
