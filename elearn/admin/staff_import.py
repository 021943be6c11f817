"""Bulk staff import from a CSV or XLSX file: read, plan (dry run), apply.

The plan validates every row with the same rules and messages as
``people.services.validate_person``, but in memory: existing users, emails
and units are loaded with a few queries, so a 10 000-row file is checked in
about a second. Applying writes with bulk INSERT/UPDATE statements and
hashes the initial password once. Services flush; the caller commits.

Columns (header names are case-insensitive, Indonesian or English):
``nip`` and ``nama`` are required; ``email``, ``unit_kode``, ``jabatan``,
``golongan``, ``role``, ``status`` (PNS/PPPK) and ``tempat_lahir`` are
optional. A column that is absent leaves that field of an existing account
as it is; a column that is present but empty sets the default (no value,
role learner, status PNS).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import EMPLOYMENT_STATUSES, Unit, User
from ..models.audit import record
from ..models.people import utcnow
from ..people.nip import grade_error, nip_errors, normalize_grade
from ..people.passwords import password_problems
from ..people.services import normalize_email

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
ROLE_NAMES = {"learner": "learner", "peserta": "learner", "instructor": "instructor",
              "pengajar": "instructor", "admin": "admin"}
#: Longest value each text column of the users table holds.
MAX_LENGTHS = {"full_name": 200, "position": 200, "place_of_birth": 100, "email": 254}
#: Rows read from one staff file (a city's whole staff is a few tens of thousands);
#: a longer file is refused instead of filling a worker's memory.
MAX_ROWS = 100_000
#: Unpacked size of an XLSX file (a zip): 100 000 staff rows take about 20 MB, and
#: openpyxl reads the shared strings whole, so a zip bomb is refused before opening.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_ENTRIES = 1_000
#: Fields written to an account, in the order they are compared.
FIELDS = ("full_name", "email", "unit_id", "position", "grade", "role", "employment_status",
          "place_of_birth")
#: Rows per bulk statement and per progress report.
CHUNK = 500

_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$")


class ImportFileError(ValueError):
    """The file cannot be read at all (wrong type, unreadable, empty)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class ImportRefused(ValueError):
    """The plan cannot be applied as asked; nothing was written."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class _LossyNumber(str):
    """Digits of a spreadsheet number too large to be exact (a NIP typed as a
    number in Excel keeps only 15 significant digits)."""


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


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


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: int


# --------------------------------------------------------------------- reading


def read_rows(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header cells and the non-empty data rows of a CSV or XLSX file.

    Rows are numbered as a spreadsheet shows them (the header is row 1 when
    the file starts with it). Raises ImportFileError.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        records = _csv_records(data, filename)
    elif suffix == ".xlsx":
        records = _xlsx_records(data, filename)
    else:
        raise ImportFileError(_l("Only .csv and .xlsx files can be imported."))
    non_empty = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not non_empty:
        raise ImportFileError(_l("The file is empty."))
    (_, header), body = non_empty[0], non_empty[1:]
    headers = [h.strip() for h in header]
    width = len(headers)
    rows = [(n, cells + [""] * (width - len(cells))) for n, cells in body]
    return headers, iter(rows)


def _unreadable(filename: str, kind: str) -> ImportFileError:
    return ImportFileError(_l("%(filename)s is not a readable %(kind)s file.",
                              filename=PurePath(filename).name, kind=kind))


def _csv_records(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _unreadable(filename, "CSV") from None
    if "\x00" in text:  # a binary file with a .csv name
        raise _unreadable(filename, "CSV")
    first, _, rest = text.lstrip().partition("\n")
    if hint := re.fullmatch(r"sep=([;,])", first.strip()):
        # Excel's "sep=;" line names the delimiter and is not shown as a row.
        delimiter, text = hint.group(1), rest
    else:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _bounded(enumerate(reader, start=1))
    except csv.Error:
        raise _unreadable(filename, "CSV") from None


def _bounded(records) -> list[tuple[int, list[str]]]:
    """At most MAX_ROWS records; a longer file is refused with a clear message."""
    rows = []
    for n, row in records:
        if n > MAX_ROWS + 1:  # + the header row
            raise ImportFileError(_l(
                "The file has more than %(n)d rows. Split it into several files.", n=MAX_ROWS))
        rows.append((n, row))
    return rows


def _check_xlsx_size(data: bytes, filename: str) -> None:
    """Refuse a workbook whose unpacked parts are too large (a zip bomb) before
    openpyxl opens it; zipfile never reads past a member's declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable(filename, "XLSX") from None
    if len(members) > MAX_XLSX_ENTRIES or \
            sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_l(
            "%(filename)s unpacks to more than %(mb)d MB. Save only the staff list in it, "
            "or split it into several files.",
            filename=PurePath(filename).name, mb=MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)))


