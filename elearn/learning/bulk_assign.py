"""Assigning a course to many people at once: a pasted list of NIPs and/or everyone
of a unit with a position, previewed, then saved as one personal assignment each.

``parse_nips`` reads what an admin pastes (one NIP a line, or several separated by
commas, semicolons, tabs or spaces; a NIP written in groups such as
``19900101 201501 1 001``; a name beside the NIP, as copied from a spreadsheet;
invisible format characters are ignored).
``plan_bulk`` says who would be assigned, who already has the course (personally or
through their unit) and which lines name nobody; ``apply_bulk`` saves the plan in
one flush: all of it or, on any error, none of it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..errors import N_
from ..extensions import db
from ..models import Assignment, Course, Unit, User
from ..models.audit import record
from ..people.directory import escape_like
from ..people.errors import Message
from .errors import AssignmentError

#: At most this many NIPs (or people selected by unit and position) at a time.
MAX_PEOPLE = 1000
#: At most this many characters pasted.
MAX_TEXT = 100_000
_FIELDS = re.compile(r"[,;\t|]+")
_SHOWN = 40  # characters of a wrong entry quoted back


@dataclass
class NipList:
    """The NIPs found, each with the line it is on (first occurrence, in order), and
    the lines that name nobody."""
    entries: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)


def _quoted(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _tokens(line: str) -> tuple[list[str], list[str]]:
    """The NIPs in one line, and the pieces with digits that are not NIPs."""
    nips, wrong = [], []
    # Invisible format characters (zero-width spaces, byte order marks, direction
    # marks) come along when copying from documents and spreadsheets.
    line = "".join(c for c in line if unicodedata.category(c) != "Cf")
    for part in _FIELDS.split(line):
        group: list[str] = []
        for word in part.split():
            word = word.strip("'\"")
            if word.isascii() and word.isdigit():
                group.append(word)
                joined = "".join(group)
                if len(joined) == 18:
                    nips.append(joined)
                    group = []
                elif len(joined) > 18:
                    wrong.append(" ".join(group))
                    group = []
                continue
            if group:
                wrong.append(" ".join(group))
                group = []
            if any(c.isdigit() for c in word):
                wrong.append(word)
        if group:
            wrong.append(" ".join(group))
    return nips, wrong


def parse_nips(text: str) -> NipList:
    """The NIPs in ``text``; raises AssignmentError when it is too long or names more
    than MAX_PEOPLE NIPs."""
    if len(text) > MAX_TEXT:
        raise AssignmentError(N_("The list is too long: at most %(max)s characters at a "
                                 "time."), max=MAX_TEXT)
    result, first_line, count = NipList(), {}, 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        nips, wrong = _tokens(line)
        count += len(nips)
        if count > MAX_PEOPLE:
            raise AssignmentError(N_("At most %(max)s NIPs at a time; split the list into "
                                     "several parts."), max=MAX_PEOPLE)
        for piece in wrong:
            result.problems.append(Message(N_("Line %(line)s: “%(text)s” is not a NIP "
                                              "(18 digits)."), line=number, text=_quoted(piece)))
        if not nips and not wrong:
            result.problems.append(Message(N_("Line %(line)s: no NIP found in “%(text)s”."),
                                           line=number, text=_quoted(line.strip())))
        for nip in nips:
            if nip in first_line:
                result.problems.append(Message(
                    N_("Line %(line)s: NIP %(nip)s is already on line %(first)s."),
                    line=number, nip=nip, first=first_line[nip]))
                continue
            first_line[nip] = number
            result.entries.append((number, nip))
    return result


@dataclass
class BulkPlan:
    """Who a bulk assignment would reach. ``already`` pairs a person with the unit code
    the course reaches them through, or None when they have it personally."""
    course: Course
    new: list[User] = field(default_factory=list)
    already: list[tuple[User, str | None]] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A fingerprint of what would be saved, to notice a change since the preview."""
        ids = ",".join(str(u.id) for u in sorted(self.new, key=lambda u: u.id))
        return hashlib.sha256(f"{self.course.id}:{ids}".encode()).hexdigest()[:16]


