"""Time the completion exports on 100 000 enrolments and show that memory stays bounded.

    .venv/bin/python bench/export_100k.py [USERS] [COURSES]

Builds a temporary SQLite database (USERS x COURSES enrolments, 2 000 x 50 by
default; 40 % completed with a certificate, the rest part way), then exports
the completion list as CSV and as XLSX, and the SIASN list as CSV. Each export
runs twice: once for the wall time, once under tracemalloc for the peak of
Python allocations (tracemalloc slows the run down). The process's peak
resident size (ru_maxrss) is printed before and after the exports.
"""

from __future__ import annotations

import base64
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from elearn import create_app  # noqa: E402
from elearn.extensions import db  # noqa: E402
from elearn.models import (  # noqa: E402
    Certificate,
    Course,
    CourseCompletion,
    Enrollment,
    Module,
    ModuleProgress,
    Unit,
    User,
)
from elearn.reporting import exports  # noqa: E402
from elearn.reporting.filters import CompletionFilters  # noqa: E402

UNITS = 25
MODULES = 3  # lesson, lesson, quiz
CHUNK = 10_000
COMPLETED_SHARE = 0.4
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


def nip(i: int) -> str:
    """A distinct 18-digit NIP for every i below 336 000."""
    return f"1990{1 + i // 28000:02d}{1 + i // 1000 % 28:02d}2015011{i % 1000:03d}"


def insert(table, rows) -> None:
    """Insert ``rows`` (an iterable of dicts) in chunks of CHUNK, without ORM objects."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(sa.insert(table), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(table), batch)


def build(users: int, courses: int) -> dict[str, int]:
    password = generate_password_hash("rahasia-123", method="pbkdf2:sha256:1")
    insert(Unit.__table__, ({"id": u + 1, "code": f"UNIT{u + 1:02d}",
                             "name": f"Dinas Nomor {u + 1} Kota Medan", "created_at": START}
                            for u in range(UNITS)))
    insert(User.__table__, (
        {"id": i + 1, "nip": nip(i), "employment_status": "PNS",
         "full_name": f"Pegawai Nomor {i} Siregar", "unit_id": i % UNITS + 1,
         "position": "Analis Kebijakan Ahli Pertama", "grade": "III/a", "role": "learner",
         "active": True, "password_hash": password, "must_change_password": False,
         "created_at": START, "updated_at": START}
        for i in range(users)))
    insert(Course.__table__, (
        {"id": c + 1, "slug": f"kursus-{c + 1}", "title": f"Kursus Pengembangan Kompetensi {c + 1}",
         "summary": "Ringkasan.", "jp": 2 + c % 5, "competency": "teknis", "level": "dasar",
         "restricted": False, "min_reading_percent": 0, "status": "published",
         "source": "---\n---\n", "description_html": "", "version": 1, "content_hash": "0" * 64,
         "created_at": START, "updated_at": START, "published_at": START}
        for c in range(courses)))
    insert(Module.__table__, (
        {"id": c * MODULES + m + 1, "course_id": c + 1, "slug": f"modul-{m + 1}",
         "position": m + 1, "title": f"Modul {m + 1}", "kind": "quiz" if m == MODULES - 1
         else "lesson", "minutes": 10, "status": "published", "source": "", "body_html": "",
         "quiz": {"questions": []} if m == MODULES - 1 else None, "shuffle": False,
         "shuffle_questions": False, "created_at": START, "updated_at": START}
        for c in range(courses) for m in range(MODULES)))

    def pairs():
        for u in range(users):
            for c in range(courses):
                yield u * courses + c, u + 1, c + 1

    def completed(n: int) -> bool:
        return n % 10 < COMPLETED_SHARE * 10

    insert(Enrollment.__table__, (
        {"id": n + 1, "user_id": u, "course_id": c,
         "enrolled_at": START + timedelta(minutes=n % 500_000)} for n, u, c in pairs()))
    insert(CourseCompletion.__table__, (
        {"id": n + 1, "user_id": u, "course_id": c,
         "completed_at": START + timedelta(days=30, minutes=n % 500_000), "course_version": 1,
         "final_score": 85.0, "jp": 2 + (c - 1) % 5}
        for n, u, c in pairs() if completed(n)))
    insert(Certificate.__table__, (
        {"completion_id": n + 1, "user_id": u, "course_id": c, "number": f"{n + 1:06d}/ELN/2026",
         "year": 2026, "seq": n + 1, "code": base64.b32encode(n.to_bytes(10, "big")).decode(),
         "status": "valid", "issued_at": START, "full_name": f"Pegawai Nomor {u - 1} Siregar",
         "nip": nip(u - 1), "course_title": f"Kursus Pengembangan Kompetensi {c}",
         "competency": "teknis", "jp": 2 + (c - 1) % 5, "completed_on": date(2026, 2, 4)}
        for n, u, c in pairs() if completed(n)))

    def progress():
        for n, u, c in pairs():
            first = (c - 1) * MODULES + 1
            if completed(n):
                for m in range(MODULES):
                    yield {"user_id": u, "module_id": first + m, "first_opened_at": START,
                           "last_opened_at": START, "completed_at": START,
                           "best_score": 80.0 + n % 21 if m == MODULES - 1 else None}
            elif n % 2:
                yield {"user_id": u, "module_id": first, "first_opened_at": START,
                       "last_opened_at": START, "completed_at": START, "best_score": None}

    insert(ModuleProgress.__table__, progress())
    db.session.commit()
    count = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
             for name, model in (("enrolments", Enrollment), ("completions", CourseCompletion),
                                 ("certificates", Certificate),
                                 ("module progress rows", ModuleProgress))}
    return count


def maxrss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def export_csv(header, rows, path: Path) -> None:
    with path.open("wb") as fh:
        for chunk in exports.stream_csv(header, rows):
            fh.write(chunk)


def measure(label: str, run) -> None:
    db.session.remove()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    db.session.remove()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db.session.remove()
    print(f"{label:<22} {seconds:7.2f} s   tracemalloc peak {peak / 2**20:6.1f} MB   "
          f"ru_maxrss so far {maxrss_mb():6.1f} MB")


def main(users: int = 2000, courses: int = 50) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        app = create_app({"DATABASE_URL": url}, profile="test", instance_path=tmp)
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            counts = build(users, courses)
            print(f"built in {time.perf_counter() - start:.1f} s: "
                  + ", ".join(f"{n} {name}" for name, n in counts.items()))
            db_size = sum(f.stat().st_size for f in folder.glob("bench.sqlite3*"))
            print(f"database size {db_size / 2**20:.1f} MB; ru_maxrss before exports "
                  f"{maxrss_mb():.1f} MB")
            everything = CompletionFilters()
            csv_path, xlsx_path = folder / "penyelesaian.csv", folder / "penyelesaian.xlsx"
            siasn_path = folder / "siasn.csv"
            measure("completions CSV", lambda: export_csv(
                exports.COMPLETION_HEADER, exports.completion_export_rows(everything), csv_path))
            measure("completions XLSX", lambda: exports.write_xlsx(
                exports.COMPLETION_HEADER, exports.completion_export_rows(everything),
                xlsx_path))
            measure("SIASN CSV", lambda: export_csv(
                exports.SIASN_HEADER, exports.siasn_rows(everything, "BKPSDM Kota Medan"),
                siasn_path))
            for path in (csv_path, xlsx_path, siasn_path):
                print(f"{path.name:<22} {os.path.getsize(path) / 2**20:7.1f} MB")
            with csv_path.open("rb") as fh:
                lines = sum(1 for _ in fh) - 1
            print(f"completion CSV rows: {lines}")
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
