"""What admins do to people and units. Every change is written to the audit log."""

from __future__ import annotations

import secrets

from ..errors import N_
from ..extensions import db
from ..models import Unit, User
from ..models.audit import record
from . import rules
from .errors import Message, PeopleError
from .passwords import password_problems
from .rules import PersonData
from .services import create_user, unit_by_code, validate_person
from .sessions import end_all_sessions

# Temporary passwords avoid look-alike characters so they can be read out or typed.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet


def temporary_password() -> str:
    """A one-time password an admin hands over; it must be changed at sign-in."""
    while True:
        body = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10))
        password = f"{body[:5]}-{body[5:]}"
        if not password_problems(password):  # a random draw is almost always fine
            return password


def admin_create_person(data: PersonData, actor: User) -> tuple[User, str]:
    """Create an account with a temporary password to change at first sign-in; returns both."""
    password = temporary_password()
    user = create_user(data, password, must_change_password=True)
    record(actor, "people.create", f"user {user.nip}", name=user.full_name, role=user.role)
    return user, password


def update_person(user: User, data: PersonData, actor: User) -> list[str]:
    """Apply ``data`` to ``user``; returns the fields that changed."""
    data = data.cleaned()
    errors = validate_person(data, existing=user)
    if actor.id == user.id and data.role != "admin":
        errors.setdefault("role", []).append(Message(N_("You cannot remove your own admin "
                                                        "role.")))
    if errors:
        raise PeopleError(errors)
    unit = unit_by_code(data.unit_code) if data.unit_code else None
    new = {"nip": data.nip, "full_name": data.full_name, "role": data.role,
           "employment_status": data.employment_status, "email": data.email, "unit_id":
           unit.id if unit else None, "position": data.position, "grade": data.grade,
           "place_of_birth": data.place_of_birth}
    changed = [field for field, value in new.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, new[field])
    if changed:
        record(actor, "people.update", f"user {user.nip}", fields=changed)
    db.session.flush()
    return changed


def set_active(user: User, active: bool, actor: User, reason: str | None = None) -> None:
    """Deactivate or reactivate; people are never deleted, so their history stays."""
    if actor.id == user.id and not active:
        raise PeopleError({"active": [N_("You cannot deactivate your own account.")]})
    if user.active == active:
        return
    user.active = active
    if not active:
        end_all_sessions(user)
    record(actor, "people.activate" if active else "people.deactivate", f"user {user.nip}",
           reason=reason)
    db.session.flush()


def reset_password(user: User, actor: User) -> str:
    """Give the user a temporary password to change at the next sign-in; returns it."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    end_all_sessions(user)
    record(actor, "people.reset_password", f"user {user.nip}")
    db.session.flush()
    return password


def save_unit(unit: Unit | None, code: str, name: str, parent_code: str | None, actor: User
              ) -> Unit:
    """Create (unit None) or edit a unit; codes are unique and upper-case."""
    code = code.strip().upper()
    errors: dict[str, list[Message]] = {}
    other = unit_by_code(code)
    if other is not None and other is not unit:
        errors["code"] = [Message(N_("Unit code %(code)s is already used."), code=code)]
    elif problems := rules.new_unit_code_problems(code):
        errors["code"] = problems
    parent = unit_by_code(parent_code) if parent_code else None
    if problems := rules.unit_code_problems(parent_code, lambda _: parent is not None):
        errors["parent"] = problems
    elif parent is not None and unit is not None and _is_within(parent, unit):
        errors["parent"] = [Message(N_("A unit cannot belong to itself or to its own "
                                       "sub-unit."))]
    if errors:
        raise PeopleError(errors)
    action = "units.update"
    if unit is None:
        unit = Unit(code=code, name=name.strip())
        db.session.add(unit)
        action = "units.create"
    unit.code, unit.name, unit.parent = code, name.strip(), parent
    db.session.flush()
    record(actor, action, f"unit {unit.code}", name=unit.name,
           parent=parent.code if parent else None)
    return unit


def _is_within(candidate: Unit, unit: Unit) -> bool:
    """Whether ``candidate`` is ``unit`` or one of its descendants."""
    seen = set()
    node: Unit | None = candidate
    while node is not None and node.id not in seen:
        if node.id == unit.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False
