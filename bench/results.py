"""Where benchmark results go: one JSON file per run under bench/results/."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(os.environ.get("ELEARN_BENCH_RESULTS", Path(__file__).resolve().parent / "results"))


def machine() -> dict:
    """The facts about this machine a reader needs to compare figures."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "system": platform.platform()}


def save(name: str, data: dict) -> Path:
    """Write ``data`` with the date and machine as bench/results/<name>-<UTC stamp>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = RESULTS / f"{name}-{now:%Y%m%dT%H%M%SZ}.json"
    payload = {"benchmark": name, "date": now.isoformat(timespec="seconds"),
               "machine": machine(), **data}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path
