"""What is due to be told, worked out by ``flask notify send`` at every run.

- ``assignment_new``: each person an assignment covers (its person, or everyone
  in its unit, including people who joined the unit since), once per assignment;
- ``due_soon``: 7 days and 1 day before an assignment's due date (once each);
- ``overdue``: every week after the due date;
- ``certificate_issued``: each certificate issued in the last ``RECENT`` days;
- ``account_created``: each account made for someone (by an admin or a staff
  import) in the last ``RECENT`` days that has not been signed into yet.

Only active accounts, published courses and people who have not completed the
course are told, and not of a kind they turned off. Each message is recorded
under a key (the assignment, its due date, the week), so a second run, or a
run on another host at the same time, records nothing more (``outbox``).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import Assignment, Certificate, Course, CourseCompletion, Notification, User
from ..models.people import utcnow
from . import messages, outbox

#: Days before the due date that bring a reminder.
REMINDER_DAYS = (7, 1)
#: Certificates and accounts older than this when the sender first runs are not
#: announced any more (no flood of old news when the feature is switched on).
RECENT = timedelta(days=14)


def _covered(*where):
    """(user id, email, kinds turned off, assignment id, course id, due date) of
    every active person each assignment covers who has not completed its course."""
    columns = (User.id.label("user_id"), User.email, User.notifications_off,
               Assignment.id.label("assignment_id"), Assignment.course_id,
               Assignment.due_date)
    person = sa.select(*columns).join(Assignment, Assignment.user_id == User.id)
    unit = sa.select(*columns).join(Assignment, Assignment.unit_id == User.unit_id)
    rows = []
    for part in (person, unit):
        rows.append(part.join(Course, Course.id == Assignment.course_id).where(
            User.active.is_(True), Course.status == "published",
            ~sa.exists().where(CourseCompletion.user_id == User.id,
                               CourseCompletion.course_id == Assignment.course_id),
            *where))
    return sa.union_all(*rows)


def _wanted(kind: str, row) -> bool:
    return kind not in messages.turned_off_text(row.notifications_off)


def _data(row, **extra) -> dict:
    return {"course_id": row.course_id,
            "due_date": row.due_date.isoformat() if row.due_date else None, **extra}


def new_assignments() -> int:
    told = sa.exists().where(Notification.user_id == User.id,
                             Notification.kind == "assignment_new",
                             Notification.key == sa.cast(Assignment.id, sa.String))
    rows = [(r.user_id, bool(r.email), str(r.assignment_id), _data(r))
            for r in db.session.execute(_covered(~told)) if _wanted("assignment_new", r)]
    return outbox.record_many("assignment_new", rows)


def due_soon(today: date) -> int:
    soon = _covered(Assignment.due_date >= today,
                    Assignment.due_date <= date.fromordinal(today.toordinal()
                                                            + max(REMINDER_DAYS)))
    rows = []
    for r in db.session.execute(soon):
        if not _wanted("due_soon", r):
            continue
        left = (r.due_date - today).days
        step = min(d for d in REMINDER_DAYS if d >= left)
        rows.append((r.user_id, bool(r.email), f"{r.assignment_id}:{r.due_date}:{step}",
                     _data(r, days=left)))
    return outbox.record_many("due_soon", rows)


def overdue(today: date) -> int:
    rows = []
    for r in db.session.execute(_covered(Assignment.due_date < today)):
        if not _wanted("overdue", r):
            continue
        week = (today - r.due_date).days // 7
        rows.append((r.user_id, bool(r.email), f"{r.assignment_id}:{r.due_date}:w{week}",
                     _data(r)))
    return outbox.record_many("overdue", rows)


def _not_told(kind: str, key) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(Notification.user_id == User.id, Notification.kind == kind,
                              Notification.key == key)


def certificates_issued() -> int:
    found = db.session.execute(
        sa.select(User.id, User.email, User.notifications_off, Certificate.id.label("cid"),
                  Certificate.code)
        .join(Certificate, Certificate.user_id == User.id)
        .where(Certificate.status == "valid", Certificate.issued_at >= utcnow() - RECENT,
               User.active.is_(True), _not_told("certificate_issued", Certificate.code)))
    rows = [(r.id, bool(r.email), r.code, {"certificate_id": r.cid, "code": r.code}) for r in found
            if _wanted("certificate_issued", r)]
    return outbox.record_many("certificate_issued", rows)


def accounts_created() -> int:
    found = db.session.execute(
        sa.select(User.id, User.email)
        .where(User.must_change_password.is_(True), User.active.is_(True),
               User.created_at >= utcnow() - RECENT, _not_told("account_created", "1")))
    return outbox.record_many("account_created",
                              [(r.id, bool(r.email), "1", None) for r in found])


def schedule(today: date) -> dict[str, int]:
    """Record what is due today (in the agency's time zone); commits."""
    counts = {"assignment_new": new_assignments(), "due_soon": due_soon(today),
              "overdue": overdue(today), "certificate_issued": certificates_issued(),
              "account_created": accounts_created()}
    db.session.commit()
    return counts