def _listed_people(entries: list[tuple[int, str]], plan: BulkPlan) -> list[User]:
    found = {u.nip: u for u in db.session.scalars(
        sa.select(User).options(joinedload(User.unit))
        .where(User.nip.in_([nip for _line, nip in entries])))} if entries else {}
    people = []
    for line, nip in entries:
        person = found.get(nip)
        if person is None:
            plan.problems.append(Message(N_("Line %(line)s: NIP %(nip)s was not found."),
                                         line=line, nip=nip))
        elif not person.active:
            plan.problems.append(Message(
                N_("Line %(line)s: %(name)s (NIP %(nip)s) has a deactivated account."),
                line=line, name=person.full_name, nip=nip))
        else:
            people.append(person)
    return people


def select_people(unit: Unit | None, position: str) -> list[User]:
    """Active people of ``unit`` whose position contains ``position`` (any case), by
    name; raises AssignmentError above MAX_PEOPLE."""
    stmt = sa.select(User).options(joinedload(User.unit)).where(User.active.is_(True))
    if unit is not None:
        stmt = stmt.where(User.unit_id == unit.id)
    if position:
        like = f"%{escape_like(position.lower())}%"
        stmt = stmt.where(sa.func.lower(User.position).like(like, escape="\\"))
    people = list(db.session.scalars(stmt.order_by(User.full_name, User.id)
                                     .limit(MAX_PEOPLE + 1)))
    if len(people) > MAX_PEOPLE:
        raise AssignmentError(N_("This selects more than %(max)s people; choose a position "
                                 "too, or assign the course to the whole unit."),
                              max=MAX_PEOPLE)
    return people


def plan_bulk(course: Course, text: str, unit: Unit | None = None,
              position: str = "") -> BulkPlan:
    """What assigning ``course`` to the NIPs in ``text`` and to the people of ``unit``
    with ``position`` would do. Raises AssignmentError for an unpublished course, an
    empty request or too many people."""
    if course.status != "published":
        raise AssignmentError(N_("Only published courses can be assigned."))
    nips = parse_nips(text)
    if not nips.entries and not nips.problems and unit is None and not position:
        raise AssignmentError(N_("Paste NIPs, or choose a unit or a position."))
    plan = BulkPlan(course, problems=list(nips.problems))
    people = _listed_people(nips.entries, plan)
    if unit is not None or position:
        seen = {p.id for p in people}
        people += [p for p in select_people(unit, position) if p.id not in seen]
    if len(people) > MAX_PEOPLE:
        raise AssignmentError(N_("At most %(max)s NIPs at a time; split the list into "
                                 "several parts."), max=MAX_PEOPLE)
    personal, through_unit = _existing(course, people)
    for person in people:
        if person.id in personal:
            plan.already.append((person, None))
        elif person.unit_id in through_unit:
            plan.already.append((person, through_unit[person.unit_id]))
        else:
            plan.new.append(person)
    plan.problems.sort(key=lambda m: m.params["line"])
    return plan


def _existing(course: Course, people: list[User]) -> tuple[set[int], dict[int, str]]:
    """Of ``people``: who has the course personally, and which of their units have it."""
    if not people:
        return set(), {}
    personal = set(db.session.scalars(sa.select(Assignment.user_id).where(
        Assignment.course_id == course.id,
        Assignment.user_id.in_([p.id for p in people]))))
    unit_ids = {p.unit_id for p in people if p.unit_id is not None}
    through_unit = dict(db.session.execute(
        sa.select(Assignment.unit_id, Unit.code).join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.course_id == course.id, Assignment.unit_id.in_(unit_ids))).all()
    ) if unit_ids else {}
    return personal, through_unit


def apply_bulk(plan: BulkPlan, due_date, actor: User) -> list[Assignment]:
    """Save one personal assignment per person in ``plan.new``, audited, in one flush.

    Raises AssignmentError when nobody is new, or when the database refuses any of
    them (someone assigned the course meanwhile): then nothing is saved, and the
    caller rolls back.
    """
    if not plan.new:
        raise AssignmentError(N_("Nobody new to assign: everyone listed already has this "
                                 "course."))
    course = plan.course
    rows = [Assignment(course_id=course.id, user_id=p.id, due_date=due_date)
            for p in plan.new]
    db.session.add_all(rows)
    for person in plan.new:
        record(actor, "assignments.save", f"{course.slug} -> user {person.nip}",
               due_date=due_date.isoformat() if due_date else None, bulk=True)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AssignmentError(N_("The assignments changed while saving; nothing was "
                                 "assigned. Check the preview again.")) from exc
    return rows
