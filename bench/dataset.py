"""A realistic elearn database for the benchmarks, built in seconds.

    .venv/bin/python -m bench.dataset [--users N] [--courses N] [--url URL]

Courses go through the app's own import path (``elearn.courses.store.save_course``
on course folders assembled from the sample courses under content/), so lesson
HTML and quiz data are exactly what an import stores. Everything that grows with
the number of people (users, enrolments, progress, quiz attempts, completions,
certificates) is written with SQLAlchemy Core bulk inserts.

Full size (the default): 10 000 learners in 40 units, 20 courses of 15 modules
(12 lessons and 3 quizzes, real-sized Indonesian Markdown), 40 000 enrolments
(4 per learner: 2 completed, 2 in progress), 20 000 completions, each with its
certificate and a progress row on every module (300 000 rows), plus progress on the first half
of the courses in progress (about 70 000 rows), 50 000 submitted quiz attempts,
unit assignments of two courses with a due date, and one admin. The reports
page's cells are rebuilt after the bulk load (their triggers are off during it),
all fresh.

A SQLite dataset is kept under bench/.data/, keyed by its size and by a digest
of this file, the migrations and the sample content, so a second run reuses it
(``sqlite_dataset``); callers work on a copy (``working_copy``) because the
benchmark writes to it. A PostgreSQL database is rebuilt from an empty schema
each time (``build_postgresql``).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
#: Where built SQLite datasets are kept (ELEARN_BENCH_DATA overrides, e.g. for a test).
DATA = Path(os.environ.get("ELEARN_BENCH_DATA") or ROOT / "bench" / ".data")
CONTENT = ROOT / "content"
CHUNK = 5_000
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
YEAR = 2026
#: The password of every generated account (cheap hash: nobody signs in with it).
PASSWORD = "bench-rahasia-123"  # noqa: S105 - a benchmark database only


@dataclass(frozen=True)
class Size:
    """How big a dataset is. Per learner: ``completed`` courses finished, ``in_progress``
    courses started; ``attempts`` submitted quiz attempts in all."""

    users: int = 10_000
    units: int = 40
    courses: int = 20
    modules: int = 15
    completed: int = 2
    in_progress: int = 2
    attempts: int = 50_000

    @property
    def key(self) -> str:
        return (f"u{self.users}-n{self.units}-c{self.courses}-m{self.modules}"
                f"-d{self.completed}-p{self.in_progress}-a{self.attempts}")


FULL = Size()
#: The small end of the scaling check (1 000 users, 5 courses).
SMALL = Size(users=1_000, courses=5, attempts=5_000)
#: For the smoke test: a few seconds to build.
SMOKE = Size(users=120, units=4, courses=4, modules=5, completed=1, in_progress=2, attempts=80)
SMOKE_SMALL = Size(users=40, units=4, courses=3, modules=5, completed=1, in_progress=2,
                   attempts=20)


@dataclass
class Facts:
    """What the benchmark needs to know about a built dataset."""

    size: dict
    counts: dict
    admin_id: int
    #: Learners enrolled in ``course_slug`` with it in progress (the bench's learners).
    learner_ids: list[int]
    course_slug: str
    lesson_slug: str
    quiz_slug: str
    #: A valid certificate's verification code.
    certificate_code: str
    build_seconds: float


# --------------------------------------------------------------------------- content

def _samples() -> list[tuple[str, dict[str, bytes]]]:
    from elearn.content import find_course_folders, read_folder

    # Pre-tests are left out: the bench's courses are chapters of lessons, each with
    # its graded quiz, the same whether or not a sample course has a pre-test.
    return [(folder.name, {path: data for path, data in read_folder(folder).files.items()
                           if b"\nrole: pretest" not in data})
            for folder in find_course_folders(CONTENT)]


_LINK = re.compile(r"\]\((\d\d-[a-z0-9-]+\.md)\)")


def course_files(index: int, size: Size, samples):
    """Course ``index`` as a course folder: the description of one sample course and
    chapters of three lessons and a quiz taken from consecutive samples, renumbered,
    with the links between lessons pointing at their new file names."""
    from elearn.content import CourseFiles

    base_name, base = samples[index % len(samples)]
    lessons_per_quiz = 4  # every fifth module is a quiz
    files: dict[str, bytes] = {}
    position = 0
    chapter = 0
    while position < size.modules:
        name, sample = samples[(index + chapter) % len(samples)]
        ordered = sorted(p for p in sample if re.match(r"\d\d-", p))
        lessons = [p for p in ordered if b"\ntype: quiz" not in sample[p]]
        quizzes = [p for p in ordered if b"\ntype: quiz" in sample[p]]
        renamed: dict[str, str] = {}
        chosen: list[tuple[str, str]] = []
        for old in lessons[:lessons_per_quiz]:
            if position + len(chosen) >= size.modules - 1 and quizzes:
                break
            chosen.append((old, old[3:]))
        if quizzes and position + len(chosen) < size.modules:
            chosen.append((quizzes[0], f"kuis-{name}"[:90] + ".md"))
        for old, tail in chosen:
            position += 1
            renamed[old] = f"{position:02d}-{tail}"
        for old, new in renamed.items():
            text = sample[old].decode()
            text = _LINK.sub(lambda m, r=renamed: f"]({r.get(m.group(1), m.group(1))})"
                             if m.group(1) in r else "]", text)
            files[new] = text.encode()
        chapter += 1
        if chapter > 50:
            raise RuntimeError("the sample content has no lessons")
    description = base["course.md"].decode()
    title = re.search(r"^title: *\"?(.*?)\"?$", description, re.M).group(1)
    description = re.sub(r"^title: .*$", f'title: "{title} (Seri {index + 1})"', description,
                         count=1, flags=re.M)
    files["course.md"] = description.encode()
    slug = f"{base_name}-{index + 1:02d}"
    return CourseFiles(slug=slug, files=files, label=f"bench/{slug}")


# --------------------------------------------------------------------------- people

def nip(i: int) -> str:
    """A distinct 18-digit NIP for every i below 336 000."""
    return f"1990{1 + i // 28000:02d}{1 + i // 1000 % 28:02d}2015011{i % 1000:03d}"


def _insert(table, rows) -> int:
    """Insert ``rows`` (dicts), in chunks; with COPY on PostgreSQL (several times faster)."""
    from elearn.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        return _copy(table, rows)
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(sa.insert(table), batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(table), batch)
        total += len(batch)
    return total


def _copy(table, rows) -> int:
    import json

    from elearn.extensions import db

    rows = list(rows)
    if not rows:
        return 0
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # noqa: S608
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns and row[c] is not None
                            else row[c] for c in columns])
    return len(rows)


def _reset_sequences() -> None:
    """After rows inserted with their ids, PostgreSQL's sequences continue past them."""
    from elearn.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("units", "users", "course_completions", "certificates", "enrollments",
                  "module_progress", "quiz_attempts", "assignments"):
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


