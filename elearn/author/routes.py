"""Instructors author courses here; every save goes through the course checker."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.forms import EmptyForm
from ..auth.guards import role_required
from ..content import read_zip
from ..content.files import CourseFilesError, ZipLimits
from ..courses import authoring
from ..courses.permissions import can_edit_course
from ..courses.store import ContentError, course_files, get_course
from ..extensions import db
from ..models import Course, CourseInstructor
from ..vocabulary import QUIZ_ROLES
from . import bp
from .forms import AssetForm, CourseForm, ModuleForm, UploadForm

AUTHORS = ("instructor", "admin")


def _editable(slug: str) -> Course:
    course = get_course(slug)
    if course is None:
        abort(404)
    if not can_edit_course(current_user, course):
        abort(403)
    return course


def _active_module(course: Course, module_slug: str):
    module = next((m for m in course.active_modules if m.slug == module_slug), None)
    if module is None:
        abort(404)
    return module


def _problems(exc: ContentError) -> list[str]:
    return [f"{p.file}:{p.line}: {p.text(_)}" for p in exc.problems]


@bp.route("/")
@role_required(*AUTHORS)
def index():
    """The courses this person may edit."""
    stmt = sa.select(Course).order_by(Course.title)
    if current_user.role != "admin":
        stmt = stmt.join(CourseInstructor).where(CourseInstructor.nip == current_user.nip)
    courses = db.session.scalars(stmt).all()
    return render_template("author/index.html", courses=courses)


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_course():
    """Start a draft course."""
    form = CourseForm()
    problems: list[str] = []
    if request.method == "GET" and current_user.role == "instructor":
        form.instructors.data = current_user.nip
    if form.validate_on_submit():
        if not form.slug.data:
            form.slug.errors.append(_("Enter a short name."))
        else:
            try:
                result = authoring.create_course(form.slug.data, _settings(form), current_user)
            except ContentError as exc:
                db.session.rollback()
                problems = _problems(exc)
            else:
                db.session.commit()
                flash(_("Course created as a draft. Add its modules, then publish it."),
                      "success")
                return redirect(url_for("author.course", slug=result.course.slug))
    return render_template("author/course_form.html", form=form, course=None,
                           problems=problems)


def _settings(form: CourseForm) -> authoring.CourseSettings:
    return authoring.CourseSettings(
        title=form.title.data.strip(), summary=" ".join(form.summary.data.split()),
        jp=form.jp.data, competency=form.competency.data, level=form.level.data,
        restricted=form.restricted.data, instructors=form.instructor_list(),
        min_reading_percent=form.min_reading_percent.data or 0,
        evaluation_required=form.evaluation_required.data,
        description=form.description.data.replace("\r\n", "\n"))


@bp.route("/courses/<slug>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def course(slug):
    """Course settings, its modules in order, and publishing."""
    course = _editable(slug)
    form = CourseForm()
    problems: list[str] = []
    if request.method == "GET":
        settings = authoring.settings_of(course)
        form.process(data={**settings.__dict__, "instructors": ", ".join(settings.instructors)})
    elif form.validate_on_submit():
        settings = _settings(form)
        if current_user.role != "admin" and current_user.nip not in settings.instructors:
            problems = [_("Keep your own NIP among the instructors, or you could no longer "
                          "edit this course.")]
        else:
            try:
                authoring.update_settings(course, settings)
            except ContentError as exc:
                db.session.rollback()
                problems = _problems(exc)
            else:
                db.session.commit()
                flash(_("Course settings saved."), "success")
                return redirect(url_for("author.course", slug=slug))
    return render_template("author/course.html", form=form, course=course, problems=problems,
                           button=EmptyForm())


@bp.route("/courses/<slug>/publish", methods=["POST"])
@role_required(*AUTHORS)
def publish_course(slug):
    course = _editable(slug)
    if EmptyForm().validate_on_submit():
        try:
            if request.form.get("state") == "draft":
                authoring.unpublish_course(course)
                message = _("The course is a draft again; learners no longer see it.")
            else:
                authoring.publish_course(course)
                message = _("The course is published.")
        except ContentError as exc:
            db.session.rollback()
            for problem in exc.problems:  # about the course, not a line of a file
                flash(problem.text(_), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for("author.course", slug=slug))


def _warn_before_quiz(module) -> None:
    """A published quiz after a draft lesson opens without it: say so, naming the lesson."""
    for warning in authoring.quiz_publish_warnings(module):
        flash(warning.text(_), "warning")


@bp.route("/courses/<slug>/modules/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_module(slug):
    course = _editable(slug)
    return _module_editor(course, None)


@bp.route("/courses/<slug>/modules/<module_slug>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def edit_module(slug, module_slug):
    course = _editable(slug)
    module = _active_module(course, module_slug)
    return _module_editor(course, module)


def _module_editor(course, module):
    """Edit, preview (server-side, nothing saved), save as draft or publish.

    The preview works without JavaScript (the page comes back with the text
    and the preview beside it); editor.js asks ``preview`` for it instead.
    """
    form = ModuleForm()
    problems: list[str] = []
    preview = None
    if request.method == "GET" and module is not None:
        draft = authoring.draft_of(module)
        form.process(data={**draft.__dict__, "slug": module.slug})
    if request.method == "POST":
        valid = form.validate_on_submit()
        if request.form.get("action") == "preview":
            preview = module_preview(course, module, form)
        elif valid:
            saved, problems = _save(course, module, form)
            if saved is not None:
                return redirect(url_for("author.edit_module", slug=course.slug,
                                        module_slug=saved.slug))
    return render_template("author/module_form.html", form=form, course=course, module=module,
                           problems=problems, preview=preview, button=EmptyForm(),
                           asset_form=AssetForm(formdata=None, module=module.slug if module
                                                else ""))


def _save(course, module, form: ModuleForm):
    """Save the module as the form says; (saved module or None, problems)."""
    slug = module.slug if module is not None else (form.slug.data or "")
    if not slug:
        form.slug.errors.append(_("Enter a short name."))
        return None, []
    action = request.form.get("action", "save")
    try:
        saved = authoring.save_module(course, module, slug, _draft(form),
                                      publish=action == "publish")
    except ContentError as exc:
        db.session.rollback()
        return None, _problems(exc)
    db.session.commit()
    flash(_("Module published.") if saved.status == "published"
          else _("Module saved as a draft."), "success")
    if action == "publish":
        _warn_before_quiz(saved)
    return saved, []


@dataclass
class Preview:
    """What the preview pane shows: the rendered module (None if it cannot be) and problems."""

    module: object
    problems: list[str]


#: The file name a new module is previewed under before it has a short name.
PREVIEW_SLUG = "modul-baru-pratinjau"


def module_preview(course, module, form: ModuleForm):
    """The module as the form would save it, rendered, and its problems (file:line).

    Field mistakes are left to the course checker, which names each with its
    line, so a preview shows whatever can be rendered while the author types.
    """
    slug = module.slug if module is not None else (
        form.slug.data if form.slug.data and not form.slug.errors else PREVIEW_SLUG)
    try:
        rendered, found = authoring.preview_module(course, module, slug, _draft(form))
    except ContentError as exc:
        return Preview(None, _problems(exc))
    return Preview(rendered, [f"{p.file}:{p.line}: {p.text(_)}" for p in found])


def _draft(form: ModuleForm) -> authoring.ModuleDraft:
    return authoring.ModuleDraft(
        title=(form.title.data or "").strip(), kind=form.kind.data, minutes=form.minutes.data,
        body=(form.body.data or "").replace("\r\n", "\n"), pass_score=form.pass_score.data,
        max_attempts=form.max_attempts.data, shuffle=form.shuffle.data,
        shuffle_questions=form.shuffle_questions.data, review=form.review.data,
        require_lessons=form.require_lessons.data, draw=form.draw.data or "",
        retry_after=form.retry_after.data or "", time_limit=form.time_limit.data or "",
        role=form.role.data if form.role.data in QUIZ_ROLES else "graded")


@bp.route("/courses/<slug>/modules/<module_slug>/move", methods=["POST"])
@role_required(*AUTHORS)
def move_module(slug, module_slug):
    course = _editable(slug)
    module = _active_module(course, module_slug)
    if EmptyForm().validate_on_submit():
        authoring.move_module(course, module, -1 if request.form.get("direction") == "up" else 1)
        db.session.commit()
    return redirect(url_for("author.course", slug=slug) + "#modules")


@bp.route("/courses/<slug>/modules/<module_slug>/status", methods=["POST"])
@role_required(*AUTHORS)
def module_status(slug, module_slug):
    course = _editable(slug)
    module = _active_module(course, module_slug)
    if EmptyForm().validate_on_submit():
        state = "draft" if request.form.get("state") == "draft" else "published"
        authoring.set_module_status(module, state)
        db.session.commit()
        flash(_("Module published.") if state == "published"
              else _("The module is a draft again; learners no longer see it."), "success")
        _warn_before_quiz(module)
    return redirect(url_for("author.course", slug=slug) + "#modules")


@bp.route("/courses/<slug>/export.zip")
@role_required(*AUTHORS)
def export_zip(slug):
    """The course folder as a zip, for a text editor and git."""
    course = _editable(slug)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(course_files(course).files.items()):
            archive.writestr(f"{course.slug}/{path}", data)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.slug}.zip")


def _zip_limits() -> ZipLimits:
    config = current_app.config
    return ZipLimits(max_entries=config["ZIP_MAX_ENTRIES"],
                     max_file_bytes=config["ZIP_MAX_FILE_BYTES"],
                     max_total_bytes=config["ZIP_MAX_TOTAL_BYTES"],
                     max_ratio=config["ZIP_MAX_RATIO"])


@bp.route("/upload", methods=["GET", "POST"])
@role_required(*AUTHORS)
def upload():
    """Import a zipped course folder, checked like `flask content import`."""
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.archive.data
        try:
            cf = read_zip(upload.stream, upload.filename or "course.zip", _zip_limits())
            result = authoring.upload_course(cf, current_user)
        except CourseFilesError as exc:
            problems = exc.texts(_)
        except authoring.NotYourCourse as exc:
            problems = [exc.text(_)]
        except ContentError as exc:
            db.session.rollback()
            problems = _problems(exc)
        else:
            db.session.commit()
            messages = {
                "created": _("Course imported as a draft."),
                "updated": _("Course updated to version %(v)d.", v=result.course.version),
                "unchanged": _("Nothing changed: the course is already up to date."),
            }
            flash(messages[result.outcome], "success")
            return redirect(url_for("author.course", slug=result.course.slug))
    return render_template("author/upload.html", form=form, problems=problems)
