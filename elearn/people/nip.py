"""Validation of NIP numbers and grades, which depend on employment status.

A PNS NIP is birth date (YYYYMMDD), appointment year-month (YYYYMM), gender
digit (1 or 2) and a 3-digit serial. A PPPK number is 18 digits too, but its
digits 13-14 are a fixed code rather than a month (for example ``21``), so
the appointment rule cannot apply to it.

Messages are untranslated (``Message``): the web form, the command line and
the staff import report translate them.
"""

from __future__ import annotations

from datetime import date

from ..errors import N_
from ..vocabulary import EMPLOYMENT_STATUSES
from .errors import Message

PNS_GRADES = tuple(
    f"{group}/{letter}"
    for group, letters in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde"))
    for letter in letters
)
PPPK_GRADES = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)


def birth_date_from_nip(nip: str) -> date | None:
    """The birth date encoded in the first eight digits, or None if invalid."""
    try:
        return date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except (ValueError, IndexError):
        return None


def nip_errors(nip: str, employment_status: str) -> list[Message]:
    """Every reason ``nip`` is not a valid NIP for the status; empty if valid."""
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        return [Message(N_("NIP must be exactly 18 digits."))]
    if employment_status not in EMPLOYMENT_STATUSES:
        return [Message(N_("Employment status must be PNS or PPPK."))]
    errors: list[str] = []
    birth = birth_date_from_nip(nip)
    if birth is None or birth.year < 1900:
        errors.append(N_("Digits 1-8 of the NIP must be a valid birth date (YYYYMMDD)."))
    if employment_status == "PNS":
        year, month = int(nip[8:12]), int(nip[12:14])
        if not 1 <= month <= 12:
            errors.append(N_("Digits 9-14 of the NIP must be the appointment year and month "
                             "(YYYYMM)."))
        elif birth is not None and (year, month) < (birth.year, birth.month):
            errors.append(N_("The appointment date in the NIP is before the birth date."))
    elif 1 <= int(nip[12:14]) <= 12:
        errors.append(N_("Digits 13-14 of a PPPK number are a code, not a month; "
                         "is this a PNS NIP?"))
    if nip[14] not in "12":
        errors.append(N_("Digit 15 of the NIP (gender) must be 1 or 2."))
    return [Message(m) for m in errors]


def grade_error(grade: str, employment_status: str) -> Message | None:
    """Why ``grade`` is not valid for the status, or None."""
    allowed = PNS_GRADES if employment_status == "PNS" else PPPK_GRADES
    if grade in allowed:
        return None
    if employment_status == "PNS":
        return Message(N_("A PNS grade (golongan) is one of I/a to IV/e, e.g. III/b."))
    return Message(N_("A PPPK grade (golongan) is one of I to XVII, e.g. IX."))


def normalize_grade(grade: str) -> str:
    """``iii/B`` and ``III / b`` both become ``III/b``."""
    grade = grade.replace(" ", "")
    if "/" in grade:
        group, _, letter = grade.partition("/")
        return f"{group.upper()}/{letter.lower()}"
    return grade.upper()
