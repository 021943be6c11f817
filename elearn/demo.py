"""Demo data for trying the platform: units of Kota Medan and one account per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from .content import find_course_folders, read_folder
from .courses.store import save_course
from .extensions import db
from .models import User
from .people.services import PersonData, upsert_unit, upsert_user

#: The sample courses shipped with the platform.
SAMPLE_CONTENT = Path(__file__).resolve().parent.parent / "content"

DEMO_PASSWORD = "belajar-asn"  # noqa: S105 - published on purpose for the demo accounts

DEMO_UNITS = [
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DINKES", "Dinas Kesehatan"),
]

DEMO_PEOPLE = [
    PersonData(nip="198003152005011002", full_name="Rahmat Hidayat Siregar", role="admin",
               email="admin@demo.example", unit_code="BKPSDM",
               position="Kepala Bidang Pengembangan Kompetensi", grade="IV/a",
               place_of_birth="Medan"),
    PersonData(nip="198507202010012001", full_name="Dra. Sri Wahyuni Nasution", role="instructor",
               email="pengajar@demo.example", unit_code="BKPSDM", position="Widyaiswara Ahli Muda",
               grade="III/d", place_of_birth="Padangsidempuan"),
    PersonData(nip="199204112019031005", full_name="Andi Pratama Lubis", role="learner",
               email="peserta@demo.example", unit_code="DISKOMINFO", position="Pranata Komputer",
               grade="III/a", place_of_birth="Medan"),
]


@dataclass
class DemoSummary:
    units: int = 0
    accounts: int = 0
    created: int = 0
    demo_accounts: list[User] = field(default_factory=list)
    #: (slug, outcome) of each sample course.
    courses: list[tuple[str, str]] = field(default_factory=list)


def load_demo(content: Path | None = SAMPLE_CONTENT) -> DemoSummary:
    """Create or refresh the demo data; running it twice leaves the same state.

    Sample courses are imported through the same checker and store as
    ``flask content import``; a course with problems stops the whole load.
    """
    summary = DemoSummary()
    for code, name in DEMO_UNITS:
        upsert_unit(code, name)
        summary.units += 1
    for person in DEMO_PEOPLE:
        existed = db.session.scalar(sa.select(User.id).where(User.nip == person.nip)) is not None
        user = upsert_user(person, DEMO_PASSWORD)
        # Demo accounts always open with the published password.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.active = True
        user.must_change_password = False
        summary.accounts += 1
        summary.created += 0 if existed else 1
        summary.demo_accounts.append(user)
    if content is not None and content.is_dir():
        for folder in find_course_folders(content):
            result = save_course(read_folder(folder))
            summary.courses.append((result.course.slug, result.outcome))
    db.session.flush()
    return summary