def _enrolled_courses(user: int, size: Size) -> list[int]:
    """Course indexes of ``user`` (0-based): the completed ones first, then those in
    progress. Learner u starts at course (u % courses), so every course has as many
    learners and the learners of course 0 in progress are easy to find."""
    count = min(size.courses, size.completed + size.in_progress)
    return [(user + j) % size.courses for j in range(count)]


def build(size: Size) -> Facts:
    """Fill the (migrated, empty) database of the current app context."""
    from werkzeug.security import generate_password_hash

    from elearn.courses.store import save_course
    from elearn.extensions import db
    from elearn.learning.quiz.attempts import _layout
    from elearn.models import (
        Assignment,
        Certificate,
        CertificateSequence,
        Course,
        CourseCompletion,
        Enrollment,
        Module,
        ModuleProgress,
        QuizAttempt,
        Unit,
        User,
    )
    from elearn.reporting import cell_triggers, report_cells

    started = time.perf_counter()
    samples = _samples()
    courses = [save_course(course_files(c, size, samples)).course for c in range(size.courses)]
    db.session.commit()
    modules: list[list[Module]] = [
        list(db.session.scalars(sa.select(Module).where(Module.course_id == course.id)
                                .order_by(Module.position)))
        for course in courses]
    layouts = {m.id: _layout(m, []) for ms in modules for m in ms if m.kind == "quiz"}

    password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    # The report cells' triggers would bump one cell per inserted row (on PostgreSQL
    # the same few rows tens of thousands of times in one transaction): off during the
    # bulk load, then every cell rebuilt fresh, so the first report view reads only.
    cell_triggers.drop(db.session.connection())
    _insert(Unit.__table__, ({"id": u + 1, "code": f"OPD{u + 1:02d}",
                              "name": f"Dinas Nomor {u + 1} Kota Medan", "created_at": START}
                             for u in range(size.units)))
    grades = ("II/c", "III/a", "III/b", "III/c", "III/d", "IV/a")
    admin_id = size.users + 1
    people = [
        {"id": i + 1, "nip": nip(i), "employment_status": "PNS" if i % 7 else "PPPK",
         "full_name": f"Pegawai Nomor {i} Siregar", "email": f"pegawai{i}@medan.go.id",
         "unit_id": i % size.units + 1, "position": "Analis Kebijakan Ahli Pertama",
         "grade": grades[i % len(grades)] if i % 7 else "IX", "place_of_birth": "Medan",
         "role": "learner", "active": True, "password_hash": password,
         "must_change_password": False, "created_at": START, "updated_at": START}
        for i in range(size.users)]
    people.append({**people[0], "id": admin_id, "nip": nip(size.users),
                   "full_name": "Admin Benchmark Harahap", "email": "admin@bench.example",
                   "unit_id": 1, "role": "admin", "employment_status": "PNS", "grade": "IV/a"})
    _insert(User.__table__, people)
    names = {p["id"]: (p["full_name"], p["nip"], p["unit_id"], p["grade"]) for p in people}

    enrolments, completions, certificates, progress, attempts = [], [], [], [], []
    quiz_rows = []  # (user, module, when) of passed quizzes, for attempts
    seq = 0
    for u in range(size.users):
        user_id = u + 1
        for j, c in enumerate(_enrolled_courses(u, size)):
            course, course_modules = courses[c], modules[c]
            enrolled = START + timedelta(days=u % 20, minutes=u % 600)
            done = j < size.completed
            # courses in progress: somewhere in their first half
            opened = len(course_modules) if done else (u * 7 + j) % (len(course_modules) // 2 + 1)
            last = course_modules[max(opened - 1, 0)]
            enrolments.append({"user_id": user_id, "course_id": course.id,
                               "enrolled_at": enrolled,
                               "last_module_id": last.id if opened else None,
                               "last_opened_at": enrolled + timedelta(days=opened)
                               if opened else None})
            for k, module in enumerate(course_modules[:opened]):
                when = enrolled + timedelta(days=k, hours=1)
                is_quiz = module.kind == "quiz"
                progress.append({"user_id": user_id, "module_id": module.id,
                                 "first_opened_at": when, "last_opened_at": when,
                                 "completed_at": when + timedelta(minutes=20),
                                 "best_score": 80.0 + (u + k) % 21 if is_quiz else None})
                if is_quiz:
                    quiz_rows.append((user_id, module.id, when))
            if done:
                seq += 1
                completed_at = enrolled + timedelta(days=len(course_modules), hours=2)
                completions.append({"id": seq, "user_id": user_id, "course_id": course.id,
                                    "completed_at": completed_at,
                                    "course_version": course.version, "final_score": 88.0,
                                    "jp": course.jp})
                full_name, number, unit_id, grade = names[user_id]
                certificates.append({
                    "completion_id": seq, "user_id": user_id, "course_id": course.id,
                    "number": f"{seq:04d}/ELN/{YEAR}", "year": YEAR, "seq": seq,
                    "code": base64.b32encode(hashlib.sha256(
                        f"bench-{seq}".encode()).digest()[:10]).decode(),
                    "status": "valid", "issued_at": completed_at, "full_name": full_name,
                    "nip": number, "place_of_birth": "Medan",
                    "unit_name": f"Dinas Nomor {unit_id} Kota Medan",
                    "position": "Analis Kebijakan Ahli Pertama", "grade": grade,
                    "course_title": course.title, "competency": course.competency,
                    "jp": course.jp, "completed_on": completed_at.date()})
    for n, (user_id, module_id, when) in enumerate(quiz_rows[:size.attempts]):
        layout = layouts[module_id]
        attempts.append({
            "user_id": user_id, "module_id": module_id, "number": 1, "started_at": when,
            "submitted_at": when + timedelta(minutes=12), "layout": layout,
            "answers": {}, "feedback": [], "score": 80.0 + n % 21, "passed": True})
    _insert(Enrollment.__table__, enrolments)
    _insert(ModuleProgress.__table__, progress)
    _insert(QuizAttempt.__table__, attempts)
    _insert(CourseCompletion.__table__, completions)
    _insert(Certificate.__table__, certificates)
    if seq:
        _insert(CertificateSequence.__table__, [{"year": YEAR, "last_value": seq}])
    _insert(Assignment.__table__, (
        {"course_id": courses[c].id, "unit_id": unit + 1, "due_date": date(YEAR, 12, 15),
         "created_at": START}
        for c in range(min(2, size.courses)) for unit in range(size.units)))
    _reset_sequences()
    cell_triggers.create(db.session.connection())
    report_cells.rebuild(db.session.connection())
    db.session.commit()
    _analyze()

    course_index = 0
    learners = [u + 1 for u in range(size.users)
                if course_index in _enrolled_courses(u, size)[size.completed:]]
    first = modules[course_index]
    counts = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for name, model in (("users", User), ("units", Unit), ("courses", Course),
                                  ("modules", Module), ("enrolments", Enrollment),
                                  ("module progress", ModuleProgress),
                                  ("quiz attempts", QuizAttempt),
                                  ("completions", CourseCompletion),
                                  ("certificates", Certificate), ("assignments", Assignment))}
    return Facts(
        size=asdict(size), counts=counts, admin_id=admin_id, learner_ids=learners,
        course_slug=courses[course_index].slug,
        lesson_slug=next(m.slug for m in first if m.kind == "lesson"),
        quiz_slug=next(m.slug for m in first if m.kind == "quiz"),
        certificate_code=certificates[0]["code"] if certificates else "",
        build_seconds=round(time.perf_counter() - started, 1))


