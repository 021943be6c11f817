"""A learner who has completed the sample course, with the certificate it issued."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from flask import current_app
from pypdf import PdfReader

from elearn.certificates.issue import CertificateSettings
from elearn.certificates.pdf import Issuer
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import completion, progress, quiz
from elearn.models import Certificate, Course, Module, User
from elearn.people.services import PersonData, create_user, upsert_unit

from ..content.helpers import make_course

NIP = "199204112019031005"
ISSUER = Issuer("BKPSDM Kota Medan", "Dr. Ahmad Syahputra Harahap, M.Si.",
                "Kepala Badan Kepegawaian dan Pengembangan SDM", "197508172000031002")
URL = "https://elearn.medan.go.id/verify/ABCDEFGHIJKLMNOP"


def make_certificate(**changes) -> Certificate:
    """An unsaved certificate with ordinary facts, ``changes`` applied."""
    values = dict(number="0042/ELN/2026", code="ABCDEFGHIJKLMNOP",
                  full_name="Andi Pratama Lubis", nip=NIP,
                  place_of_birth="Medan", birth_date=date(1992, 4, 11),
                  unit_name="Dinas Komunikasi dan Informatika", position="Pranata Komputer",
                  grade="III/a", course_title="Pelayanan Publik yang Prima", competency="teknis",
                  jp=4, completed_on=date(2026, 11, 22))
    values.update(changes)
    return Certificate(**values)


def pdf_text(data: bytes) -> str:
    """The one page's text as a PDF parser reads it, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def certificate_settings() -> CertificateSettings:
    """The app's certificate settings, built as the web builds them (in an app context)."""
    return CertificateSettings.from_config(current_app.config)


def complete_course(user_id: int, course_id: int,
                    certificates: CertificateSettings | None = None) -> None:
    """Finish every module through the real services (lessons marked, quiz passed),
    with the app's certificate settings unless others are given."""
    certificates = certificates or certificate_settings()
    user = db.session.get(User, user_id)
    course = db.session.get(Course, course_id)
    done = progress.progress_map(user, progress.published_modules(course))
    for module in progress.published_modules(course):
        if module.id in done and done[module.id].completed_at is not None:
            continue
        if module.kind == "lesson":
            completion.mark_completed(user, course, module, certificates=certificates)
        else:
            attempt = quiz.start_attempt(user, course, module, certificates=certificates)
            answers = {}
            for q in module.quiz["questions"]:
                if q["kind"] == "short_answer":
                    answers[q["key"]] = q["answers"][0]
                else:
                    answers[q["key"]] = [o["key"] for o in q["options"] if o["correct"]]
            quiz.submit_attempt(user, course, module, attempt, answers,
                                certificates=certificates)


@pytest.fixture
def completed(app):
    """(user id, course id, certificate code) after a real completion."""
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        user = create_user(PersonData(
            nip=NIP, full_name="Andi Pratama Lubis", unit_code="DISKOMINFO",
            position="Pranata Komputer", grade="III/a", place_of_birth="Medan"),
            "Tugas-Belajar-2026", must_change_password=False)
        course = save_course(make_course()).course
        db.session.commit()
        complete_course(user.id, course.id)
        db.session.commit()
        cert = db.session.scalar(sa.select(Certificate))
        return user.id, course.id, cert.code


def quiz_module(app):
    with app.app_context():
        return db.session.scalar(sa.select(Module).where(Module.kind == "quiz"))
