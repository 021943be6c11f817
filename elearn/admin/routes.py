from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request
from sqlalchemy.orm import joinedload

from ..auth.guards import role_required
from ..extensions import db
from ..models import User
from . import bp


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
