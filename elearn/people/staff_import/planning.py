"""Planning a staff import (the dry run): check every row, decide what changes.

Every row is checked with the person rules (``elearn.people.rules``) the
forms and the services use, with the same messages, but in memory: existing
users, emails and units are loaded with a few queries, so a 10 000-row file
is checked in about a second. Planning writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa

from ...errors import N_
from ...extensions import db
from ...models import Unit, User
from ...vocabulary import EMPLOYMENT_STATUSES
from .. import rules
from ..errors import Message
from .reading import LossyNumber, read_rows

#: Model field -> accepted header names (normalised: lower case, "_" for spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nip": ("nip",),
    "full_name": ("nama", "name", "full_name", "nama_lengkap"),
    "email": ("email", "surel"),
    "unit_code": ("unit_kode", "unit_code", "kode_unit", "unit"),
    "position": ("jabatan", "position"),
    "grade": ("golongan", "grade", "pangkat"),
    "role": ("role", "peran"),
    "employment_status": ("status", "status_kepegawaian", "employment_status"),
    "place_of_birth": ("tempat_lahir", "place_of_birth"),
}
REQUIRED = ("nip", "full_name")
#: Fields written to an account, in the order they are compared.
FIELDS = ("full_name", "email", "unit_id", "position", "grade", "role", "employment_status",
          "place_of_birth")

_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong with one cell (row 1 is the header row)."""

    row: int
    column: str
    message: Message

    def text(self, translate=lambda s: s) -> str:
        """``row N, column X: message`` in the reader's language ("baris N, kolom X: …")."""
        return translate(N_("row %(row)d, column %(column)s: %(message)s")) % {
            "row": self.row, "column": self.column, "message": self.message.text(translate)}

    def __str__(self) -> str:
        return self.text()


@dataclass
class ImportRow:
    row: int
    nip: str
    name: str
    #: create, update, unchanged or invalid.
    action: str
    #: The account's fields after the import (valid rows only).
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The existing account (update and unchanged rows).
    user_id: int | None = None


