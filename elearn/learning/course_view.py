"""What a learner's course and module pages read, whatever the size of the course: the
course with the learner's enrolment, completion, current certificate, cover and
whether it is assigned to them (and, for a module page, that module in full with the
learner's progress row), and every module of the course, light, each with the
learner's progress on it. The statements are built once per process, with bind
parameters.

The outline comes in two forms. The course and module pages take it as plain rows
(``CourseView.outline`` and ``CourseView.states``), carried as a column of the
course's own statement (``outline_items``): one query. Building fifteen mapped
modules and their progress rows cost a tenth of the page. The other views of a course
(enrol, quiz attempts, completion) take mapped modules in ``course.modules``, which
the services they call read: a second query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..fastread import Partial, columns, entities, read
from ..models import (
    Assignment,
    Certificate,
    Course,
    CourseAsset,
    CourseCompletion,
    CourseEvaluation,
    Enrollment,
    Module,
    ModuleFeedback,
    ModuleProgress,
    User,
)
from . import outline_items
from .outline_items import OutlineModule
from .progress import covers_bound, person_params


class Feedback(NamedTuple):
    """The learner's "was this module helpful?" answer, as the module page shows it."""

    helpful: bool
    comment: str | None


class EvaluationState(NamedTuple):
    """That the learner evaluated the course, and when (the 14-day window)."""

    id: int
    created_at: datetime


class ModuleState(NamedTuple):
    """The learner's progress on one module, as the outline shows it."""

    completed_at: datetime | None
    best_score: float | None


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
    #: The learner's progress row on ``module``, mapped (a page view may update it).
    row: ModuleProgress | None = None
    #: The learner's "was this module helpful?" on ``module``.
    feedback: Feedback | None = None
    #: The learner's evaluation of the course (course page).
    evaluation: EvaluationState | None = None
    #: The learner's progress rows, by module id (mapped rows; empty when ``light``).
    progress: dict[int, ModuleProgress] = field(default_factory=dict)
    #: Light form (``light=True``): every module of the course, in order...
    outline: list[OutlineModule] = field(default_factory=list)
    #: ...and the learner's progress on each, by module id.
    states: dict[int, ModuleState] = field(default_factory=dict)


def _theirs(model):
    """Join condition: ``model``'s row of this course and the bound user."""
    return (model.course_id == Course.id) & (model.user_id == sa.bindparam("user_id"))


#: What a row of the module page's statement holds, in order (``fastread.entities``):
#: the mapped rows are made from their columns, which costs a tenth of the ORM's
#: loading on the pages learners open most.
#: The learner's feedback on the module and evaluation of the course come as the two
#: columns each page shows (no entity: dates are not parsed on every view).
#: Neither page shows the Markdown sources (course.md, the module's file), nor a module
#: page the course's description: on PostgreSQL a module's source alone is about 6 KB
#: to fetch from its compressed storage and send on every lesson view.
MODULE_PAGE_COURSE = Partial(Course, ("source", "description_html"))
MODULE_PAGE_MODULE = Partial(Module, ("source",))
COURSE_PAGE_COURSE = Partial(Course, ("source",))
MODULE_PAGE_PARTS = (MODULE_PAGE_COURSE, Enrollment, None, MODULE_PAGE_MODULE, ModuleProgress,
                     None, None)
#: The same for the course page: its completion, current certificate, the learner's
#: evaluation and the cover file.
COURSE_PAGE_PARTS = (COURSE_PAGE_COURSE, Enrollment, None, CourseCompletion, Certificate, None,
                     None, CourseAsset)


@cache
def _course_statement(with_module: bool, outline: str | None = None):
    """The page's statement; with ``outline`` (a dialect's name) it also carries the
    course's outline as its last column (``outline_items``)."""
    statement = _page_statement(with_module)
    return statement.add_columns(outline_items.outline_column(outline)) if outline else statement


