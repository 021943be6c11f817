"""What the module editor asks for while an instructor writes: a live preview,
file uploads, and the authoring guide.

The preview and upload answer editor.js with an HTML fragment (the request
carries ``X-Fragment``); without JavaScript the upload shows a whole page
and the preview is the editor's own ``action=preview``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..auth.guards import role_required
from ..content.files import MAX_FILE_BYTES
from ..content.limits import MarkdownTooComplex
from ..content.render import render_markdown
from ..courses.assets import AssetError, add_asset
from ..courses.store import ContentError
from ..extensions import db
from . import bp
from .forms import AssetForm, ModuleForm
from .routes import AUTHORS, _active_module, _editable, _problems, module_preview


def _fragment() -> bool:
    return request.headers.get("X-Fragment") == "1"


@bp.route("/courses/<slug>/modules/new/preview", methods=["POST"])
@bp.route("/courses/<slug>/modules/<module_slug>/preview", methods=["POST"])
@role_required(*AUTHORS)
def preview(slug, module_slug=None):
    """The module as typed, rendered and sanitized as a save would; nothing is written.

    CSRFProtect has checked the token before this view runs. The text is
    bounded like a module file (the checker reports what is over a limit,
    and the form parser refuses a body over MAX_FORM_MEMORY_SIZE with 413).
    """
    course = _editable(slug)
    module = _active_module(course, module_slug) if module_slug is not None else None
    form = ModuleForm()
    form.validate()
    result = module_preview(course, module, form)
    db.session.rollback()  # a preview never writes, whatever the checker touched
    return render_template("author/_preview.html", preview=result)


@bp.route("/courses/<slug>/files", methods=["POST"])
@role_required(*AUTHORS)
def upload_file(slug):
    """An image or attachment from the editor becomes a course file (new version)."""
    course = _editable(slug)
    form = AssetForm()
    result, problems = None, []
    if form.validate_on_submit():
        upload = form.file.data
        # One byte over the limit is enough for the checker to say "larger than 10 MB".
        data = upload.stream.read(MAX_FILE_BYTES + 1)
        try:
            result = add_asset(course, upload.filename or "", data,
                               current_app.config["ZIP_MAX_TOTAL_BYTES"])
        except AssetError as exc:
            problems = [exc.text(_)]
        except ContentError as exc:
            db.session.rollback()
            problems = _problems(exc)
        else:
            db.session.commit()
    else:
        problems = [error for errors in form.errors.values() for error in errors]
    template = "author/_asset_result.html" if _fragment() else "author/asset_result.html"
    return render_template(template, course=course, result=result, problems=problems,
                           back=_editor_url(course, form.module.data))


def _editor_url(course, module_slug: str | None) -> str:
    if module_slug and any(m.slug == module_slug for m in course.active_modules):
        return url_for("author.edit_module", slug=course.slug, module_slug=module_slug)
    if module_slug == "":
        return url_for("author.new_module", slug=course.slug)
    return url_for("author.course", slug=course.slug)


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


@lru_cache(maxsize=2)
def _guide_html(path: str, mtime_ns: int) -> str:
    """The guide rendered like course text; as plain text if it outgrew the limits
    (tests/author/test_editor.py keeps it within them)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return render_markdown(text)
    except MarkdownTooComplex:
        return str(Markup("<pre>{}</pre>").format(text))


@bp.route("/guide")
@role_required(*AUTHORS)
def guide():
    """docs/authoring.md, in the site: office networks often cannot reach GitHub."""
    try:
        html = _guide_html(str(GUIDE), GUIDE.stat().st_mtime_ns)
    except OSError:
        current_app.logger.warning("authoring guide missing at %s", GUIDE)
        abort(404)
    return render_template("author/guide.html", guide_html=html)
