"""Administration: people, certificates and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..auth.guards import role_required
from ..certificates import issue
from ..extensions import db
from ..models import AuditEntry, Certificate, User
from . import bp
from .forms import ReasonForm


@bp.route("/")
@bp.route("/users")
@role_required("admin")
def users():
    """People list with search by name, NIP or email; paginated."""
    q = request.args.get("q", "").strip()
    stmt = sa.select(User).options(joinedload(User.unit)).order_by(User.full_name, User.id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.full_name).like(like),
                User.nip.like(f"%{q}%"),
                User.email.like(like),
            )
        )
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", page=page, q=q)


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
    if status in ("valid", "revoked", "replaced"):
        stmt = stmt.where(Certificate.status == status)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
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
    forms = {"revoke": ReasonForm(prefix="revoke"), "reissue": ReasonForm(prefix="reissue")}
    action = request.form.get("action", "")
    form = forms.get(action)
    if form is not None and form.validate_on_submit():
        reason = form.reason.data.strip()
        config = current_app.config
        if action == "revoke" and cert.status == "valid":
            issue.revoke(cert, current_user, reason)
            db.session.commit()
            flash(_("Certificate %(number)s revoked.", number=cert.number), "success")
        elif action == "reissue" and cert.status != "replaced":
            new = issue.reissue(cert, current_user, reason,
                                pattern=config["CERTIFICATE_NUMBER_PATTERN"],
                                tz=config["TIMEZONE"])
            db.session.commit()
            flash(_("Certificate reissued as %(number)s.", number=new.number), "success")
            return redirect(url_for("admin.certificate", cert_id=new.id))
        else:
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
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    actions = db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(
        AuditEntry.action)).all()
    return render_template("admin/audit.html", page=page, action=action, actions=actions)
