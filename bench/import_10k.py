"""Time the bulk staff import on 10 000 rows with a temporary SQLite database.

    .venv/bin/python bench/import_10k.py [ROWS]

Prints the seconds and rows per second of plan_import and apply_import for a
first import (every row created) and a second import of the same file
(every row unchanged), then of a file where every row changed (updates).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from elearn import create_app  # noqa: E402
from elearn.extensions import db  # noqa: E402
from elearn.people.services import upsert_unit  # noqa: E402
from elearn.people.staff_import import apply_import, plan_import  # noqa: E402

UNITS = ("DISKOMINFO", "BKPSDM", "DINKES", "DISDIK", "BAPPEDA")
GRADES = ("II/c", "III/a", "III/b", "III/c", "IV/a")
ROLES = ("peserta", "peserta", "peserta", "pengajar", "")


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


def timed(label: str, rows: int, func):
    start = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - start
    print(f"{label:<28} {seconds:7.2f} s  {rows / seconds:9.0f} rows/s")
    return value, seconds


def main(rows: int = 10_000) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app({"DATABASE_URL": url}, profile="test", instance_path=tmp)
        with app.app_context():
            upgrade()
            for code in UNITS:
                upsert_unit(code, f"Unit {code}")
            db.session.commit()
            data = staff_csv(rows)
            print(f"{rows} rows, {len(data) / 1024:.0f} KiB CSV, {db.engine.dialect.name}")

            def apply(plan):
                result = apply_import(plan, initial_password="sandi-awal-2026",  # noqa: S106
                                      skip_invalid=False)
                db.session.commit()
                return result

            plan, plan_s = timed("plan (new file)", rows, lambda: plan_import(data, "bench.csv"))
            assert not plan.problems, plan.problems[:5]
            assert plan.to_create == rows
            first, apply_s = timed("apply (create)", rows, lambda: apply(plan))
            assert first.created == rows, first
            print(f"{'plan + apply':<28} {plan_s + apply_s:7.2f} s  "
                  f"{rows / (plan_s + apply_s):9.0f} rows/s")

            again, plan2_s = timed("plan (same file again)", rows,
                                   lambda: plan_import(data, "bench.csv"))
            assert again.unchanged == rows, (again.to_create, again.to_update)
            second, apply2_s = timed("apply (unchanged)", rows, lambda: apply(again))
            assert (second.created, second.updated, second.unchanged) == (0, 0, rows), second
            print(f"{'plan + apply (unchanged)':<28} {plan2_s + apply2_s:7.2f} s  "
                  f"{rows / (plan2_s + apply2_s):9.0f} rows/s")

            changed = staff_csv(rows, position="Pranata Komputer")
            edited, plan3_s = timed("plan (every row changed)", rows,
                                    lambda: plan_import(changed, "bench.csv"))
            assert edited.to_update == rows, (edited.to_create, edited.unchanged)
            third, apply3_s = timed("apply (update)", rows, lambda: apply(edited))
            assert third.updated == rows, third
            print(f"{'plan + apply (update)':<28} {plan3_s + apply3_s:7.2f} s  "
                  f"{rows / (plan3_s + apply3_s):9.0f} rows/s")
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
