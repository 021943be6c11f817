"""Seed the scale-out database through the app's own services.

Run as ``python -m tests.scaleout.seed LEARNERS`` with the instances' environment
(``ELEARN_DATABASE_URL`` ...): one published course of two lessons, and LEARNERS
learners (a staff import: their password is hashed once, not once per account)
enrolled in it with the first lesson completed, so that marking the second one
completes the course and issues a certificate. Prints the NIPs as JSON.
"""

from __future__ import annotations

import json
import sys

import sqlalchemy as sa

from elearn import create_app
from elearn.certificates.issue import CertificateSettings
from elearn.content import CourseFiles
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import completion, progress
from elearn.models import User
from elearn.people.staff_import import apply_import, plan_import

from ..conftest import PASSWORD

SLUG = "etika-asn"
FILES = {
    "course.md": ("---\ntitle: Etika ASN\nsummary: Kode etik dan kode perilaku ASN.\njp: 2\n"
                  "competency: teknis\n---\nKode etik ASN.\n"),
    "01-pengantar.md": "---\ntitle: Pengantar\nminutes: 5\n---\nNilai dasar ASN.\n",
    "02-penutup.md": "---\ntitle: Penutup\nminutes: 5\n---\nRangkuman.\n",
}


def nip(serial: int) -> str:
    """A valid PNS NIP (born 1 January 1990, appointed October 2015) per serial."""
    return f"199001012015101{serial:03d}"


def seed(learners: int) -> dict[str, object]:
    app = create_app()
    with app.app_context():
        course = save_course(CourseFiles(slug=SLUG, files={
            path: text.encode() for path, text in FILES.items()}, label=SLUG)).course
        certificates = CertificateSettings.from_config(app.config)
        first_lesson, last_lesson = progress.published_modules(course)
        nips = [nip(serial) for serial in range(1, learners + 1)]
        staff = "nip,nama\n" + "".join(f"{n},Peserta Uji {n[-3:]}\n" for n in nips)
        apply_import(plan_import(staff.encode(), "peserta.csv"), initial_password=PASSWORD,
                     skip_invalid=False)
        # As if each had signed in once and chosen that password.
        db.session.execute(sa.update(User).values(must_change_password=False))
        for user in db.session.scalars(sa.select(User).order_by(User.nip)):
            completion.mark_completed(user, course, first_lesson, certificates=certificates)
        db.session.commit()
    return {"slug": SLUG, "last_lesson": last_lesson.slug, "nips": nips}


if __name__ == "__main__":
    print(json.dumps(seed(int(sys.argv[1]))))
