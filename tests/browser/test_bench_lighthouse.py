"""Smoke test of bench/lighthouse.py: it starts, measures every page, writes its JSON.

Only the bytes-on-the-wire half runs here (Lighthouse itself comes from npm into
bench/node_modules and takes minutes: `make bench-lighthouse`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_lighthouse_bench_measures_every_page_and_saves_its_json(browser, tmp_path):
    # ``browser``: skipped (or failed under CI) where Chromium is missing, as the bench needs it.
    done = subprocess.run(
        [sys.executable, "-m", "bench.lighthouse", "--skip-lighthouse"], cwd=ROOT,
        env={**os.environ, "ELEARN_BENCH_RESULTS": str(tmp_path)},
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (saved,) = tmp_path.glob("lighthouse-*.json")
    result = json.loads(saved.read_text())
    pages = result["wire"]["pages"]
    assert len(pages) == 13
    for name, page in pages.items():
        # the page itself and at least the stylesheet and script, compressed
        assert page["requests"] >= 3 and page["encoding"] in ("br", "gzip"), name
        assert 0 < page["bytes"] < 100 * 1024, name
    repeat = result["wire"]["lesson_repeat"]
    assert 0 < repeat["bytes"] < result["wire"]["lesson_first"]["bytes"]
    # The wire budgets hold on every run, not only when someone runs the bench: the
    # lesson's repeat visit has little room under 5 KB at brotli level 4.
    assert repeat["bytes"] <= 5 * 1024, repeat
    assert result["wire"]["lesson_first"]["bytes"] <= 15 * 1024
    assert result["pass"]["wire"] is True, done.stdout
    assert result["lighthouse"] == {} and result["pass"]["lighthouse"] is None
    assert "lesson (repeat)" in done.stdout and "Lighthouse skipped" in done.stdout
