"""Writing people and units. Services flush; the caller commits once."""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import N_
from ..extensions import db
from ..models import Unit, User
from ..text import has_control_characters
from . import rules
from .errors import Message, PeopleError
from .passwords import password_problems
from .rules import PersonData, normalize_email
from .sessions import end_all_sessions

__all__ = ["PeopleError", "PersonData", "change_password", "check_sign_in", "create_user",
           "find_user_by_login", "normalize_email", "upsert_unit", "upsert_user",
           "validate_person"]


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


def validate_person(data: PersonData, existing: User | None = None
                    ) -> dict[str, list[Message]]:
    """Every problem with cleaned ``data``; ``existing`` is the user being updated."""
    found = {field: rules.field_problems(data, field) for field in rules.PERSON_FIELDS}
    own_id = existing.id if existing is not None else None
    if not found["nip"]:
        owner = db.session.scalar(sa.select(User.id).where(User.nip == data.nip))
        found["nip"] = rules.nip_taken_problems(data.nip, owner, own_id)
    if data.email and not found["email"]:
        owner = db.session.scalar(sa.select(User.id).where(User.email == data.email))
        found["email"] = rules.email_taken_problems(data.email, owner, own_id)
    found["unit_code"] = rules.unit_code_problems(
        data.unit_code, lambda code: unit_by_code(code) is not None)
    return {field: problems for field, problems in found.items() if problems}


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code.strip().upper()))


def create_user(data: PersonData, password: str, *, must_change_password: bool = True) -> User:
    """Validate and add a new user. Raises PeopleError and adds nothing on bad input."""
    data = data.cleaned()
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
        unit=unit_by_code(data.unit_code) if data.unit_code else None,
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
    data = data.cleaned()
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
    existing.unit = unit_by_code(data.unit_code) if data.unit_code else None
    existing.position = data.position
    existing.grade = data.grade
    existing.place_of_birth = data.place_of_birth
    db.session.flush()
    return existing


def password_change_problems(user: User, current: str, new: str) -> dict[str, list[Message]]:
    """Every reason the password change cannot be made, per field, all at once."""
    errors: dict[str, list[Message]] = {}
    if not user.check_password(current):
        errors["current_password"] = [Message(
            N_("The temporary password is wrong.") if user.must_change_password
            else N_("The current password is wrong."))]
    if problems := password_problems(new, nip=user.nip, email=user.email,
                                     full_name=user.full_name):
        errors["new_password"] = problems
    elif current == new:
        errors["new_password"] = [Message(N_("Choose a password different from the current "
                                             "one."))]
    return errors


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one.

    Every session of the user ends, on this device too: the caller signs the
    person in again with a new session.
    """
    if errors := password_change_problems(user, current, new):
        raise PeopleError(errors)
    set_new_password(user, new)


def set_new_password(user: User, password: str) -> None:
    """Set ``password`` (already checked by the caller), which the person chose, and
    end every session of the account (a reset link made for the old hash dies too)."""
    user.set_password(password)
    user.must_change_password = False
    end_all_sessions(user)
    db.session.flush()


def upsert_unit(code: str, name: str) -> Unit:
    code = code.strip().upper()
    unit = unit_by_code(code)
    if unit is None:
        unit = Unit(code=code, name=name.strip())
        db.session.add(unit)
    else:
        unit.name = name.strip()
    db.session.flush()
    return unit