def _page_statement(with_module: bool):
    assigned = sa.exists().where(Assignment.course_id == Course.id, covers_bound())
    if with_module:
        # A module page shows neither the completion, the certificate nor the cover:
        # entities not built on every lesson view.
        return (sa.select(*columns(*MODULE_PAGE_COURSE), *columns(Enrollment), assigned,
                          *columns(*MODULE_PAGE_MODULE), *columns(ModuleProgress),
                          ModuleFeedback.helpful,
                          ModuleFeedback.comment)
                .select_from(Course)
                .outerjoin(Enrollment, _theirs(Enrollment))
                .outerjoin(Module, (Module.course_id == Course.id)
                           & (Module.slug == sa.bindparam("module")))
                .outerjoin(ModuleProgress, (ModuleProgress.module_id == Module.id)
                           & (ModuleProgress.user_id == sa.bindparam("user_id")))
                .outerjoin(ModuleFeedback, (ModuleFeedback.module_id == Module.id)
                           & (ModuleFeedback.user_id == sa.bindparam("user_id")))
                .where(Course.slug == sa.bindparam("slug")))
    return (sa.select(*columns(*COURSE_PAGE_COURSE), *columns(Enrollment), assigned,
                      *columns(CourseCompletion), *columns(Certificate),
                      CourseEvaluation.id, CourseEvaluation.created_at, *columns(CourseAsset))
            .select_from(Course)
            .outerjoin(Enrollment, _theirs(Enrollment))
            .outerjoin(CourseCompletion, _theirs(CourseCompletion))
            .outerjoin(Certificate, _theirs(Certificate) & Certificate.current())
            .outerjoin(CourseEvaluation, _theirs(CourseEvaluation))
            .outerjoin(CourseAsset, (CourseAsset.course_id == Course.id)
                       & (CourseAsset.path == Course.cover_path))
            .where(Course.slug == sa.bindparam("slug")))


@cache
def _modules_statement():
    return (sa.select(Module, ModuleProgress)
            .outerjoin(ModuleProgress, (ModuleProgress.module_id == Module.id)
                       & (ModuleProgress.user_id == sa.bindparam("user_id")))
            .options(defer(Module.source), defer(Module.body_html), defer(Module.quiz))
            .where(Module.course_id == sa.bindparam("course_id"))
            .order_by(Module.position, Module.id))


def load_course_view(user: User, slug: str, module_slug: str | None = None, *,
                     light: bool = False) -> CourseView | None:
    """The course ``slug`` as ``user`` sees it, None if there is no such course.

    ``view.module``, the module named ``module_slug``, is loaded whole, with the
    learner's progress row on it (``view.row``); a view of a module leaves out the
    completion and certificate (and the course's cover and description). The other
    modules come without their Markdown source, rendered body and quiz: as
    ``view.outline`` and ``view.states`` when ``light``, else as ``course.modules``
    (every module, retired and draft ones too, in order) and ``view.progress``.
    """
    params = {**person_params(user), "slug": slug, "module": module_slug}
    # Light: the outline comes with the page's row, no statement of its own.
    outline = db.engine.dialect.name if light else None
    extra = (None,) if outline else ()
    # SQLite answers EXISTS with 0 or 1: bool() for both databases.
    if module_slug is not None:
        found = read(_course_statement(True, outline), params).first()
        if found is None:
            return None
        course, enrollment, assigned, module, row, helpful, comment, *_ = entities(
            found, *MODULE_PAGE_PARTS, *extra)
        view = CourseView(course, enrollment, assigned=bool(assigned), module=module, row=row,
                          feedback=None if helpful is None else Feedback(bool(helpful), comment))
    else:
        found = read(_course_statement(False, outline), params).first()
        if found is None:
            return None
        course, enrollment, assigned, completion, certificate, evaluation_id, evaluated_at, \
            cover, *_ = entities(found, *COURSE_PAGE_PARTS, *extra)
        if "cover" not in sa.inspect(course).dict:
            set_committed_value(course, "cover", cover)
        view = CourseView(course, enrollment, completion, certificate, bool(assigned),
                          evaluation=None if evaluation_id is None
                          else EvaluationState(evaluation_id, evaluated_at))
    if light:
        rows = outline_items.parse(found[-1])
        width = len(outline_items.FIELDS)
        view.outline = [OutlineModule(*row[:width]) for row in rows]
        view.states = {row[0]: ModuleState(row[width + 1], row[width + 2])
                       for row in rows if row[width] is not None}
        return view
    outline_params = {"user_id": user.id, "course_id": view.course.id}
    rows = db.session.execute(_modules_statement(), outline_params).all()
    set_committed_value(view.course, "modules", [module for module, __ in rows])
    view.progress = {row.module_id: row for __, row in rows if row is not None}
    return view


def pre_post_scores(outline, states: dict) -> tuple[float, float] | None:
    """The learner's pre-test score and post-test best score (the course's last
    graded quiz), when the course has both and the learner has both; else None."""
    pretest = next((m for m in outline if m.for_learners and m.role == "pretest"), None)
    quizzes = [m for m in outline if m.counts and m.kind == "quiz"]
    if pretest is None or not quizzes:
        return None
    pre, post = states.get(pretest.id), states.get(quizzes[-1].id)
    if pre is None or post is None or pre.best_score is None or post.best_score is None:
        return None
    return pre.best_score, post.best_score
