"""Administration: people, certificates and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from ..auth.forms import EmptyForm
from ..auth.guards import role_required
from ..certificates import issue
from ..extensions import db
from ..inputs import page_arg
from ..models import AuditEntry, Certificate, Course, Unit, User
from ..notifications import outbox
from ..people import directory, management
from ..people.errors import PeopleError
from ..vocabulary import CERTIFICATE_STATUSES, audit_target_parts
from . import bp
from .forms import PersonForm, ReasonForm, RevokeForm, UnitForm


@bp.route("/")
@bp.route("/users")
@role_required("admin")
def users():
    """People list with search and filters (unit, role, active); paginated."""
    filters = {name: request.args.get(name, "") for name in ("unit", "role", "active")}
    filters["q"] = request.args.get("q", "").strip()
    page = db.paginate(directory.people_query(**filters), page=page_arg(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", page=page, units=directory.all_units(),
                           **filters)


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


def _choices(units: list[Unit], none_label: str) -> list[SelectChoice]:
    return [SelectChoice("", none_label)] + [SelectChoice(u.code, f"{u.code} · {u.name}")
                                             for u in units]


def _person_form(user: User | None = None) -> PersonForm:
    form = PersonForm(obj=user) if user is not None and request.method == "GET" else PersonForm()
    form.unit_code.choices = _choices(directory.all_units(), _("(no unit)"))
    if user is not None and request.method == "GET":
        form.unit_code.data = user.unit.code if user.unit else ""
    return form


def _show_errors(form, exc: PeopleError) -> None:
    """Each message next to its field; those of no field of the form as flashes."""
    for field, messages in exc.field_texts(_).items():
        target = getattr(form, field, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, *messages]
        else:
            for message in messages:
                flash(message, "error")


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    """Create one account; the person chooses a password at first sign-in."""
    form = _person_form()
    if form.validate_on_submit():
        try:
            user, password = management.admin_create_person(form.person(), current_user)
        except PeopleError as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Account created. Temporary password for %(name)s: %(password)s "
                    "(shown once; they must change it at first sign-in).",
                    name=user.full_name, password=password), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, person=None, button=EmptyForm())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id):
    """Edit a person; deactivate or reset their password from here."""
    person = _person(user_id)
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            changed = management.update_person(person, form.person(), current_user)
        except PeopleError as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.edit_user", user_id=person.id))
    return render_template("admin/user_form.html", form=form, person=person, button=EmptyForm(),
                           reason=ReasonForm(prefix="active"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def set_user_active(user_id):
    person = _person(user_id)
    active = request.form.get("active") == "1"
    form = ReasonForm(prefix="active")
    if not active and not form.validate_on_submit():
        for message in [*form.reason.errors, *form.confirm.errors]:
            flash(message, "error")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    if active and not EmptyForm().validate_on_submit():
        abort(400)
    try:
        management.set_active(person, active, current_user,
                              reason=form.reason.data if not active else None)
    except PeopleError as exc:
        db.session.rollback()
        _show_errors(form, exc)
    else:
        db.session.commit()
        flash(_("Account reactivated.") if active else _("Account deactivated; its learning "
                                                          "history is kept."), "success")
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required("admin")
def reset_user_password(user_id):
    person = _person(user_id)
    if EmptyForm().validate_on_submit():
        password = management.reset_password(person, current_user)
        outbox.password_changed(person)
        db.session.commit()
        flash(_("New temporary password for %(name)s: %(password)s (shown once; they must "
                "change it at next sign-in).", name=person.full_name, password=password),
              "success")
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.route("/units")
@role_required("admin")
def units():
    """Units (OPD) with their parent and number of people."""
    return render_template("admin/units.html", units=directory.all_units(),
                           counts=directory.unit_member_counts())


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit) if unit is not None and request.method == "GET" else UnitForm()
    form.parent.choices = _choices([u for u in directory.all_units()
                                    if unit is None or u.id != unit.id], _("(none)"))
    if unit is not None and request.method == "GET":
        form.parent.data = unit.parent.code if unit.parent else ""
    return form


@bp.route("/units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_unit(unit_id):
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        abort(404)
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            saved = management.save_unit(unit, form.code.data, form.name.data,
                                         form.parent.data or None, current_user)
        except PeopleError as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Unit %(code)s saved.", code=saved.code), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.route("/certificates")
@role_required("admin")
def certificates():
    """Certificates, searchable by number, name, NIP or course."""
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    stmt = sa.select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(
            sa.func.lower(Certificate.number).like(like),
            sa.func.lower(Certificate.full_name).like(like),
            Certificate.nip.like(f"%{q}%"),
            sa.func.lower(Certificate.course_title).like(like)))
    if status in CERTIFICATE_STATUSES:
        stmt = stmt.where(Certificate.status == status)
    page = db.paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("admin/certificates.html", page=page, q=q, status=status)


def _certificate(cert_id: int) -> Certificate:
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    return cert


@bp.route("/certificates/<int:cert_id>", methods=["GET", "POST"])
@role_required("admin")
def certificate(cert_id):
    """One certificate, with revoke and reissue (each needs a reason)."""
    cert = _certificate(cert_id)
    forms = {"revoke": RevokeForm(prefix="revoke"), "reissue": ReasonForm(prefix="reissue")}
    action = request.form.get("action", "")
    form = forms.get(action)
    if form is not None and form.validate_on_submit():
        reason = form.reason.data.strip()
        settings = issue.CertificateSettings.from_config(current_app.config)
        try:
            if action == "revoke":
                issue.revoke(cert, current_user, reason, form.category.data)
                db.session.commit()
                flash(_("Certificate %(number)s revoked.", number=cert.number), "success")
            else:
                new = issue.reissue(cert, current_user, reason, pattern=settings.pattern,
                                    tz=settings.tz)
                db.session.commit()
                flash(_("Certificate reissued as %(number)s.", number=new.number), "success")
                return redirect(url_for("admin.certificate", cert_id=new.id))
        except issue.CertificateError:
            db.session.rollback()
            flash(_("That action is not possible for this certificate."), "error")
        return redirect(url_for("admin.certificate", cert_id=cert.id))
    history = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.details["certificate_id"].as_integer() == cert.id)
        .order_by(AuditEntry.at.desc())).all()
    return render_template("admin/certificate.html", cert=cert, forms=forms, history=history,
                           masked_nip=issue.mask_nip(cert.nip))


@bp.route("/audit")
@role_required("admin")
def audit():
    """The audit log: who did what, when and why."""
    action = request.args.get("action", "").strip()
    stmt = sa.select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    page = db.paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    actions = db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(
        AuditEntry.action)).all()
    return render_template("admin/audit.html", page=page, action=action, actions=actions,
                           names=_audit_names(page.items))


def _audit_names(entries: list[AuditEntry]) -> dict[str, str]:
    """The course titles and people's names the entries' targets refer to, in two queries."""
    slugs, nips = set(), set()
    for entry in entries:
        course, target = audit_target_parts(entry.target)
        slugs.add(course)
        if target.startswith("user "):
            nips.add(target.removeprefix("user "))
    slugs.discard(None)
    names = dict(db.session.execute(sa.select(Course.slug, Course.title).where(
        Course.slug.in_(slugs))).all()) if slugs else {}
    if nips:
        names.update((f"user {nip}", name) for nip, name in db.session.execute(
            sa.select(User.nip, User.full_name).where(User.nip.in_(nips))))
    return names
