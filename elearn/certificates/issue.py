"""Issuing, revoking and reissuing certificates.

Numbers come from a per-year counter row that is incremented inside the
issuing transaction: concurrent issues queue on its row lock, and a rolled
back issue rolls the counter back too, so numbers have no gaps and no
duplicates.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..errors import N_, DomainError
from ..extensions import db
from ..models import Certificate, CertificateSequence, CourseCompletion, User
from ..models.audit import record
from ..models.people import as_utc, utcnow
from ..people.nip import birth_date_from_nip
from ..vocabulary import REVOKE_CATEGORIES

_CODE_CHARS = re.compile(r"[^A-Z2-7]")
# Characters people confuse when typing a base32 code.
_TYPING_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B"})


@dataclass(frozen=True)
class CertificateSettings:
    """How certificates are numbered and dated, built once by the caller from
    configuration: ``CertificateSettings.from_config(app.config)``."""

    #: Number pattern: ``{seq}`` counts from 1 each year, ``{year}`` is the year of issue.
    pattern: str
    #: Time zone of the issuing agency: the year of issue and the completion date.
    tz: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CertificateSettings:
        return cls(pattern=config["CERTIFICATE_NUMBER_PATTERN"], tz=config["TIMEZONE"])


class CertificateError(DomainError):
    """A certificate action its current state does not allow."""


def new_code() -> str:
    """80 random bits as 16 base32 characters (A-Z, 2-7): unguessable and typeable."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def normalize_code(typed: str) -> str:
    """The code as the system reads what was typed: upper case, 0/1/8 read as O/I/B
    (codes never hold those digits), anything else dropped."""
    return _CODE_CHARS.sub("", typed.upper().translate(_TYPING_FIXES))


def grouped(code: str) -> str:
    """A code in groups of four, as printed under the QR code."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def next_number(year: int) -> int:
    """Take the next sequence number of ``year`` inside the current transaction."""
    bump = (sa.update(CertificateSequence).where(CertificateSequence.year == year)
            .values(last_value=CertificateSequence.last_value + 1)
            .returning(CertificateSequence.last_value))
    value = db.session.execute(bump).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.add(CertificateSequence(year=year, last_value=1))
            return 1
        except IntegrityError:  # another transaction created the year's row first
            value = db.session.execute(bump).scalar()
    return value


def _snapshot(cert: Certificate, completion: CourseCompletion, tz: str) -> None:
    user, course = completion.user, completion.course
    cert.full_name = user.full_name
    cert.nip = user.nip
    cert.place_of_birth = user.place_of_birth
    cert.birth_date = birth_date_from_nip(user.nip)
    cert.unit_name = user.unit.name if user.unit else None
    cert.position = user.position
    cert.grade = user.grade
    cert.course_title = course.title
    cert.competency = course.competency
    cert.jp = completion.jp
    cert.completed_on = as_utc(completion.completed_at).astimezone(ZoneInfo(tz)).date()


def issue_certificate(completion: CourseCompletion, *, pattern: str, tz: str) -> Certificate:
    """The completion's certificate, issued now if it has none."""
    existing = current_certificate(completion.user_id, completion.course_id)
    if existing is not None:
        return existing
    return _issue(completion, pattern=pattern, tz=tz)


def _issue(completion: CourseCompletion, *, pattern: str, tz: str) -> Certificate:
    year = datetime.now(ZoneInfo(tz)).year
    seq = next_number(year)
    cert = Certificate(completion_id=completion.id, user_id=completion.user_id,
                       course_id=completion.course_id, year=year, seq=seq,
                       number=pattern.format(seq=seq, year=year), code=new_code())
    _snapshot(cert, completion, tz)
    db.session.add(cert)
    db.session.flush()
    return cert


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.current()))


def find_by_code(typed: str) -> Certificate | None:
    code = normalize_code(typed)
    if len(code) != 16:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def revoke(cert: Certificate, actor: User, reason: str, category: str) -> None:
    """Revoke a valid certificate. ``category`` (vocabulary.REVOKE_CATEGORIES) is shown
    on the public verification page; ``reason``, the admin's own words, is not."""
    if cert.status != "valid":
        raise CertificateError(N_("Only a valid certificate can be revoked."))
    if category not in REVOKE_CATEGORIES:
        raise CertificateError(N_("Choose why the certificate is revoked."))
    cert.status = "revoked"
    cert.revoked_at = utcnow()
    cert.revoke_reason = reason
    cert.revoke_category = category
    record(actor, "certificate.revoke", f"certificate {cert.number}", reason=reason,
           certificate_id=cert.id, user_nip=cert.nip, category=category)
    db.session.flush()


def reissue(cert: Certificate, actor: User, reason: str, *, pattern: str, tz: str
            ) -> Certificate:
    """Replace a certificate after a correction: a new number, the old one marked replaced."""
    if cert.status == "replaced":
        raise CertificateError(N_("This certificate was already replaced."))
    cert.status = "replaced"
    db.session.flush()  # frees the one-current-certificate slot for the new one
    new = _issue(cert.completion, pattern=pattern, tz=tz)
    cert.replaced_by_id = new.id
    record(actor, "certificate.reissue", f"certificate {cert.number}", reason=reason,
           certificate_id=cert.id, new_number=new.number, user_nip=cert.nip)
    db.session.flush()
    return new


def mask_nip(nip: str) -> str:
    """Enough to recognise a NIP, not enough to reuse it: 1992********1005."""
    return nip[:4] + "*" * (len(nip) - 8) + nip[-4:] if len(nip) > 8 else "*" * len(nip)
