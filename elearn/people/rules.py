"""Per-field rules for a person's details and a unit's code.

The one place these are checked: the admin forms call them through small
WTForms adapters, the services call them (and so the command line), and the
staff import calls them for every row. Each check takes cleaned values and
returns the field's problems as untranslated messages, empty when the value
is fine; the caller shows them next to the form field, after the CLI option
or as ``row N, column X`` of the import report.

Checks that need the database (is the NIP taken, does the unit exist) take
what they need to know as arguments, so the import can answer from memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from email_validator import EmailNotValidError, validate_email

from ..errors import N_
from ..vocabulary import EMPLOYMENT_STATUSES, ROLES
from .errors import Message
from .nip import grade_error, nip_errors, normalize_grade

#: Longest value each text field holds (the users and units tables' columns).
MAX_LENGTHS = {"full_name": 200, "position": 200, "place_of_birth": 100, "email": 254,
               "grade": 8, "unit_code": 32}
#: Role names accepted in staff files, Indonesian or English.
ROLE_NAMES = {"learner": "learner", "peserta": "learner", "instructor": "instructor",
              "pengajar": "instructor", "admin": "admin"}
#: The fields of a person, in the order their problems are reported.
PERSON_FIELDS = ("employment_status", "nip", "full_name", "role", "email", "unit_code",
                 "grade", "position", "place_of_birth")

_UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass
class PersonData:
    """A person's details as entered (form, command line, demo data)."""

    nip: str
    full_name: str
    role: str = "learner"
    employment_status: str = "PNS"
    email: str | None = None
    unit_code: str | None = None
    position: str | None = None
    grade: str | None = None
    place_of_birth: str | None = None

    def cleaned(self) -> PersonData:
        """The same details as stored: spaces trimmed, codes and grades in their spelling."""
        return replace(
            self,
            nip=clean_nip(self.nip),
            full_name=single_spaced(self.full_name),
            role=self.role.strip().lower(),
            employment_status=self.employment_status.strip().upper(),
            email=normalize_email(self.email),
            unit_code=clean_unit_code(self.unit_code),
            position=(self.position or "").strip() or None,
            grade=clean_grade(self.grade),
            place_of_birth=(self.place_of_birth or "").strip() or None,
        )


# ------------------------------------------------------------------ cleaning


def clean_nip(value: str) -> str:
    return value.strip().replace(" ", "")


def single_spaced(value: str) -> str:
    return " ".join(value.split())


def normalize_email(email: str | None) -> str | None:
    return (email or "").strip().lower() or None


def clean_unit_code(code: str | None) -> str | None:
    return (code or "").strip().upper() or None


def clean_grade(grade: str | None) -> str | None:
    grade = (grade or "").strip()
    return normalize_grade(grade) if grade else None


# -------------------------------------------------------------------- checks


def employment_status_problems(status: str) -> list[Message]:
    if status in EMPLOYMENT_STATUSES:
        return []
    return [Message(N_("Employment status must be PNS or PPPK."))]


def nip_problems(nip: str, status: str) -> list[Message]:
    """The NIP rules for the status; none while the status itself is wrong."""
    if status not in EMPLOYMENT_STATUSES:
        return []
    return [Message(m) for m in nip_errors(nip, status)]


def full_name_problems(name: str) -> list[Message]:
    if not name:
        return [Message(N_("Full name is required."))]
    return length_problems("full_name", name)


def length_problems(field: str, value: str | None) -> list[Message]:
    limit = MAX_LENGTHS[field]
    if value and len(value) > limit:
        return [Message(N_("At most %(n)d characters are allowed."), n=limit)]
    return []


def role_problems(role: str) -> list[Message]:
    if role in ROLES:
        return []
    return [Message(N_("Unknown role %(role)s: use learner, instructor or admin."), role=role)]


def email_problems(email: str | None) -> list[Message]:
    if not email:
        return []
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return [Message(N_("%(email)s is not a valid email address."), email=email)]
    return []


#: A local part email_validator accepts whatever its domain (ASCII dot-atom, lower case).
_PLAIN_LOCAL_PART = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*\Z")


class EmailChecker:
    """``email_problems`` for the many addresses of a staff file, with the same verdicts
    and messages: an address whose local part is plain (``_PLAIN_LOCAL_PART``, at most
    64 characters, the whole address at most 254) is valid exactly when its domain is,
    and each domain is checked once (one full check costs about 100 microseconds: a
    second of a 10 000-row file). Any other address is checked whole."""

    def __init__(self):
        self.domains: dict[str, bool] = {}

    def __call__(self, email: str | None) -> list[Message]:
        if not email:
            return []
        local, at, domain = email.rpartition("@")
        if not (at and len(email) <= 254 and len(local) <= 64
                and _PLAIN_LOCAL_PART.match(local)):
            return email_problems(email)
        valid = self.domains.get(domain)
        if valid is None:
            valid = self.domains[domain] = not email_problems("a@" + domain)
        return [] if valid else email_problems(email)


def grade_problems(grade: str | None, status: str) -> list[Message]:
    """The grade rule for the status; none without a grade or a valid status."""
    if not grade or status not in EMPLOYMENT_STATUSES:
        return []
    message = grade_error(grade, status)
    return [Message(message)] if message else []


def unit_code_problems(code: str | None, exists: Callable[[str], bool]) -> list[Message]:
    """A unit a person (or a sub-unit) belongs to must exist."""
    if code and not exists(code):
        return [Message(N_("Unknown unit code %(code)s."), code=code)]
    return []


def new_unit_code_problems(code: str) -> list[Message]:
    """The spelling of a unit's own code."""
    if not _UNIT_CODE.match(code):
        return [Message(N_("Use letters, digits, dots, dashes or underscores."))]
    return length_problems("unit_code", code)


def nip_taken_problems(nip: str, owner_id: int | None, own_id: int | None) -> list[Message]:
    """A NIP belongs to one account: ``owner_id`` holds it, ``own_id`` is being saved."""
    if owner_id is not None and owner_id != own_id:
        return [Message(N_("NIP %(nip)s is already registered."), nip=nip)]
    return []


def email_taken_problems(email: str | None, owner_id: int | None, own_id: int | None
                         ) -> list[Message]:
    """An email belongs to one account: ``owner_id`` holds it, ``own_id`` is being saved."""
    if email and owner_id is not None and owner_id != own_id:
        return [Message(N_("Email %(email)s is already used by another account."), email=email)]
    return []


def field_problems(person: PersonData, field: str) -> list[Message]:
    """The problems of one field of a cleaned ``person`` that need no database.

    The NIP and the grade are read with the person's employment status.
    """
    status = person.employment_status
    checks: dict[str, Callable[[], list[Message]]] = {
        "employment_status": lambda: employment_status_problems(status),
        "nip": lambda: nip_problems(person.nip, status),
        "full_name": lambda: full_name_problems(person.full_name),
        "role": lambda: role_problems(person.role),
        "email": lambda: email_problems(person.email),
        "grade": lambda: grade_problems(person.grade, status),
        "position": lambda: length_problems("position", person.position),
        "place_of_birth": lambda: length_problems("place_of_birth", person.place_of_birth),
    }
    check = checks.get(field)
    return check() if check else []
