"""One certificate per completion, its number and its code."""

import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from elearn.certificates.issue import (
    CertificateError,
    issue_certificate,
    mask_nip,
    new_code,
    next_number,
    normalize_code,
    revoke,
)
from elearn.extensions import db
from elearn.models import Certificate, CertificateSequence, CourseCompletion, User

from .conftest import complete_course


def test_completion_issues_exactly_one_certificate(app, completed):
    user_id, course_id, code = completed
    with app.app_context():
        certs = db.session.scalars(sa.select(Certificate)).all()
        assert len(certs) == 1
        cert = certs[0]
        year = datetime.now().year
        assert (cert.number, cert.seq, cert.year) == (f"0001/ELN/{year}", 1, year)
        assert (cert.full_name, cert.nip, cert.jp, cert.status) == (
            "Andi Pratama Lubis", "199204112019031005", 2, "valid")
        assert cert.birth_date.isoformat() == "1992-04-11"
        assert cert.unit_name == "Dinas Komunikasi dan Informatika"
        # Issuing again for the same completion returns the same certificate.
        completion = db.session.scalar(sa.select(CourseCompletion))
        again = issue_certificate(completion, pattern="{seq:04d}/ELN/{year}", tz="Asia/Jakarta")
        assert again.id == cert.id
        complete_course(user_id, course_id)  # nothing new to complete
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_the_database_allows_one_current_certificate_per_learner_and_course(app, completed):
    with app.app_context():
        cert = db.session.scalar(sa.select(Certificate))
        db.session.add(Certificate(
            completion_id=cert.completion_id, user_id=cert.user_id, course_id=cert.course_id,
            number="9999/ELN/2026", year=2026, seq=9999, code=new_code(),
            full_name=cert.full_name, nip=cert.nip, course_title=cert.course_title,
            competency=cert.competency, jp=cert.jp, completed_on=cert.completed_on))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_numbers_count_per_year_without_gaps(app):
    with app.app_context():
        assert [next_number(2026) for _ in range(3)] == [1, 2, 3]
        assert next_number(2027) == 1
        db.session.rollback()  # a rolled-back issue gives its number back
        assert next_number(2026) == 1
        db.session.commit()
        assert db.session.get(CertificateSequence, 2026).last_value == 1


def test_number_pattern_is_configurable(app, completed):
    with app.app_context():
        completion = db.session.scalar(sa.select(CourseCompletion))
        cert = db.session.scalar(sa.select(Certificate))
        cert.status = "replaced"
        db.session.flush()
        other = issue_certificate(completion, pattern="BKPSDM-{year}-{seq:05d}", tz="Asia/Jakarta")
        assert re.fullmatch(r"BKPSDM-\d{4}-00002", other.number)
        db.session.rollback()


def test_codes_are_80_random_bits_in_typeable_characters():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[A-Z2-7]{16}", c) for c in codes)  # 16 x 5 bits = 80 bits


def test_typed_codes_are_normalised():
    assert normalize_code("abcd-efgh ijkl-mnop") == "ABCDEFGHIJKLMNOP"
    assert normalize_code("0I8B") == "OIBB"  # zero, one and eight typed by mistake


def test_nip_is_masked_for_the_public():
    assert mask_nip("199204112019031005") == "1992**********1005"


def test_a_revocation_needs_a_known_category_and_the_database_insists(app, completed):
    with app.app_context():
        cert = db.session.scalar(sa.select(Certificate))
        admin = db.session.scalar(sa.select(User))
        with pytest.raises(CertificateError):
            revoke(cert, admin, "Alasan", "bosan")
        assert cert.status == "valid"
        revoke(cert, admin, "Data salah ketik", "data_error")
        db.session.commit()
        assert (cert.status, cert.revoke_category) == ("revoked", "data_error")
        # Past the service, the database still refuses a revocation without a category.
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(Certificate).values(revoke_category=None))
        db.session.rollback()
