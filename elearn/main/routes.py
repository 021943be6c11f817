from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..auth.forms import EmptyForm
from ..auth.guards import me
from ..extensions import db, limiter
from ..i18n import LANGUAGES
from ..inputs import page_arg
from ..learning.catalog import dashboard as dashboard_data
from ..notifications import inbox, outbox
from ..safe_redirect import safe_target
from . import bp


@bp.route("/")
@login_required
def dashboard():
    """"Pembelajaran Saya": the signed-in home."""
    board = dashboard_data(me(), current_app.config["TIMEZONE"])
    return render_template("main/dashboard.html", board=board,
                           jp_target=current_app.config["YEARLY_JP_TARGET"],
                           news=inbox.latest_unread(me()))


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


@bp.route("/notifications")
@login_required
def notifications():
    """The signed-in person's messages, newest first; unread ones marked."""
    page = db.paginate(inbox.listing(me()), page=page_arg(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("main/notifications.html", page=page,
                           items=inbox.shown(page.items, me()), form=EmptyForm())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    """Mark every message read (a POST: it changes what the menu shows)."""
    if EmptyForm().validate_on_submit():
        outbox.mark_read(me())
        db.session.commit()
    return redirect(url_for("main.notifications"))
