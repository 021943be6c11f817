"""Catalog, course and module pages and course files, and the lookups the quiz
pages share (quiz_routes.py). Views stay thin: the rules live in elearn/learning."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import undefer

from ..auth.forms import EmptyForm
from ..auth.guards import me
from ..certificates.issue import CertificateSettings
from ..compression import thorough
from ..courses.permissions import can_edit_course
from ..extensions import db, login_manager
from ..inputs import page_arg
from ..learning import catalog, course_view, evaluation, offline, progress, quiz
from ..learning.completion import mark_completed
from ..learning.errors import LearningError
from ..models import Course, CourseAsset, CourseCompletion, Module
from ..models.people import utcnow
from ..web import ONE_YEAR
from . import bp


def view_for_learner(slug: str, module_slug: str | None = None, *,
                     light: bool = False) -> course_view.CourseView:
    """The course and this user's state in it if they may see it: published (and
    assigned, if restricted) or editable; else a 404. Two queries (see course_view;
    ``light``: the outline as plain rows)."""
    view = course_view.load_course_view(me(), slug, module_slug, light=light)
    if view is None:
        abort(404)
    if can_edit_course(me(), view.course):
        return view
    if not progress.may_enrol(me(), view.course, assigned=view.assigned):
        abort(404)
    return view


def course_for_learner(slug: str, module_slug: str | None = None) -> Course:
    """The course, as ``view_for_learner``; ``module_slug`` names the module the
    request works on, loaded in full (the others come without their content)."""
    return view_for_learner(slug, module_slug).course


def _outline_for(view: course_view.CourseView, can_edit: bool) -> list[course_view.OutlineModule]:
    """The modules a page lists: the published ones, or for the instructors of a draft
    course every module not retired (as ``course.active_modules``)."""
    if can_edit and view.course.status == "draft":
        return [m for m in view.outline if m.retired_at is None]
    return [m for m in view.outline if m.for_learners]


def find_module(module_slug: str, modules: list) -> tuple[int, Module]:
    """The module named in the address and its index among ``modules``, or a 404."""
    for index, module in enumerate(modules):
        if module.slug == module_slug:
            return index, module
    abort(404)


def _is_page_navigation() -> bool:
    """False for a request the browser marks as a subresource (an <img> pointing at a
    module page sends Sec-Fetch-Dest: image); browsers without the header count as pages."""
    return request.headers.get("Sec-Fetch-Dest", "document") == "document"


def congratulate(completion: CourseCompletion) -> None:
    """Tell the learner the course is completed and the JP it earned."""
    flash(_("Congratulations, you have completed this course and earned %(jp)d JP.",
            jp=completion.jp), "success")


def flash_error(exc: LearningError) -> None:
    """Show why a learning action was refused, in the reader's language."""
    flash(exc.text(_), "error")


def certificate_settings() -> CertificateSettings:
    """How a completion reached by this request numbers and dates its certificate."""
    return CertificateSettings.from_config(current_app.config)


@bp.route("/courses")
@login_required
def catalog_view():
    """Published courses, filtered by competency and searched by title."""
    competency = request.args.get("competency", "")
    q = request.args.get("q", "").strip()
    page = catalog.catalog_page(me(), competency=competency, q=q,
                                page=page_arg(),
                                per_page=current_app.config["PAGE_SIZE"])
    return render_template("learn/catalog.html", page=page, competency=competency, q=q)


@bp.route("/courses/<slug>")
def course(slug):
    """A course: description, modules with the learner's state, progress, enrol.

    Visitors who are not signed in see a public summary of open courses, so
    a link shared on WhatsApp shows a proper preview; anything else asks
    them to sign in, revealing nothing.
    """
    if not current_user.is_authenticated:
        public = db.session.scalar(sa.select(Course).where(
            Course.slug == slug, Course.status == "published", Course.restricted.is_(False)))
        if public is None:
            return login_manager.unauthorized()
        return render_template("learn/course_public.html", course=public,
                               modules=progress.published_modules(public),
                               page_url=current_app.config["PUBLIC_URL"].rstrip("/")
                               + url_for("learn.course", slug=slug))
    return render_course_page(slug)


