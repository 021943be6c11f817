"""The log of messages sent to people: what, to whom, and how its email went."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request
from sqlalchemy.orm import joinedload

from ..auth.guards import role_required
from ..extensions import db
from ..inputs import page_arg
from ..models import Notification, User
from ..models.notifications import EMAIL_STATUSES
from ..notifications import messages
from ..people.directory import escape_like
from . import bp


@bp.route("/notifications")
@role_required("admin")
def notifications():
    """Every message, newest first, filtered by person, kind and email status."""
    q = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    stmt = (sa.select(Notification).join(User, User.id == Notification.user_id)
            .options(joinedload(Notification.user))
            .order_by(Notification.created_at.desc(), Notification.id.desc()))
    if q:
        pattern = f"%{escape_like(q.lower())}%"
        stmt = stmt.where(sa.or_(User.nip == q.replace(" ", ""),
                                 sa.func.lower(User.full_name).like(pattern, escape="\\"),
                                 sa.func.lower(User.email).like(pattern, escape="\\")))
    if kind in messages.KINDS:
        stmt = stmt.where(Notification.kind == kind)
    else:
        kind = ""
    if status in EMAIL_STATUSES:
        stmt = stmt.where(Notification.email_status == status)
    else:
        status = ""
    page = db.paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("admin/notifications.html", page=page, q=q, kind=kind,
                           status=status, kinds=messages.KINDS.values(),
                           statuses=EMAIL_STATUSES)
