"""Writing people and units. Services flush; the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import EMPLOYMENT_STATUSES, ROLES, Unit, User
from ..text import has_control_characters
from .nip import grade_error, nip_errors, normalize_grade
from .passwords import password_problems
from .sessions import end_all_sessions


class PeopleError(ValueError):
    """Invalid input for a person or unit; ``errors`` maps field to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {m}" for k, ms in errors.items() for m in ms))


@dataclass
class PersonData:
    nip: str
    full_name: str
    role: str = "learner"
    employment_status: str = "PNS"
    email: str | None = None
    unit_code: str | None = None
    position: str | None = None
    grade: str | None = None
    place_of_birth: str | None = None


def normalize_email(email: str | None) -> str | None:
    email = (email or "").strip()
    return email.lower() or None


def find_user_by_login(identifier: str) -> User | None:
    """The user whose NIP or email is ``identifier`` (email case-insensitive)."""
    identifier = identifier.strip()
    if not identifier or has_control_characters(identifier):
        return None  # no such account; NUL would not even reach PostgreSQL
    if "@" in identifier:
        stmt = sa.select(User).where(User.email == identifier.lower())
    else:
        stmt = sa.select(User).where(User.nip == identifier.replace(" ", ""))
    return db.session.scalars(stmt).first()


def check_sign_in(user: User | None, password: str) -> bool:
    """Whether ``password`` is the password of ``user``.

    Costs one password hash check whether or not the account exists, so the
    time of a failed sign-in does not tell which NIPs and emails are registered.
    """
    if user is None:
        return User.check_no_password(password)
    return user.check_password(password)


def validate_person(data: PersonData, existing: User | None = None) -> dict[str, list[str]]:
    """Every problem with ``data``; ``existing`` is the user being updated."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(str(message))

    if data.employment_status not in EMPLOYMENT_STATUSES:
        add("employment_status", _l("Employment status must be PNS or PPPK."))
    else:
        for message in nip_errors(data.nip, data.employment_status):
            add("nip", message)
        if data.grade and (msg := grade_error(data.grade, data.employment_status)):
            add("grade", msg)
    if not data.full_name.strip():
        add("full_name", _l("Full name is required."))
    if data.role not in ROLES:
        add("role", _l("Unknown role %(role)s: use learner, instructor or admin.", role=data.role))
    if data.email:
        try:
            validate_email(data.email, check_deliverability=False)
        except EmailNotValidError:
            add("email", _l("%(email)s is not a valid email address.", email=data.email))
    if "nip" not in errors:
        other = db.session.scalar(sa.select(User).where(User.nip == data.nip))
        if other is not None and other is not existing:
            add("nip", _l("NIP %(nip)s is already registered.", nip=data.nip))
    if data.email and "email" not in errors:
        other = db.session.scalar(sa.select(User).where(User.email == data.email))
        if other is not None and other is not existing:
            add("email",
                _l("Email %(email)s is already used by another account.", email=data.email))
    if data.unit_code and _unit_by_code(data.unit_code) is None:
        add("unit_code", _l("Unknown unit code %(code)s.", code=data.unit_code))
    return errors


def _unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code.strip().upper()))


def _clean(data: PersonData) -> PersonData:
    return PersonData(
        nip=data.nip.strip().replace(" ", ""),
        full_name=" ".join(data.full_name.split()),
        role=data.role.strip().lower(),
        employment_status=data.employment_status.strip().upper(),
        email=normalize_email(data.email),
        unit_code=(data.unit_code or "").strip().upper() or None,
        position=(data.position or "").strip() or None,
        grade=normalize_grade(data.grade.strip()) if data.grade and data.grade.strip() else None,
        place_of_birth=(data.place_of_birth or "").strip() or None,
    )


def create_user(data: PersonData, password: str, *, must_change_password: bool = True) -> User:
    """Validate and add a new user. Raises PeopleError and adds nothing on bad input."""
    data = _clean(data)
    errors = validate_person(data)
    if problems := password_problems(password, nip=data.nip, email=data.email,
                                     full_name=data.full_name):
        errors.setdefault("password", []).extend(problems)
    if errors:
        raise PeopleError(errors)
    user = User(
        nip=data.nip,
        full_name=data.full_name,
        role=data.role,
        employment_status=data.employment_status,
        email=data.email,
        unit=_unit_by_code(data.unit_code) if data.unit_code else None,
        position=data.position,
        grade=data.grade,
        place_of_birth=data.place_of_birth,
        must_change_password=must_change_password,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def upsert_user(data: PersonData, password: str, *, must_change_password: bool = False) -> User:
    """Create the user or bring an existing one (same NIP) up to ``data``."""
    data = _clean(data)
    existing = db.session.scalar(sa.select(User).where(User.nip == data.nip))
    if existing is None:
        return create_user(data, password, must_change_password=must_change_password)
    errors = validate_person(data, existing=existing)
    if errors:
        raise PeopleError(errors)
    existing.full_name = data.full_name
    existing.role = data.role
    existing.employment_status = data.employment_status
    existing.email = data.email
    existing.unit = _unit_by_code(data.unit_code) if data.unit_code else None
    existing.position = data.position
    existing.grade = data.grade
    existing.place_of_birth = data.place_of_birth
    db.session.flush()
    return existing


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one.

    Every session of the user ends, on this device too: the caller signs the
    person in again with a new session.
    """
    errors: dict[str, list[str]] = {}
    if not user.check_password(current):
        errors["current_password"] = [str(_l("The current password is wrong."))]
    if problems := password_problems(new, nip=user.nip, email=user.email,
                                     full_name=user.full_name):
        errors["new_password"] = problems
    elif current == new:
        errors["new_password"] = [str(_l("Choose a password different from the current one."))]
    if errors:
        raise PeopleError(errors)
    user.set_password(new)
    user.must_change_password = False
    end_all_sessions(user)
    db.session.flush()


def upsert_unit(code: str, name: str) -> Unit:
    code = code.strip().upper()
    unit = _unit_by_code(code)
    if unit is None:
        unit = Unit(code=code, name=name.strip())
        db.session.add(unit)
    else:
        unit.name = name.strip()
    db.session.flush()
    return unit
