from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..auth.guards import me
from ..extensions import db, limiter
from ..i18n import LANGUAGES
from ..learning.catalog import dashboard as dashboard_data
from ..safe_redirect import safe_target
from . import bp


@bp.route("/")
@login_required
def dashboard():
    """"Pembelajaran Saya": the signed-in home."""
    board = dashboard_data(me(), current_app.config["TIMEZONE"])
    return render_template("main/dashboard.html", board=board,
                           jp_target=current_app.config["YEARLY_JP_TARGET"])


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """Liveness and database reachability for load balancers and monitoring."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        database = False
    body = {"status": "ok" if database else "unavailable", "database": database}
    return jsonify(body), 200 if database else 503


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the UI language; remembered on the account when signed in."""
    locale = request.form.get("locale", "")
    if locale in LANGUAGES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(_back())


def _back() -> str:
    return safe_target(request.form.get("next"), url_for("main.dashboard"))
