"""Time the bulk staff import on 10 000 rows against issue 13's budget.

    .venv/bin/python bench/import_10k.py [ROWS] [REPEATS]

On a temporary SQLite database, plans and applies a file of ROWS (10 000) new
staff REPEATS times (3, each on a fresh database) and prints the best wall and
CPU (process) time of plan + apply against the budget: under 1 second (for
wall time on a quiet machine; the CPU figure says what the code costs on a busy
one). Then, as information, a second import of the same file (every row
unchanged) and one where every row changed (updates).

Prints PASS or FAIL, saves the figures as JSON under bench/results/
(``bench.results.save``) and exits 0 either way.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from bench.results import save  # noqa: E402
from elearn import create_app  # noqa: E402
from elearn.extensions import db  # noqa: E402
from elearn.people.services import upsert_unit  # noqa: E402
from elearn.people.staff_import import apply_import, plan_import  # noqa: E402

UNITS = ("DISKOMINFO", "BKPSDM", "DINKES", "DISDIK", "BAPPEDA")
GRADES = ("II/c", "III/a", "III/b", "III/c", "IV/a")
ROLES = ("peserta", "peserta", "peserta", "pengajar", "")
#: Plan + apply of 10 000 new rows (seconds).
BUDGET_S = 1.0


def nip(i: int) -> str:
    """A distinct valid PNS NIP for every i below 336 000."""
    return f"1990{1 + i // 28000:02d}{1 + i // 1000 % 28:02d}2015011{i % 1000:03d}"


def staff_csv(rows: int, position: str = "Analis Kebijakan") -> bytes:
    lines = ["nip;nama;email;unit_kode;jabatan;golongan;peran;status;tempat_lahir"]
    for i in range(rows):
        lines.append(";".join([
            nip(i), f"Pegawai Nomor {i}", f"pegawai{i}@medan.go.id", UNITS[i % len(UNITS)],
            position, GRADES[i % len(GRADES)], ROLES[i % len(ROLES)], "PNS", "Medan",
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


class Clock:
    """Wall and CPU seconds of one step."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def apply(plan):
    result = apply_import(plan, initial_password="sandi-awal-2026",  # noqa: S106
                          skip_invalid=False)
    db.session.commit()
    return result


def fresh_app(folder: str):
    app = create_app({"DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}"},
                     profile="test", instance_path=folder)
    with app.app_context():
        upgrade()
        for code in UNITS:
            upsert_unit(code, f"Unit {code}")
        db.session.commit()
    return app


def first_import(data: bytes, rows: int) -> dict:
    """Plan and apply ``data`` (all new) on a fresh database; the seconds of each step."""
    with tempfile.TemporaryDirectory() as tmp:
        app = fresh_app(tmp)
        with app.app_context():
            clock = Clock()
            plan = plan_import(data, "bench.csv")
            plan_wall, plan_cpu = clock.stop()
            assert not plan.problems, plan.problems[:5]
            assert plan.to_create == rows
            clock = Clock()
            result = apply(plan)
            apply_wall, apply_cpu = clock.stop()
            assert result.created == rows, result
            db.session.remove()
            db.engine.dispose()
    return {"plan_wall_s": plan_wall, "plan_cpu_s": plan_cpu, "apply_wall_s": apply_wall,
            "apply_cpu_s": apply_cpu, "wall_s": plan_wall + apply_wall,
            "cpu_s": plan_cpu + apply_cpu}


def again_and_updated(data: bytes, rows: int) -> dict:
    """A second import of the same file, then one where every row changed."""
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = fresh_app(tmp)
        with app.app_context():
            apply(plan_import(data, "bench.csv"))
            for label, content, check in (
                    ("unchanged", data, lambda p: p.unchanged == rows),
                    ("update", staff_csv(rows, position="Pranata Komputer"),
                     lambda p: p.to_update == rows)):
                clock = Clock()
                plan = plan_import(content, "bench.csv")
                assert check(plan), (plan.to_create, plan.to_update, plan.unchanged)
                apply(plan)
                wall, cpu = clock.stop()
                figures[label] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
            db.session.remove()
            db.engine.dispose()
    return figures


def main(rows: int = 10_000, repeats: int = 3) -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    data = staff_csv(rows)
    print(f"{rows} rows, {len(data) / 1024:.0f} KiB CSV, SQLite, {repeats} runs")
    runs = [first_import(data, rows) for _ in range(repeats)]
    best = min(runs, key=lambda r: r["wall_s"])
    best_cpu = min(r["cpu_s"] for r in runs)
    budget = BUDGET_S * rows / 10_000
    ok, ok_cpu = best["wall_s"] < budget, best_cpu < budget
    print(f"plan {best['plan_wall_s']:.2f} s + apply {best['apply_wall_s']:.2f} s (best run)")
    print(f"new staff, plan + apply: wall {best['wall_s']:.2f} s = "
          f"{rows / best['wall_s']:,.0f} rows/s  CPU {best_cpu:.2f} s  "
          f"budget < {budget:.2f} s: {'PASS' if ok else 'FAIL'} "
          f"(on CPU time: {'PASS' if ok_cpu else 'FAIL'})")
    others = again_and_updated(data, rows)
    for label, figure in others.items():
        print(f"{label}, plan + apply: wall {figure['wall_s']:.2f} s  "
              f"CPU {figure['cpu_s']:.2f} s (no budget)")
    results = {
        "rows": rows, "repeats": repeats,
        "new": {"runs": [{k: round(v, 3) for k, v in r.items()} for r in runs],
                "wall_s": round(best["wall_s"], 3), "cpu_s": round(best_cpu, 3),
                "budget_s": budget, "pass": ok, "pass_cpu": ok_cpu},
        **others, "load_average": os.getloadavg()}
    print(f"load average {results['load_average'][0]:.2f} on {os.cpu_count()} CPUs; "
          f"results: {save('import_10k', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
