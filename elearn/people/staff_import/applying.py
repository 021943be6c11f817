"""Applying a staff import plan: bulk writes, one audit entry.

Applying writes with bulk INSERT/UPDATE statements and hashes the initial
password once. Services flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ...errors import N_
from ...extensions import db
from ...models import Unit, User
from ...models.audit import record
from ...models.people import utcnow
from ..errors import ImportRefused
from ..passwords import password_problems
from .planning import FIELDS, ImportPlan

#: Rows per bulk statement and per progress report.
CHUNK = 500


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: int

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "skipped": self.skipped}


def check_applicable(plan: ImportPlan, *, skip_invalid: bool) -> None:
    """Raise ImportRefused when ``plan`` cannot be applied as asked."""
    if plan.header_problems:
        raise ImportRefused(N_("The file's columns have problems; fix the header row first."))
    if plan.problems and not skip_invalid:
        raise ImportRefused(N_("The file has problems: fix them, or skip the invalid rows."))


def apply_import(plan: ImportPlan, *, initial_password: str, skip_invalid: bool,
                 actor: User | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Write the valid rows of ``plan``: create new accounts, update changed ones.

    New accounts get ``initial_password`` (hashed once) and must change it at
    first sign-in; existing passwords are never touched. Raises ImportRefused
    (writing nothing) for header problems, for row problems unless
    ``skip_invalid``, or for a weak initial password. Flushes, never commits.
    """
    check_applicable(plan, skip_invalid=skip_invalid)
    creates = [r for r in plan.rows if r.action == "create"]
    updates = [r for r in plan.rows if r.action == "update"]
    password_hash = _initial_password_hash(initial_password) if creates else None

    db.session.flush()  # pending changes first, so the bulk statements see them
    now = utcnow()
    new = [{**r.values, "password_hash": password_hash, "must_change_password": True,
            "active": True, "created_at": now, "updated_at": now} for r in creates]
    changed = [{**{key: r.values[key] for key in FIELDS}, "id": r.user_id, "updated_at": now}
               for r in updates]
    total, done = len(new) + len(changed), 0
    # New accounts through Core (the ORM's bulk insert prepares every row again: a third
    # of a 10 000-row import); updates through the ORM's bulk UPDATE by primary key.
    connection = db.session.connection()
    for execute, statement, parameters in (
            (connection.execute, User.__table__.insert(), new),
            (db.session.execute, sa.update(User), changed)):
        for chunk in _chunks(parameters):
            execute(statement, chunk)
            done += len(chunk)
            if progress:
                progress(done, total)

    if updates:
        _expire_stale({r.user_id for r in updates})
    result = ImportResult(created=len(creates), updated=len(updates), unchanged=plan.unchanged,
                          skipped=plan.invalid_rows)
    record(actor, "people.import", plan.filename[:200], **result.counts())
    db.session.flush()
    return result


def _initial_password_hash(initial_password: str) -> str:
    # Shared by every new account, so only the general rule applies here.
    if problems := password_problems(initial_password or ""):
        raise ImportRefused(*problems)
    return generate_password_hash(initial_password, method="scrypt")


def _chunks(items: list[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _expire_stale(user_ids: set[int]) -> None:
    """Bulk UPDATE bypasses the identity map: reload users (and unit member
    lists) that the session already holds."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, User) and obj.id in user_ids:
            db.session.expire(obj)
        elif isinstance(obj, Unit) and "users" in obj.__dict__:
            db.session.expire(obj, ["users"])