def render_course_page(slug: str, *, offline_copy: bool = False):
    """The course page of a signed-in learner; ``offline_copy``: as saved on the
    device for offline (offline/routes.py), marked with the time it was saved."""
    view = view_for_learner(slug, light=True)
    course, enrollment = view.course, view.enrollment
    can_edit = can_edit_course(me(), course)
    modules = _outline_for(view, can_edit)
    states = view.states
    counted = [m for m in modules if m.role != "pretest"]  # a pre-test is never required
    done = sum(1 for m in counted if states.get(m.id) and states[m.id].completed_at)
    last = enrollment.last_module_id if enrollment is not None else None
    return render_template(
        "learn/course.html", course=course, modules=modules, states=states,
        enrollment=enrollment, percent=round(100 * done / len(counted)) if counted else 0,
        done=done, total=len(counted), completion=view.completion,
        certificate=view.certificate, evaluation=view.evaluation,
        evaluation_open=evaluation.is_editable(view.evaluation),
        scores=course_view.pre_post_scores(view.outline, states),
        continue_module=next((m for m in view.outline if m.id == last), None),
        can_edit=can_edit, offline_copy=offline_copy, now=utcnow())


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@login_required
def enrol(slug):
    course = course_for_learner(slug)
    if EmptyForm().validate_on_submit():
        try:
            progress.enrol(me(), course)
        except LearningError as exc:
            flash_error(exc)
        else:
            db.session.commit()
            # Enrolled from a module's page: back to that module (a slug of this
            # course, never a free address).
            module_slug = request.form.get("module", "")
            if any(m.slug == module_slug for m in progress.published_modules(course)):
                flash(_("You are enrolled."), "success")
                return redirect(url_for("learn.module", slug=slug, module_slug=module_slug))
            flash(_("You are enrolled. Start with the first module."), "success")
    return redirect(url_for("learn.course", slug=slug))


@bp.route("/courses/<slug>/<module_slug>")
@login_required
@thorough
def module(slug, module_slug):
    """One module: the HTML stored at import or publish, never rendered here.

    A GET never enrols: someone not enrolled sees the module with an enrol
    button (a POST). For an enrolled learner, opening the page itself (not an
    image or other subresource pointing at it) is remembered as the place to
    continue and starts the reading time; a repeat view writes nothing.
    """
    return render_module_page(slug, module_slug)


def render_module_page(slug: str, module_slug: str, *, offline_copy: bool = False):
    """A module's page; ``offline_copy``: as saved on the device for offline (see
    offline/routes.py): it writes nothing (saving is not reading), can be marked
    completed whenever the learner is enrolled, and a quiz carries a signed layout
    to answer offline (learning/offline.py)."""
    view = view_for_learner(slug, module_slug, light=True)
    course, enrollment = view.course, view.enrollment
    can_edit = can_edit_course(me(), course)
    modules = _outline_for(view, can_edit)
    index, __ = find_module(module_slug, modules)
    module = view.module  # the same module, loaded whole
    row = None
    done = view.states if enrollment is not None else {}
    if (enrollment is not None and course.status == "published"
            and module.status == "published"):
        row = view.row
        # A repeat view writes nothing, and then commits nothing either.
        if (not offline_copy and _is_page_navigation()
                and progress.opening_writes(module, enrollment, row)):
            row = progress.open_module(me(), module, enrollment, row)
            db.session.commit()
    context = {}
    if module.kind == "quiz":
        context = _quiz_state(course, module, view.states,
                              [m for m in view.outline if m.for_learners])
        if offline_copy and enrollment is not None:
            context.update(_offline_quiz(course, module))
    elif offline_copy and enrollment is not None:
        # Only an offline copy needs these: a page view does not sign or compute them.
        context["since"] = offline.sign_copy(me(), module, current_app.secret_key)
        context["reading_seconds"] = int(
            progress.reading_time_left(course, module, None).total_seconds())
    return render_template(
        "learn/module.html", course=course, module=module, row=row, modules=modules,
        done_ids={i for i, p in done.items() if p.completed_at is not None},
        previous=modules[index - 1] if index > 0 else None,
        next=modules[index + 1] if index + 1 < len(modules) else None,
        position=index + 1, total=len(modules), enrollment=enrollment,
        wait=progress.reading_time_left(course, module, row),
        feedback=view.feedback, can_edit=can_edit, offline_copy=offline_copy, now=utcnow(),
        **context)


