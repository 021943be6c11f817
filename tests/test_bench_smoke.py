"""`make bench` starts and writes its JSON: ``bench.run --smoke`` end to end.

A tiny dataset, 1-second wrk runs: the figures mean nothing, but every page
must have been measured (requests > 0) and have answered only 2xx/3xx, or
the benchmark would be timing redirects and errors. Needs wrk (Debian's
package); without it the test is skipped, except under CI=true where it fails
(.ci/run installs wrk).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"lesson", "course", "dashboard", "catalog", "quiz page", "quiz answers (form)",
         "quiz autosave", "verify", "admin report", "sign-in page", "lesson floor",
         "course floor", "dashboard floor", "catalog floor"}


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        message = "wrk is not installed (apt-get install wrk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": the bench smoke test must run in CI")
        pytest.skip(message)


def test_bench_smoke_run_measures_every_page_and_writes_json(wrk, tmp_path):
    # SQLite only, in a folder of its own: none of the caller's ELEARN_* settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELEARN_")}
    env.update(ELEARN_BENCH_RESULTS=str(tmp_path / "results"),
               ELEARN_BENCH_DATA=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-m", "bench.run", "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [saved] = (tmp_path / "results").glob("bench-*.json")
    report = json.loads(saved.read_text())
    assert report["invalid"] == []
    assert report["hello"]["requests"] > 0 and report["hello"]["non2xx"] == 0
    measured = report["databases"]["SQLite"]["endpoints"]
    assert set(measured) == PAGES
    for name, row in measured.items():
        assert row["requests"] > 0, name
        assert row["non2xx"] == 0, name
        assert row["socket_errors"] == 0, name
    assert report["databases"]["SQLite"]["worker_rss_mb"]
    # A page with a share budget, and each floor, is compared with hello runs taken
    # beside it.
    for name in ("lesson", "course", "dashboard", "catalog", "sign-in page", "lesson floor",
                 "course floor", "dashboard floor", "catalog floor"):
        row = measured[name]
        assert len(row["ceiling_runs_rps"]) == 2 and min(row["ceiling_runs_rps"]) > 0, name
        assert row["ceiling_rps"] == round(sum(row["ceiling_runs_rps"]) / 2, 1), name
        assert row["share_of_ceiling"] == round(row["rps"] / row["ceiling_rps"], 4), name
    assert "ceiling_rps" not in measured["quiz page"]
    # The minted sessions are taken as they are: no page rewrites the cookie.
    assert report["databases"]["SQLite"]["pages_setting_a_cookie"] == []
    assert set(report["scaling"]["ratio"]) == {"dashboard", "course", "admin report"}
    assert "lesson" in done.stdout and "share" in done.stdout