def _analyze() -> None:
    """Fresh planner statistics, as a database that has lived a while has."""
    from elearn.extensions import db

    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


# --------------------------------------------------------------------------- databases

def app_for(url: str, instance: str | None = None):
    from elearn import create_app

    return create_app({"DATABASE_URL": url}, profile="test",
                      instance_path=instance or tempfile.mkdtemp(prefix="elearn-bench-"))


def _migrate_and_build(url: str, size: Size) -> Facts:
    from flask_migrate import upgrade

    from elearn.extensions import db

    app = app_for(url)
    with app.app_context():
        upgrade()
        facts = build(size)
        db.session.remove()
        db.engine.dispose()
    return facts


def _fingerprint() -> str:
    """Changes whenever the schema, this builder or the sample content changes."""
    digest = hashlib.sha256()
    paths = [Path(__file__)] + sorted((ROOT / "migrations" / "versions").glob("*.py")) \
        + sorted(CONTENT.rglob("*.md"))
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def sqlite_dataset(size: Size, *, quiet: bool = False) -> tuple[Path, Facts]:
    """The cached SQLite file for ``size`` (built now if missing) and its facts."""
    import json

    DATA.mkdir(parents=True, exist_ok=True)
    stem = f"elearn-{size.key}-{_fingerprint()}"
    path, facts_path = DATA / f"{stem}.sqlite3", DATA / f"{stem}.json"
    if path.exists() and facts_path.exists():
        return path, Facts(**json.loads(facts_path.read_text()))
    for old in DATA.glob(f"elearn-{size.key}-*"):
        old.unlink()
    if not quiet:
        print(f"building SQLite dataset {size.key} ...", flush=True)
    tmp = DATA / f"{stem}.building-{os.getpid()}.sqlite3"
    try:
        facts = _migrate_and_build(f"sqlite:///{tmp}", size)
        _checkpoint(tmp)
        tmp.replace(path)
    finally:
        for leftover in DATA.glob(f"{tmp.name}*"):
            leftover.unlink()
    facts_path.write_text(json.dumps(asdict(facts)))
    if not quiet:
        print(f"  built in {facts.build_seconds} s: {_counts_text(facts)}", flush=True)
    return path, facts


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file so a copy of the one file is the whole database."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def working_copy(path: Path, folder: Path) -> str:
    """Copy the cached database into ``folder`` and return its URL (the benchmark writes)."""
    target = folder / "bench.sqlite3"
    shutil.copyfile(path, target)
    return f"sqlite:///{target}"


def build_postgresql(url: str, size: Size, *, quiet: bool = False) -> Facts:
    """Empty the database at ``url`` (drop and recreate its public schema) and build."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    if not quiet:
        print(f"building PostgreSQL dataset {size.key} ...", flush=True)
    facts = _migrate_and_build(url, size)
    if not quiet:
        print(f"  built in {facts.build_seconds} s: {_counts_text(facts)}", flush=True)
    return facts


def _counts_text(facts: Facts) -> str:
    return ", ".join(f"{n} {name}" for name, n in facts.counts.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=FULL.users)
    parser.add_argument("--courses", type=int, default=FULL.courses)
    parser.add_argument("--url", help="a PostgreSQL URL to rebuild instead of the SQLite cache")
    args = parser.parse_args(argv)
    scale = args.users / FULL.users
    size = Size(users=args.users, courses=args.courses, attempts=int(FULL.attempts * scale))
    if args.url:
        build_postgresql(args.url, size)
    else:
        path, facts = sqlite_dataset(size)
        print(f"{path} ({path.stat().st_size / 2**20:.0f} MB): {_counts_text(facts)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
