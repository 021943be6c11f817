"""Bulk staff import in the browser: upload, dry-run preview, then apply."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import undefer

from ..auth.guards import role_required
from ..extensions import db
from ..models import StaffImport
from ..models.people import utcnow
from . import bp
from .forms import ImportApplyForm, ImportUploadForm
from .staff_import import ImportFileError, ImportRefused, apply_import, plan_import

PREVIEW_LIMIT = 200


def _short_name(filename: str, limit: int = 255) -> str:
    """The upload's name, cut to fit its column but keeping the extension."""
    if len(filename) <= limit:
        return filename
    stem, dot, ext = filename.rpartition(".")
    if not dot or len(ext) > 10:
        return filename[:limit]
    return stem[:limit - len(ext) - 1] + "." + ext


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_staff():
    """Upload a staff file (CSV or XLSX); nothing is written before the preview."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.archive.data
        batch = StaffImport(filename=_short_name(upload.filename or "staff.csv"),
                            data=upload.read(),
                            created_by_id=current_user.id)
        db.session.add(batch)
        db.session.commit()
        return redirect(url_for("admin.import_preview", import_id=batch.id))
    return render_template("admin/import.html", form=form)


@bp.route("/import/<int:import_id>", methods=["GET", "POST"])
@role_required("admin")
def import_preview(import_id):
    """The dry run: every problem as 'row N, column X' and what would change; then apply."""
    batch = db.session.scalar(db.select(StaffImport).options(undefer(StaffImport.data))
                              .where(StaffImport.id == import_id))
    if batch is None:
        abort(404)
    if batch.applied_at is not None:
        return render_template("admin/import_done.html", batch=batch)
    try:
        plan = plan_import(batch.data, batch.filename)
    except ImportFileError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.import_staff"))
    form = ImportApplyForm()
    if form.validate_on_submit():
        try:
            result = apply_import(plan, initial_password=form.initial_password.data or "",
                                  skip_invalid=form.skip_invalid.data, actor=current_user)
        except ImportRefused as exc:
            db.session.rollback()
            form.skip_invalid.errors.append(str(exc))
        else:
            batch.applied_at = utcnow()
            batch.summary = {"created": result.created, "updated": result.updated,
                             "unchanged": result.unchanged, "skipped": result.skipped}
            db.session.commit()
            flash(_("Import done: %(c)d created, %(u)d updated, %(n)d unchanged, "
                    "%(s)d skipped.", c=result.created, u=result.updated, n=result.unchanged,
                    s=result.skipped), "success")
            return redirect(url_for("admin.import_preview", import_id=batch.id))
    return render_template("admin/import_preview.html", batch=batch, plan=plan, form=form,
                           problems=plan.problems[:PREVIEW_LIMIT],
                           rows=[r for r in plan.rows if r.action != "unchanged"][:PREVIEW_LIMIT])
