"""Assigning a course to many people at once (pasted NIPs, or a unit and position),
previewed before it is saved; and the name lookup that helps fill the list."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.guards import role_required
from ..extensions import db
from ..learning import bulk_assign as service
from ..learning.errors import AssignmentError
from ..models import Course, Unit
from ..people import directory
from . import bp
from .forms import BulkAssignmentForm

#: How many of the people a plan reaches the preview lists by name.
PREVIEW_NAMES = 100


def _text(message) -> str:
    """A domain message in the reader's language, its numbers as the locale writes them."""
    params = {k: format_decimal(v) if isinstance(v, int) else v
              for k, v in (message.params or {}).items()}
    translated = _(message.message)
    return translated % params if params else translated


def _form() -> BulkAssignmentForm:
    form = BulkAssignmentForm()
    form.course.choices = [SelectChoice(c.slug, c.title) for c in db.session.scalars(
        sa.select(Course).where(Course.status == "published").order_by(Course.title))]
    form.unit_code.choices = [SelectChoice("", _("(any unit)"))] + [
        SelectChoice(u.code, f"{u.code} · {u.name}") for u in directory.all_units()]
    return form


def _plan(form: BulkAssignmentForm) -> service.BulkPlan | None:
    """The plan for what the form asks, or None with the reason on the form."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == form.course.data))
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == form.unit_code.data)) \
        if form.unit_code.data else None
    try:
        return service.plan_bulk(course, form.nips.data or "", unit,
                                 " ".join((form.position.data or "").split()))
    except AssignmentError as exc:
        form.nips.errors = [*form.nips.errors, _text(exc)]
        return None


def _save(form: BulkAssignmentForm, plan: service.BulkPlan):
    """Save the previewed plan (all or nothing); None when it cannot be saved."""
    if form.digest.data != plan.digest:
        flash(_("Who this reaches has changed since the preview; check it again."), "warning")
        return None
    try:
        rows = service.apply_bulk(plan, form.due_date.data, current_user)
    except AssignmentError as exc:
        db.session.rollback()
        flash(_text(exc), "error")
        return None
    db.session.commit()
    flash(_("%(num)s people assigned to %(course)s.", num=format_decimal(len(rows)),
            course=plan.course.title), "success")
    return redirect(url_for("admin.assignments"))


@bp.route("/assignments/bulk", methods=["GET", "POST"])
@role_required("admin")
def bulk_assign():
    """Paste NIPs and/or pick a unit and position; preview (POST), then confirm (POST)."""
    form = _form()
    plan = None
    if form.validate_on_submit():
        plan = _plan(form)
        if plan is not None and request.form.get("action") == "confirm":
            response = _save(form, plan)
            if response is not None:
                return response
        if plan is not None:
            form.digest.data = plan.digest
    return render_template("admin/assignment_bulk.html", form=form, plan=plan,
                           positions=directory.all_positions(), text=_text,
                           shown=PREVIEW_NAMES)


@bp.route("/people/lookup")
@role_required("admin")
def people_lookup():
    """Up to 10 active people whose name contains ``q`` or whose NIP starts with it
    (JSON, for the bulk assignment form's suggestions)."""
    people = directory.lookup_people(request.args.get("q", ""))
    return jsonify([{"nip": p.nip, "name": p.full_name,
                     "unit": p.unit.code if p.unit else ""} for p in people])
