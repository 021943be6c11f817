"""Download and view one's certificates; verify any certificate without signing in."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db, limiter
from ..models import Certificate
from ..models.people import utcnow
from .issue import find_by_code, grouped, mask_nip, normalize_code
from .pdf import Issuer, render_certificate, verification_url

bp = Blueprint("certificates", __name__)


def issuer() -> Issuer:
    return Issuer.from_config(current_app.config)


def verify_url(cert: Certificate) -> str:
    """The public address printed on the certificate and in its QR code."""
    return verification_url(current_app.config["PUBLIC_URL"], cert.code)


def _own_certificate(code: str) -> Certificate:
    cert = db.session.scalar(db.select(Certificate).where(Certificate.code == code))
    if cert is None or (cert.user_id != current_user.id and current_user.role != "admin"):
        abort(404)
    return cert


@bp.route("/certificates/<code>")
@login_required
def view(code):
    """The certificate as a page that prints well on A4 landscape."""
    cert = _own_certificate(code)
    return render_template("certificates/view.html", cert=cert, issuer=issuer(),
                           verify_url=verify_url(cert))


@bp.route("/certificates/<code>.pdf")
@login_required
def pdf(code):
    """The PDF, for valid certificates only."""
    cert = _own_certificate(code)
    if cert.status != "valid":
        return render_template("certificates/unavailable.html", cert=cert), 410
    data = render_certificate(cert, issuer(), verify_url(cert))
    filename = f"sertifikat-{cert.number.replace('/', '-')}.pdf"
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/verify")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify_form():
    """Type a code from a printed certificate."""
    typed = request.args.get("code", "").strip()[:64]
    if not typed:
        return render_template("certificates/verify_form.html")
    cert = find_by_code(typed)
    if cert is not None:
        return redirect(url_for("certificates.verify", code=cert.code))
    # Not found: say so on the form itself, with the code as typed and as it was read.
    read_as = normalize_code(typed)
    return render_template("certificates/verify_form.html", typed=typed,
                           read_as=grouped(read_as) if read_as != typed.upper() else None,
                           length=len(read_as)), 404


@bp.route("/verify/<code>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify(code):
    """Public verification: valid, revoked or replaced; unknown codes are a plain 404."""
    cert = find_by_code(code)
    if cert is None:
        abort(404)
    return render_template("certificates/verify.html", cert=cert, masked_nip=mask_nip(cert.nip),
                           issuer=issuer(), page_url=verify_url(cert), now=utcnow())
