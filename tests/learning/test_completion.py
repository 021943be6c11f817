"""The completion service without HTTP: once per course, the certificate it issues,
the year JP are counted in."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from elearn.certificates.issue import CertificateSettings, reissue, revoke
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import completion
from elearn.models import Certificate, Course, CourseCompletion, User
from elearn.models.people import as_utc
from elearn.people.services import PersonData, create_user

from ..certificates.conftest import certificate_settings, complete_course
from ..conftest import PASSWORD
from ..content.helpers import make_course


def _completions(app):
    with app.app_context():
        return db.session.scalars(sa.select(CourseCompletion)).all()


def test_completion_service_is_idempotent(app, course, learner):
    learner.finish()
    with app.app_context():
        user = db.session.get(User, learner.account.id)
        course = db.session.scalar(sa.select(Course))
        first = completion.complete_course_if_done(user, course, certificate_settings())
        second = completion.complete_course_if_done(user, course, certificate_settings())
        db.session.commit()
        assert first.id == second.id
    assert len(_completions(app)) == 1


def test_the_certificate_is_numbered_and_dated_with_the_settings_passed_in(app, course,
                                                                          make_user):
    account = make_user("learner")
    papua = CertificateSettings(pattern="BKPSDM-{year}-{seq:05d}", tz="Asia/Jayapura")
    with app.app_context():
        complete_course(account.id, db.session.scalar(sa.select(Course.id)), papua)
        db.session.commit()
        done = db.session.scalar(sa.select(CourseCompletion))
        cert = db.session.scalar(sa.select(Certificate))
        assert cert.completion_id == done.id
        assert cert.number == f"BKPSDM-{datetime.now(ZoneInfo('Asia/Jayapura')).year}-00001"
        assert cert.completed_on == as_utc(done.completed_at).astimezone(
            ZoneInfo("Asia/Jayapura")).date()


def test_year_boundary_is_in_jakarta_time():
    start, end = completion.year_bounds(2026, "Asia/Jakarta")
    assert start == datetime(2025, 12, 31, 17, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 17, tzinfo=UTC)


def test_a_revoked_certificate_takes_its_jp_off_the_dashboard_and_reissue_gives_it_back(app):
    """JP go into personnel files: a revoked certificate's hours no longer count."""
    with app.app_context():
        course = save_course(make_course(slug="etika-jp")).course
        user = create_user(PersonData(nip="199204112019031005", full_name="Andi"), PASSWORD)
        admin = create_user(PersonData(nip="198003152005011002", full_name="Admin",
                                       role="admin"), PASSWORD)
        complete_course(user.id, course.id)
        year = datetime.now(UTC).year
        assert completion.jp_in_year(user, year, "UTC") == course.jp
        cert = db.session.scalar(sa.select(Certificate))
        revoke(cert, admin, "Bukan yang bersangkutan", "requirements_not_met")
        assert completion.jp_in_year(user, year, "UTC") == 0
        reissue(cert, admin, "Keputusan dibatalkan", pattern="{seq:04d}/ELN/{year}", tz="UTC")
        assert completion.jp_in_year(user, year, "UTC") == course.jp
