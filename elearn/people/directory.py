"""Finding people and units for the admin pages: queries only, no writes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Unit, User
from ..vocabulary import ROLES


def people_query(q: str = "", unit: str = "", role: str = "", active: str = "") -> sa.Select:
    """People by name, NIP or email (``q``), unit code, role and active ("1"/"0"),
    by name; unknown filter values are ignored. The caller paginates."""
    stmt = sa.select(User).options(joinedload(User.unit)).order_by(User.full_name, User.id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(User.full_name).like(like),
                                 User.nip.like(f"%{q}%"),
                                 User.email.like(like)))
    if unit:
        stmt = stmt.join(Unit, User.unit_id == Unit.id).where(Unit.code == unit)
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if active in ("1", "0"):
        stmt = stmt.where(User.active.is_(active == "1"))
    return stmt


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as escape: % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Fewest characters a name lookup needs, and most suggestions it gives.
LOOKUP_MIN_CHARS = 2
LOOKUP_LIMIT = 10


def lookup_people(q: str, limit: int = LOOKUP_LIMIT) -> list[User]:
    """Active people whose name contains ``q`` (any case) or whose NIP starts with it,
    by name, at most ``limit``; nobody for fewer than LOOKUP_MIN_CHARS characters.
    ``%`` and ``_`` in ``q`` match themselves."""
    q = " ".join(q.split())[:100]
    if len(q) < LOOKUP_MIN_CHARS:
        return []
    pattern = escape_like(q.lower())
    return list(db.session.scalars(
        sa.select(User).options(joinedload(User.unit)).where(
            User.active.is_(True),
            sa.or_(sa.func.lower(User.full_name).like(f"%{pattern}%", escape="\\"),
                   User.nip.like(f"{pattern}%", escape="\\")))
        .order_by(User.full_name, User.id).limit(limit)))


def all_positions(limit: int = 300) -> list[str]:
    """The distinct positions (jabatan) people hold, alphabetically, at most ``limit``."""
    return list(db.session.scalars(sa.select(User.position).distinct().where(
        User.position.is_not(None), User.position != "").order_by(User.position).limit(limit)))


def all_units() -> list[Unit]:
    """Every unit, by code (with its parent loaded)."""
    return list(db.session.scalars(sa.select(Unit).options(joinedload(Unit.parent))
                                   .order_by(Unit.code)))


def unit_member_counts() -> dict[int, int]:
    """Unit id -> how many people belong to it."""
    return dict(db.session.execute(sa.select(User.unit_id, sa.func.count()).where(
        User.unit_id.is_not(None)).group_by(User.unit_id)).all())