def _xlsx_records(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_xlsx_size(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, XML and openpyxl errors alike: not a readable workbook
        raise _unreadable(filename, "XLSX") from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read every row
        return _bounded((n, [_cell_text(v) for v in values])
                        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1))
    except ImportFileError:
        raise
    except Exception:
        raise _unreadable(filename, "XLSX") from None
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A cell value as the text a person reads in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            # The digits as written in the file (repr is the shortest exact
            # round trip): 1.99204112019031e+17 -> 199204112019031000, no ".0".
            digits = format(Decimal(repr(value)), "f")
            return _LossyNumber(digits) if abs(value) >= 2**53 else digits
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -------------------------------------------------------------------- planning


def _header_key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def plan_import(data: bytes, filename: str) -> ImportPlan:
    """Read and check the whole file; decide create/update/unchanged per row.

    Writes nothing. Raises ImportFileError for a file that cannot be read.
    """
    headers, raw_rows = read_rows(data, filename)
    plan = ImportPlan(filename=PurePath(filename or "").name or "staff", headers=headers)

    columns: dict[str, int] = {}  # field -> index in the row
    for index, header in enumerate(headers):
        name = _ALIASES.get(_header_key(header))
        if name is None:
            continue
        if name in columns:
            plan.header_problems.append(ImportProblem(1, header, str(_l(
                "This column repeats the column %(other)s; keep only one of them.",
                other=headers[columns[name]]))))
        else:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            plan.header_problems.append(ImportProblem(1, COLUMNS[name][0], str(_l(
                "Required column is missing; accepted names: %(names)s.",
                names=", ".join(COLUMNS[name])))))
    if plan.header_problems:
        plan.problems = list(plan.header_problems)
        return plan

    _Checker(plan, columns).run(list(raw_rows))
    return plan


class _Checker:
    """The in-memory equivalent of validate_person for every row of a file."""

    def __init__(self, plan: ImportPlan, columns: dict[str, int]):
        self.plan = plan
        self.columns = columns
        self.header = {name: plan.headers[i] for name, i in columns.items()}

    def cell(self, cells: list[str], name: str) -> str | None:
        """The cell of column ``name``, or None if the file has no such column."""
        if name not in self.columns:
            return None
        return cells[self.columns[name]]

    def run(self, raw_rows: list[tuple[int, list[str]]]) -> None:
        nips = [self._clean_nip(self.cell(cells, "nip") or "") for _, cells in raw_rows]
        emails = [normalize_email(self.cell(cells, "email")) for _, cells in raw_rows]
        self.existing, self.email_owner = _existing_users(
            {n for n in nips if len(n) == 18}, {e for e in emails if e})
        self.units = dict(db.session.execute(sa.select(Unit.code, Unit.id)).all())
        self.seen_nips: dict[str, int] = {}
        self.seen_emails: dict[str, int] = {}
        for (number, cells), nip in zip(raw_rows, nips, strict=True):
            self.check_row(number, cells, nip)

    @staticmethod
    def _clean_nip(value: str) -> str:
        cleaned = value.strip().replace(" ", "").lstrip("'")
        return _LossyNumber(cleaned) if isinstance(value, _LossyNumber) else cleaned

    def check_row(self, number: int, cells: list[str], nip: str) -> None:
        problems: list[ImportProblem] = []

        def add(name: str, message) -> None:
            problems.append(ImportProblem(number, self.header[name], str(message)))

        raw_nip = self.cell(cells, "nip") or ""
        existing = self.existing.get(nip)
        name = " ".join((self.cell(cells, "full_name") or "").split())

        # Status first: the NIP and grade rules depend on it.
        status_cell = self.cell(cells, "employment_status")
        if status_cell is None:
            status = existing["employment_status"] if existing else "PNS"
        else:
            status = status_cell.strip().upper() or "PNS"
        nip_ok = False
        if status not in EMPLOYMENT_STATUSES:
            add("employment_status", _l("Employment status must be PNS or PPPK."))
        elif isinstance(raw_nip, _LossyNumber) or _SCIENTIFIC.match(raw_nip.strip()):
            add("nip", _l("The NIP was saved as a number and lost its last digits; format the "
                          "column as text and type the NIPs again."))
        else:
            messages = nip_errors(nip, status)
            for message in messages:
                add("nip", message)
            nip_ok = not messages

        if nip_ok:
            if nip in self.seen_nips:
                add("nip", _l("NIP %(nip)s also appears in row %(row)d.",
                              nip=nip, row=self.seen_nips[nip]))
            else:
                self.seen_nips[nip] = number

        if not name:
            add("full_name", _l("Full name is required."))
        elif len(name) > MAX_LENGTHS["full_name"]:
            add("full_name", _l("At most %(n)d characters are allowed.",
                                n=MAX_LENGTHS["full_name"]))

        values: dict[str, Any] = {"full_name": name, "employment_status": status}

        role_cell = self.cell(cells, "role")
        if role_cell is None:
            values["role"] = existing["role"] if existing else "learner"
        else:
            role = role_cell.strip().lower() or "learner"
            if role in ROLE_NAMES:
                values["role"] = ROLE_NAMES[role]
            else:
                add("role", _l("Unknown role %(role)s: use learner, instructor or admin.",
                               role=role_cell.strip()))

        email_cell = self.cell(cells, "email")
        if email_cell is None:
            values["email"] = existing["email"] if existing else None
        else:
            email = normalize_email(email_cell)
            values["email"] = email
            if email:
                self._check_email(email, nip, number, add)

        unit_cell = self.cell(cells, "unit_code")
        if unit_cell is None:
            values["unit_id"] = existing["unit_id"] if existing else None
        else:
            code = unit_cell.strip().upper()
            values["unit_id"] = None
            if code:
                if code in self.units:
                    values["unit_id"] = self.units[code]
                else:
                    add("unit_code", _l("Unknown unit code %(code)s.", code=code))

        grade_cell = self.cell(cells, "grade")
        if grade_cell is None:
            values["grade"] = existing["grade"] if existing else None
            if values["grade"] and status in EMPLOYMENT_STATUSES and grade_error(
                    values["grade"], status):
                values["grade"] = None  # the kept grade does not fit a changed status
        else:
            grade = normalize_grade(grade_cell.strip()) if grade_cell.strip() else None
            values["grade"] = grade
            if grade and status in EMPLOYMENT_STATUSES and (msg := grade_error(grade, status)):
                add("grade", msg)

        for key in ("position", "place_of_birth"):
            text_cell = self.cell(cells, key)
            if text_cell is None:
                values[key] = existing[key] if existing else None
            else:
                values[key] = " ".join(text_cell.split()) or None
                if values[key] and len(values[key]) > MAX_LENGTHS[key]:
                    add(key, _l("At most %(n)d characters are allowed.", n=MAX_LENGTHS[key]))

        plan = self.plan
        if problems:
            plan.problems.extend(problems)
            plan.rows.append(ImportRow(number, nip, name, "invalid"))
            return
        values["nip"] = nip
        if existing is None:
            plan.rows.append(ImportRow(number, nip, name, "create", values))
        else:
            same = all(existing[key] == values[key] for key in FIELDS)
            plan.rows.append(ImportRow(number, nip, name, "unchanged" if same else "update",
                                       values, existing["id"]))

    def _check_email(self, email: str, nip: str, number: int, add) -> None:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            add("email", _l("%(email)s is not a valid email address.", email=email))
            return
        if email in self.seen_emails:
            add("email", _l("Email %(email)s also appears in row %(row)d.",
                            email=email, row=self.seen_emails[email]))
            return
        self.seen_emails[email] = number
        owner = self.email_owner.get(email)
        if owner is not None and owner != nip:
            add("email", _l("Email %(email)s is already used by another account.", email=email))


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing_users(nips: set[str], emails: set[str]
                    ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The accounts whose NIP is in the file (NIP -> fields) and the owners of
    the file's emails (email -> NIP).

    One scan of the users table without parameters: long ``IN (...)`` lists
    are slow on PostgreSQL once the driver prepares them (a generic plan
    compares every row with every parameter), and a staff table of a region
    (tens of thousands of rows) reads in well under a second.
    """
    found: dict[str, dict[str, Any]] = {}
    owners: dict[str, str] = {}
    columns = [User.id, User.nip, *(getattr(User, name) for name in FIELDS)]
    for row in db.session.execute(sa.select(*columns)):
        if row.nip in nips:
            found[row.nip] = row._asdict()
        if row.email is not None and row.email in emails:
            owners[row.email] = row.nip
    return found, owners


# -------------------------------------------------------------------- applying


def apply_import(plan: ImportPlan, *, initial_password: str, skip_invalid: bool,
                 actor: User | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Write the valid rows of ``plan``: create new accounts, update changed ones.

    New accounts get ``initial_password`` (hashed once) and must change it at
    first sign-in; existing passwords are never touched. Raises ImportRefused
    (writing nothing) for header problems, for row problems unless
    ``skip_invalid``, or for a weak initial password. Flushes, never commits.
    """
    if plan.header_problems:
        raise ImportRefused(_l("The file's columns have problems; fix the header row first."))
    if plan.problems and not skip_invalid:
        raise ImportRefused(_l("The file has problems: fix them, or skip the invalid rows."))
    creates = [r for r in plan.rows if r.action == "create"]
    updates = [r for r in plan.rows if r.action == "update"]
    password_hash = None
    if creates:
        # Shared by every new account, so only the general rule applies here.
        if problems := password_problems(initial_password or ""):
            raise ImportRefused(" ".join(problems))
        password_hash = generate_password_hash(initial_password, method="scrypt")

    db.session.flush()  # pending changes first, so the bulk statements see them
    now = utcnow()
    total, done = len(creates) + len(updates), 0

    for chunk in _chunks(creates):
        db.session.execute(sa.insert(User), [
            {**r.values, "password_hash": password_hash, "must_change_password": True,
             "active": True, "created_at": now, "updated_at": now}
            for r in chunk
        ])
        done += len(chunk)
        if progress:
            progress(done, total)
    for chunk in _chunks(updates):
        db.session.execute(sa.update(User), [
            {**{key: r.values[key] for key in FIELDS}, "id": r.user_id, "updated_at": now}
            for r in chunk
        ])
        done += len(chunk)
        if progress:
            progress(done, total)

    if updates:
        _expire_stale({r.user_id for r in updates})
    result = ImportResult(created=len(creates), updated=len(updates), unchanged=plan.unchanged,
                          skipped=plan.invalid_rows)
    record(actor, "people.import", plan.filename[:200], created=result.created,
           updated=result.updated, unchanged=result.unchanged, skipped=result.skipped)
    db.session.flush()
    return result


def _expire_stale(user_ids: set[int]) -> None:
    """Bulk UPDATE bypasses the identity map: reload users (and unit member
    lists) that the session already holds."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, User) and obj.id in user_ids:
            db.session.expire(obj)
        elif isinstance(obj, Unit) and "users" in obj.__dict__:
            db.session.expire(obj, ["users"])
