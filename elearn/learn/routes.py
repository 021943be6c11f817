from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import undefer

from ..courses.permissions import can_edit_course, can_view_course
from ..courses.store import get_course
from ..extensions import db
from ..models import Course, CourseAsset, Module
from ..web import ONE_YEAR
from . import bp


def _visible_course(slug: str) -> Course:
    course = get_course(slug)
    if course is None or not can_view_course(current_user, course):
        abort(404)
    return course


def _visible_modules(course: Course) -> list[Module]:
    editor = can_edit_course(current_user, course)
    return [m for m in course.active_modules if m.status == "published" or editor]


@bp.route("/courses/<slug>")
@login_required
def course(slug):
    """A course: its description and modules."""
    course = _visible_course(slug)
    return render_template("learn/course.html", course=course,
                           modules=_visible_modules(course),
                           can_edit=can_edit_course(current_user, course))


@bp.route("/courses/<slug>/<module_slug>")
@login_required
def module(slug, module_slug):
    """One module: the HTML stored at import or publish, never rendered here."""
    course = _visible_course(slug)
    modules = _visible_modules(course)
    index = next((i for i, m in enumerate(modules) if m.slug == module_slug), None)
    if index is None:
        abort(404)
    return render_template(
        "learn/module.html", course=course, module=modules[index],
        previous=modules[index - 1] if index > 0 else None,
        next=modules[index + 1] if index + 1 < len(modules) else None,
        position=index + 1, total=len(modules),
        can_edit=can_edit_course(current_user, course))


@bp.route("/courses/<slug>/files/<digest>/<path:path>")
@login_required
def course_file(slug, digest, path):
    """An image or attachment of a course; the digest in the URL makes it cacheable."""
    course = _visible_course(slug)
    asset = db.session.scalar(
        sa.select(CourseAsset).options(undefer(CourseAsset.data))
        .where(CourseAsset.course_id == course.id, CourseAsset.path == path))
    if asset is None or not asset.sha256.startswith(digest):
        abort(404)
    response = current_app_response(asset)
    return response


def current_app_response(asset: CourseAsset):
    from flask import current_app

    response = current_app.response_class(asset.data, mimetype=asset.content_type)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    response.headers["ETag"] = f'"{asset.sha256}"'
    if not asset.content_type.startswith("image/"):
        filename = asset.path.rsplit("/", 1)[-1]
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if request.if_none_match and asset.sha256 in request.if_none_match:
        response.status_code = 304
        response.set_data(b"")
    return response
