"""The certificate PDF benchmark starts, renders, exports the ZIP and writes its JSON
(a smoke test: no timing is asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pdf_benchmark_runs_and_writes_its_results(tmp_path):
    env = {**os.environ, "ELEARN_BENCH_RESULTS": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "pdf_certificates.py"), "3"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    [saved] = tmp_path.glob("pdf-*.json")
    result = json.loads(saved.read_text())
    assert result["benchmark"] == "pdf" and result["direct"]["count"] == 3
    # The ZIP export renders through the same fonts, read once per process.
    assert result["zip"]["count"] == result["zip"]["pdfs_in_zip"] == 3
    assert result["zip"]["fonts_parsed_again"] == 0
    assert result["verdict"] in ("PASS", "FAIL")
    assert f"{result['verdict']}: budget 30 certificate PDFs a second" in done.stdout