def _offline_quiz(course: Course, module: Module) -> dict:
    """What an offline copy of a quiz needs: a signed layout and its questions, or
    why it cannot be taken offline."""
    refusal = offline.offline_quiz_refusal(me(), course, module)
    if refusal is not None:
        return {"offline_refusal": refusal.text(_)}
    ticket, attempt = offline.draw_ticket(me(), module, current_app.secret_key)
    return {"ticket": ticket, "offline_questions": quiz.questions_for_attempt(module, attempt),
            "offline_form": EmptyForm()}


def _quiz_state(course: Course, module: Module, done: dict, published: list) -> dict:
    """What the quiz box on the module page needs: attempts, rules, what is still closed."""
    attempts = quiz.attempts_of(me(), module)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None and quiz.close_if_expired(
            me(), course, module, open_attempt,
            certificates=certificate_settings()) is not None:
        db.session.commit()
    if open_attempt is not None and open_attempt.submitted_at is not None:
        db.session.commit()
        open_attempt = None
    draw = (module.quiz or {}).get("draw")
    return {"attempts": [a for a in attempts if a.submitted_at is not None],
            "open_attempt": open_attempt,
            "attempts_left": quiz.attempts_left(module, attempts),
            "passed_quiz": quiz.has_passed(attempts),
            "lessons_open": quiz.lessons_still_open(me(), course, module, done,
                                                    modules=published),
            "next_attempt_at": quiz.next_attempt_at(module, attempts),
            # A pre-test closes once any lesson or graded quiz is completed.
            "pretest_closed": module.role == "pretest" and any(
                m.counts and done.get(m.id) and done[m.id].completed_at for m in published),
            "asked": sum(draw.values()) if draw else len(module.quiz["questions"])}


@bp.route("/courses/<slug>/<module_slug>/complete", methods=["POST"])
@login_required
def complete(slug, module_slug):
    """'Tandai selesai': mark a lesson completed (after the minimum reading time)."""
    course = course_for_learner(slug)
    modules = progress.published_modules(course)
    index, module = find_module(module_slug, modules)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        completion = mark_completed(me(), course, module,
                                    certificates=certificate_settings())
    except LearningError as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(url_for("learn.module", slug=slug, module_slug=module_slug))
    db.session.commit()
    if completion is not None:
        congratulate(completion)
        return redirect(url_for("learn.course", slug=slug))
    flash(_("Module marked as completed."), "success")
    if index + 1 < len(modules):
        return redirect(url_for("learn.module", slug=slug, module_slug=modules[index + 1].slug))
    return redirect(url_for("learn.course", slug=slug))


@bp.route("/courses/<slug>/files/<digest>/<path:path>")
@login_required
def course_file(slug, digest, path):
    """An image or attachment of a course; the digest in the URL makes it cacheable.

    Only by its full SHA-256, and, for learners, only if the course page or a
    published module links it (drafts and unlinked files stay private).
    """
    course = course_for_learner(slug)
    asset = db.session.scalar(
        sa.select(CourseAsset).options(undefer(CourseAsset.data))
        .where(CourseAsset.course_id == course.id, CourseAsset.path == path))
    if asset is None or asset.sha256 != digest or not _asset_in_use(course, asset):
        abort(404)
    if request.if_none_match and asset.sha256 in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(asset.data, mimetype=asset.content_type)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    response.headers["ETag"] = f'"{asset.sha256}"'
    if not asset.content_type.startswith("image/"):
        response.headers["Content-Disposition"] = _attachment(asset.path.rsplit("/", 1)[-1])
    return response


def _asset_in_use(course: Course, asset: CourseAsset) -> bool:
    """Rendered HTML holds each linked file's full digest (fixed at import), so a
    substring test on the stored HTML tells whether it is linked; no parsing."""
    if can_edit_course(me(), course) or asset.path == course.cover_path:
        return True
    marker = f"/files/{asset.sha256}/"
    if marker in (course.description_html or ""):
        return True
    published = db.session.execute(sa.select(Module.body_html, Module.quiz).where(
        Module.course_id == course.id, Module.for_learners_condition()))
    return any(marker in (body_html or "")
               or (quiz_data is not None and marker in json.dumps(quiz_data))
               for body_html, quiz_data in published)


def _attachment(filename: str) -> str:
    """Content-Disposition for any file name: an ASCII fallback and RFC 5987 UTF-8."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isalnum() or c in " .-_()" else "_" for c in fallback).strip()
    return f"attachment; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(filename)}"
