"""Time the completion exports on 100 000 enrolments against issue 13's budgets.

    .venv/bin/python bench/export_100k.py [USERS] [COURSES] [REPEATS]

Builds a temporary SQLite database (USERS x COURSES enrolments, 2 000 x 50 by
default; 40 % completed with a certificate, the rest part way), then exports
the completion list as CSV and as XLSX, and the SIASN list as CSV, REPEATS
times each (3 by default), and prints the best wall and CPU (process) time of
each against its budget: CSV >= 100 000 rows/s, XLSX >= 25 000 rows/s (SIASN
has none). The budgets hold for wall time on a quiet machine; on a busy one
the CPU figure says what the code costs. Memory: each export runs once more in
a fresh process on this database and on one of 1 000 enrolments (20 x 50); the
peak resident size and the peak of Python allocations (tracemalloc) may grow
by at most 30 MB from 1 000 to 100 000 rows.

Prints PASS or FAIL per figure, saves everything as JSON under bench/results/
(``bench.results.save``) and exits 0 either way (a runner collects the verdicts).
"""

from __future__ import annotations

import base64
import json
import os
import resource
import subprocess
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

from bench.results import save  # noqa: E402
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


#: rows/s each export must reach (issue 13); None: measured, no budget.
BUDGETS = {"completions CSV": 100_000, "completions XLSX": 25_000, "SIASN CSV": None}
#: Most that 100 000 rows may use over 1 000 (MB).
MEMORY_BUDGET_MB = 30
SMALL = (20, 50)  # 1 000 enrolments


def maxrss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def export_csv(header, rows, path: Path) -> None:
    with path.open("wb") as fh:
        for chunk in exports.stream_csv(header, rows):
            fh.write(chunk)


def exporters(folder: Path) -> dict:
    """Each export as a function writing its file under ``folder``."""
    everything = CompletionFilters()
    return {
        "completions CSV": lambda: export_csv(
            exports.COMPLETION_HEADER, exports.completion_export_rows(everything),
            folder / "penyelesaian.csv"),
        "completions XLSX": lambda: exports.write_xlsx(
            exports.COMPLETION_HEADER, exports.completion_export_rows(everything),
            folder / "penyelesaian.xlsx"),
        "SIASN CSV": lambda: export_csv(
            exports.SIASN_HEADER, exports.siasn_rows(everything, "BKPSDM Kota Medan"),
            folder / "siasn.csv"),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def app_for(folder: Path, name: str):
    url = f"sqlite:///{folder / name}"
    return create_app({"DATABASE_URL": url}, profile="test", instance_path=str(folder))


def timed(run, repeats: int) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``repeats`` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        db.session.remove()
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    db.session.remove()
    return min(walls), min(cpus)


def child(folder: str, name: str, label: str) -> int:
    """In a fresh process: run one export once, print its peak RSS and Python allocations."""
    path = Path(folder)
    app = app_for(path, name)
    with app.app_context(), tempfile.TemporaryDirectory() as out:
        tracemalloc.start()
        exporters(Path(out))[label]()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"rss_mb": round(maxrss_mb(), 1), "tracemalloc_mb": round(peak / 2**20, 1)}))
    return 0


def memory_of(folder: Path, name: str, label: str) -> dict:
    done = subprocess.run(  # noqa: S603 (this script, its own arguments)
        [sys.executable, __file__, "--child", str(folder), name, label],
        capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_database(folder: Path, name: str, users: int, courses: int) -> dict[str, int]:
    app = app_for(folder, name)
    with app.app_context():
        upgrade()
        counts = build(users, courses)
        db.session.remove()
        db.engine.dispose()
    return counts


def main(users: int = 2000, courses: int = 50, repeats: int = 3) -> int:
    import logging
    logging.getLogger("alembic").setLevel(logging.WARNING)
    results: dict = {"users": users, "courses": courses, "repeats": repeats, "exports": {},
                     "memory": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        counts = build_database(folder, "bench.sqlite3", users, courses)
        build_database(folder, "small.sqlite3", *SMALL)
        print(f"built in {time.perf_counter() - start:.1f} s: "
              + ", ".join(f"{n} {name}" for name, n in counts.items()))
        results["dataset"] = counts
        app = app_for(folder, "bench.sqlite3")
        with app.app_context():
            out = folder / "out"
            out.mkdir()
            for label, run in exporters(out).items():
                wall, cpu = timed(run, repeats)
                if label == "SIASN CSV":
                    with (out / "siasn.csv").open("rb") as fh:
                        rows = sum(1 for _ in fh) - 1
                else:
                    rows = counts["enrolments"]
                budget = BUDGETS[label]
                figure = {"rows": rows, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                          "rows_per_s_wall": round(rows / wall),
                          "rows_per_s_cpu": round(rows / cpu), "budget_rows_per_s": budget}
                line = (f"{label:<17} {rows:>7} rows  wall {wall:6.2f} s = {rows / wall:>8,.0f} "
                        f"rows/s  CPU {cpu:6.2f} s = {rows / cpu:>8,.0f} rows/s")
                if budget:
                    figure["pass"] = rows / wall >= budget
                    figure["pass_cpu"] = rows / cpu >= budget
                    line += (f"  budget >= {budget:,}: {verdict(figure['pass'])}"
                             f" (on CPU time: {verdict(figure['pass_cpu'])})")
                results["exports"][label] = figure
                print(line)
            db.session.remove()
            db.engine.dispose()
        for label in ("completions CSV", "completions XLSX", "SIASN CSV"):
            small = memory_of(folder, "small.sqlite3", label)
            big = memory_of(folder, "bench.sqlite3", label)
            rss = big["rss_mb"] - small["rss_mb"]
            traced = big["tracemalloc_mb"] - small["tracemalloc_mb"]
            ok = rss <= MEMORY_BUDGET_MB and traced <= MEMORY_BUDGET_MB
            results["memory"][label] = {"small": small, "large": big,
                                        "rss_growth_mb": round(rss, 1),
                                        "tracemalloc_growth_mb": round(traced, 1),
                                        "budget_mb": MEMORY_BUDGET_MB, "pass": ok}
            print(f"{label:<17} memory 1 000 -> {counts['enrolments']:,} rows: peak RSS "
                  f"{small['rss_mb']:.1f} -> {big['rss_mb']:.1f} MB (+{rss:.1f}), Python "
                  f"{small['tracemalloc_mb']:.1f} -> {big['tracemalloc_mb']:.1f} MB "
                  f"(+{traced:.1f})  budget <= +{MEMORY_BUDGET_MB} MB: {verdict(ok)}")
    results["load_average"] = os.getloadavg()
    print(f"load average {results['load_average'][0]:.2f} on {os.cpu_count()} CPUs; "
          f"results: {save('export_100k', results)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(child(*sys.argv[2:5]))
    sys.exit(main(*(int(a) for a in sys.argv[1:4])))
