"""Assigning mandatory courses to units or people, and following them up."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from ..auth.forms import EmptyForm
from ..auth.guards import role_required
from ..extensions import db
from ..inputs import page_arg
from ..learning import assignment_progress as progress
from ..learning import assignments as service
from ..learning.assignment_progress import today_in
from ..learning.errors import AssignmentError
from ..models import Assignment, Course, Unit, User
from . import bp
from .forms import AssignmentForm


def _form() -> AssignmentForm:
    form = AssignmentForm()
    form.course.choices = [SelectChoice(c.slug, c.title) for c in db.session.scalars(
        sa.select(Course).where(Course.status == "published").order_by(Course.title))]
    form.unit_code.choices = [SelectChoice("", _("(one person, below)"))] + [
        SelectChoice(u.code, f"{u.code} · {u.name}")
        for u in db.session.scalars(sa.select(Unit).order_by(Unit.code))]
    return form


@bp.route("/assignments", methods=["GET", "POST"])
@role_required("admin")
def assignments():
    """Assign a course to a unit or to one person, with a due date."""
    form = _form()
    if form.validate_on_submit():
        course = db.session.scalar(sa.select(Course).where(Course.slug == form.course.data))
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == form.unit_code.data)) \
            if form.unit_code.data else None
        user = None
        nip = (form.nip.data or "").strip()
        if nip:
            user = db.session.scalar(sa.select(User).where(User.nip == nip))
            if user is None:
                form.nip.errors.append(_("No account has NIP %(nip)s.", nip=nip))
        if not form.nip.errors:
            try:
                service.assign(course, unit=unit, user=user, due_date=form.due_date.data,
                               actor=current_user)
            except AssignmentError as exc:
                db.session.rollback()
                form.unit_code.errors.append(exc.text(_))
            else:
                db.session.commit()
                flash(_("Course assigned."), "success")
                return redirect(url_for("admin.assignments"))
    return _list_page(form)


def _list_page(form: AssignmentForm):
    """The assignments, soonest due first, a page at a time, each with its counts."""
    stmt = (sa.select(Assignment).options(joinedload(Assignment.course),
                                          joinedload(Assignment.unit),
                                          joinedload(Assignment.user))
            .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id))
    page = db.paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    today = today_in(current_app.config["TIMEZONE"])
    counts = progress.status_counts([a.id for a in page.items], today)
    return render_template("admin/assignments.html", form=form, page=page, counts=counts,
                           today=today)


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required("admin")
def assignment(assignment_id):
    """Who the assignment covers and how far each has come, filtered; remove it (POST)."""
    item = db.session.get(Assignment, assignment_id)
    if item is None:
        abort(404)
    button = EmptyForm()
    if button.validate_on_submit():
        service.unassign(item, current_user)
        db.session.commit()
        flash(_("Assignment removed."), "success")
        return redirect(url_for("admin.assignments"))
    today = today_in(current_app.config["TIMEZONE"])
    filters = {"status": request.args.get("status", ""),
               "q": " ".join(request.args.get("q", "").split())[:100],
               "position": request.args.get("position", "").strip()[:200]}
    if filters["status"] not in progress.STATUSES:
        filters["status"] = ""
    page = db.paginate(progress.people_query(item, today, **filters), page=page_arg(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "admin/assignment.html", item=item, button=button, page=page, today=today,
        counts=progress.status_counts([item.id], today)[item.id],
        states=progress.states_of(item, list(page.items), today),
        positions=progress.positions_of(item),
        **filters)
