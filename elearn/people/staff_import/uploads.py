"""Uploaded staff files, kept in the database between the preview and the apply step.

The file is stored, not held by a process or on one host's disk, so the
preview and the apply may be served by different gunicorn processes.
Services flush; the caller commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from ...extensions import db
from ...models import StaffImport, User
from ...models.people import utcnow
from .applying import ImportResult, apply_import
from .planning import ImportPlan

#: Longest file name kept (the column's size).
MAX_FILENAME = 255


def short_filename(filename: str, limit: int = MAX_FILENAME) -> str:
    """The upload's name, cut to fit its column but keeping the extension."""
    if len(filename) <= limit:
        return filename
    stem, dot, ext = filename.rpartition(".")
    if not dot or len(ext) > 10:
        return filename[:limit]
    return stem[:limit - len(ext) - 1] + "." + ext


def save_upload(filename: str | None, data: bytes, actor: User) -> StaffImport:
    """Keep an uploaded staff file for its preview; nothing else is written."""
    upload = StaffImport(filename=short_filename(filename or "staff.csv"), data=data,
                         created_by_id=actor.id)
    db.session.add(upload)
    db.session.flush()
    return upload


def find_upload(import_id: int) -> StaffImport | None:
    """The kept file with its content, or None."""
    return db.session.scalar(sa.select(StaffImport).options(undefer(StaffImport.data))
                             .where(StaffImport.id == import_id))


def apply_upload(upload: StaffImport, plan: ImportPlan, *, initial_password: str,
                 skip_invalid: bool, actor: User) -> ImportResult:
    """Apply the plan of a kept file and mark it applied with its counts."""
    result = apply_import(plan, initial_password=initial_password, skip_invalid=skip_invalid,
                          actor=actor)
    upload.applied_at = utcnow()
    upload.summary = result.counts()
    db.session.flush()
    return result
