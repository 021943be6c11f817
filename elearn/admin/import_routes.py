"""Bulk staff import in the browser: upload, dry-run preview, then apply."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.guards import role_required
from ..extensions import db
from ..people.staff_import import (
    ImportFileError,
    ImportRefused,
    apply_upload,
    find_upload,
    plan_import,
    save_upload,
)
from . import bp
from .forms import ImportApplyForm, ImportUploadForm

PREVIEW_LIMIT = 200


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_staff():
    """Upload a staff file (CSV or XLSX); nothing is written before the preview."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.archive.data
        batch = save_upload(upload.filename, upload.read(), current_user)
        db.session.commit()
        return redirect(url_for("admin.import_preview", import_id=batch.id))
    return render_template("admin/import.html", form=form)


@bp.route("/import/<int:import_id>", methods=["GET", "POST"])
@role_required("admin")
def import_preview(import_id):
    """The dry run: every problem as 'row N, column X' and what would change; then apply."""
    batch = find_upload(import_id)
    if batch is None:
        abort(404)
    if batch.applied_at is not None:
        return render_template("admin/import_done.html", batch=batch)
    try:
        plan = plan_import(batch.data, batch.filename)
    except ImportFileError as exc:
        flash(exc.text(_), "error")
        return redirect(url_for("admin.import_staff"))
    form = ImportApplyForm()
    if form.validate_on_submit():
        try:
            result = apply_upload(batch, plan, initial_password=form.initial_password.data or "",
                                  skip_invalid=form.skip_invalid.data, actor=current_user)
        except ImportRefused as exc:
            db.session.rollback()
            form.skip_invalid.errors.append(exc.text(_))
        else:
            db.session.commit()
            flash(_("Import done: %(c)d created, %(u)d updated, %(n)d unchanged, "
                    "%(s)d skipped.", c=result.created, u=result.updated, n=result.unchanged,
                    s=result.skipped), "success")
            return redirect(url_for("admin.import_preview", import_id=batch.id))
    return render_template("admin/import_preview.html", batch=batch, plan=plan, form=form,
                           problems=[p.text(_) for p in plan.problems[:PREVIEW_LIMIT]],
                           rows=[r for r in plan.rows if r.action != "unchanged"][:PREVIEW_LIMIT])