@dataclass
class ImportPlan:
    filename: str
    headers: list[str]
    problems: list[ImportProblem] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    #: Problems with the header row itself; such a file cannot be applied at all.
    header_problems: list[ImportProblem] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def to_create(self) -> int:
        return self._count("create")

    @property
    def to_update(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def invalid_rows(self) -> int:
        return self._count("invalid")


def plan_import(data: bytes, filename: str) -> ImportPlan:
    """Read and check the whole file; decide create/update/unchanged per row.

    Writes nothing. Raises ImportFileError for a file that cannot be read.
    """
    headers, raw_rows = read_rows(data, filename)
    plan = ImportPlan(filename=PurePath(filename or "").name or "staff", headers=headers)
    columns = _find_columns(plan)
    if plan.header_problems:
        plan.problems = list(plan.header_problems)
        return plan
    _Checker(plan, columns).run(list(raw_rows))
    return plan


def _header_key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _find_columns(plan: ImportPlan) -> dict[str, int]:
    """Field -> index in the row; a repeated or missing column is a header problem."""
    columns: dict[str, int] = {}
    for index, header in enumerate(plan.headers):
        name = _ALIASES.get(_header_key(header))
        if name is None:
            continue
        if name in columns:
            plan.header_problems.append(ImportProblem(1, header, Message(
                N_("This column repeats the column %(other)s; keep only one of them."),
                other=plan.headers[columns[name]])))
        else:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            plan.header_problems.append(ImportProblem(1, COLUMNS[name][0], Message(
                N_("Required column is missing; accepted names: %(names)s."),
                names=", ".join(COLUMNS[name]))))
    return columns


@dataclass
class _Row:
    """One data row being checked: its cells, the account it updates, its problems."""

    number: int
    cells: list[str]
    nip: str
    existing: dict[str, Any] | None
    problems: list[ImportProblem] = field(default_factory=list)

    def kept(self, name: str, default: Any = None) -> Any:
        """The account's current value, for a column the file does not have."""
        return self.existing[name] if self.existing else default


class _Checker:
    """The person rules applied to every row of a file, with the database in memory."""

    def __init__(self, plan: ImportPlan, columns: dict[str, int]):
        self.plan = plan
        self.columns = columns
        self.email_problems = rules.EmailChecker()
        self.header = {name: plan.headers[i] for name, i in columns.items()}

    def cell(self, row: _Row, name: str) -> str | None:
        """The cell of column ``name``, or None if the file has no such column."""
        if name not in self.columns:
            return None
        return row.cells[self.columns[name]]

    def add(self, row: _Row, name: str, messages: list[Message]) -> None:
        if messages:
            row.problems.extend(ImportProblem(row.number, self.header[name], m)
                                for m in messages)

    def run(self, raw_rows: list[tuple[int, list[str]]]) -> None:
        nips = [_clean_nip(cells[self.columns["nip"]]) for _, cells in raw_rows]
        emails = set()
        if "email" in self.columns:
            emails = {rules.normalize_email(cells[self.columns["email"]]) for _, cells in raw_rows}
        self.existing, self.email_owner = _existing_users({n for n in nips if len(n) == 18},
                                                          emails - {None})
        self.units = dict(db.session.execute(sa.select(Unit.code, Unit.id)).all())
        self.seen_nips: dict[str, int] = {}
        self.seen_emails: dict[str, int] = {}
        for (number, cells), nip in zip(raw_rows, nips, strict=True):
            self.check_row(_Row(number, cells, nip, self.existing.get(nip)))

    def check_row(self, row: _Row) -> None:
        status = self._status(row)
        self._check_nip(row, status)
        name = rules.single_spaced(self.cell(row, "full_name") or "")
        self.add(row, "full_name", rules.full_name_problems(name))
        values: dict[str, Any] = {
            "full_name": name, "employment_status": status, "role": self._role(row),
            "email": self._email(row), "unit_id": self._unit_id(row),
            "grade": self._grade(row, status),
            "position": self._text(row, "position"),
            "place_of_birth": self._text(row, "place_of_birth"),
        }
        self._decide(row, name, values)

    def _status(self, row: _Row) -> str:
        """Read first: the NIP and grade rules depend on it."""
        cell = self.cell(row, "employment_status")
        status = row.kept("employment_status", "PNS") if cell is None \
            else cell.strip().upper() or "PNS"
        self.add(row, "employment_status", rules.employment_status_problems(status))
        return status

    def _check_nip(self, row: _Row, status: str) -> None:
        if status not in EMPLOYMENT_STATUSES:
            return
        raw = self.cell(row, "nip") or ""
        if isinstance(raw, LossyNumber) or _SCIENTIFIC.match(raw.strip()):
            self.add(row, "nip", [Message(N_(
                "The NIP was saved as a number and lost its last digits; format the column "
                "as text and type the NIPs again."))])
            return
        problems = rules.nip_problems(row.nip, status)
        if not problems and row.nip in self.seen_nips:
            problems = [Message(N_("NIP %(nip)s also appears in row %(row)d."),
                                nip=row.nip, row=self.seen_nips[row.nip])]
        elif not problems:
            self.seen_nips[row.nip] = row.number
        self.add(row, "nip", problems)

    def _role(self, row: _Row) -> str | None:
        cell = self.cell(row, "role")
        if cell is None:
            return row.kept("role", "learner")
        role = rules.ROLE_NAMES.get(cell.strip().lower() or "learner", cell.strip())
        self.add(row, "role", rules.role_problems(role))
        return role

    def _email(self, row: _Row) -> str | None:
        cell = self.cell(row, "email")
        if cell is None:
            return row.kept("email")
        email = rules.normalize_email(cell)
        problems = self.email_problems(email)
        if email and not problems and email in self.seen_emails:
            problems = [Message(N_("Email %(email)s also appears in row %(row)d."),
                                email=email, row=self.seen_emails[email])]
        elif email and not problems:
            self.seen_emails[email] = row.number
            problems = rules.email_taken_problems(email, self.email_owner.get(email),
                                                  row.kept("id"))
        self.add(row, "email", problems)
        return email

    def _unit_id(self, row: _Row) -> int | None:
        cell = self.cell(row, "unit_code")
        if cell is None:
            return row.kept("unit_id")
        code = rules.clean_unit_code(cell)
        self.add(row, "unit_code", rules.unit_code_problems(code, self.units.__contains__))
        return self.units.get(code) if code else None

    def _grade(self, row: _Row, status: str) -> str | None:
        cell = self.cell(row, "grade")
        if cell is None:
            kept = row.kept("grade")
            # A kept grade that does not fit a changed status is dropped.
            return None if rules.grade_problems(kept, status) else kept
        grade = rules.clean_grade(cell)
        self.add(row, "grade", rules.grade_problems(grade, status))
        return grade

    def _text(self, row: _Row, name: str) -> str | None:
        cell = self.cell(row, name)
        if cell is None:
            return row.kept(name)
        value = rules.single_spaced(cell) or None
        self.add(row, name, rules.length_problems(name, value))
        return value

    def _decide(self, row: _Row, name: str, values: dict[str, Any]) -> None:
        plan = self.plan
        if row.problems:
            plan.problems.extend(row.problems)
            plan.rows.append(ImportRow(row.number, row.nip, name, "invalid"))
            return
        values["nip"] = row.nip
        if row.existing is None:
            plan.rows.append(ImportRow(row.number, row.nip, name, "create", values))
        else:
            same = all(row.existing[key] == values[key] for key in FIELDS)
            plan.rows.append(ImportRow(row.number, row.nip, name,
                                       "unchanged" if same else "update", values,
                                       row.existing["id"]))


def _clean_nip(value: str) -> str:
    """The NIP of a cell; a leading ' (Excel's text marker) is not part of it."""
    cleaned = rules.clean_nip(value).lstrip("'")
    return LossyNumber(cleaned) if isinstance(value, LossyNumber) else cleaned


def _existing_users(nips: set[str], emails: set[str]
                    ) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The accounts whose NIP is in the file (NIP -> fields) and the owners of
    the file's emails (email -> user id).

    One scan of the users table without parameters: long ``IN (...)`` lists
    are slow on PostgreSQL once the driver prepares them (a generic plan
    compares every row with every parameter), and a staff table of a region
    (tens of thousands of rows) reads in well under a second.
    """
    found: dict[str, dict[str, Any]] = {}
    owners: dict[str, int] = {}
    columns = [User.id, User.nip, *(getattr(User, name) for name in FIELDS)]
    for row in db.session.execute(sa.select(*columns)):
        if row.nip in nips:
            found[row.nip] = row._asdict()
        if row.email is not None and row.email in emails:
            owners[row.email] = row.id
    return found, owners
