"""Lighthouse scores and bytes on the wire of the main pages, against the budgets.

    make bench-lighthouse        (installs Lighthouse into bench/node_modules first)
    .venv/bin/python -m bench.lighthouse [--runs N] [--skip-lighthouse]

A temporary SQLite instance gets the demo data (`flask db upgrade`, `flask demo`);
the demo learner has completed one sample course (so there is a certificate) and
read the lessons of another (so its quiz can be started). The app then runs
under gunicorn exactly as `make run` starts it; the learner signs in over HTTP,
enrols in a third course and starts the quiz attempt, as a browser would.

Two measurements, printed with PASS/FAIL and saved with bench.results.save:

- Lighthouse (the npm package pinned in bench/package-lock.json, Debian's
  Chromium, mobile form factor with its simulated slow 4G and 4x slower CPU):
  performance and accessibility of the lesson, quiz and dashboard pages, the
  median of ``--runs`` runs; the audits that cost points are listed.
- Bytes on the wire (Chromium driven by Playwright at 360x740, the sum of
  ``encodedDataLength`` of every Network.loadingFinished of the page: headers
  and compressed bodies as they crossed the network): the first visit of every
  main page in a fresh browser profile, and a repeat visit of the lesson page
  (opened again in a new tab of the same profile after the session cookie
  changed, as it does after any flash message: static files come from the
  browser's HTTP cache, if the caching headers let them).

Exits 0 when a budget fails (the tables say FAIL); non-zero only on a crash.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import save  # noqa: E402
from bench.server import serve  # noqa: E402

CHROMIUM = os.environ.get("ELEARN_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
FLASK = str(Path(sys.executable).with_name("flask"))
PHONE = {"width": 360, "height": 740}
PASSWORD = "belajar-asn"  # noqa: S105 - the published demo password
LEARNER, ADMIN, INSTRUCTOR = "peserta@demo.example", "admin@demo.example", "pengajar@demo.example"

#: The sample courses the run uses: one completed (certificate), one whose quiz is
#: started, one enrolled over HTTP whose longest lesson is the measured lesson page
#: (the longest of all the sample lessons).
COMPLETED, QUIZ_COURSE, LESSON_COURSE = ("pelayanan-publik-prima", "literasi-digital-spbe",
                                         "kepemimpinan-dan-perubahan")

BUDGETS = {"lesson_first_kb": 15, "lesson_repeat_kb": 5, "page_first_kb": 30,
           "performance": 98, "accessibility": 100}


# --- the instance ---------------------------------------------------------------------

def flask(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run([FLASK, "--app", "wsgi", *args], cwd=ROOT,  # noqa: S603
                          env={**os.environ, **env}, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"flask {' '.join(args)} exited with {done.returncode}")


def prepare_learner(database_url: str) -> dict:
    """Through the real services: the learner completes COMPLETED (its certificate is
    issued) and the lessons of QUIZ_COURSE. Returns the slugs and certificate code."""
    import sqlalchemy as sa

    from elearn import create_app
    from elearn.certificates.issue import CertificateSettings, current_certificate
    from elearn.extensions import db
    from elearn.learning import completion, progress, quiz
    from elearn.models import Course, User
    from elearn.models.people import utcnow

    app = create_app({"DATABASE_URL": database_url})
    with app.app_context():
        settings = CertificateSettings.from_config(app.config)
        user = db.session.scalar(sa.select(User).where(User.email == LEARNER))
        courses = {c.slug: c for c in db.session.scalars(sa.select(Course))}

        def read_lessons(course):
            for module in progress.published_modules(course):
                if module.kind == "lesson":
                    progress.enrol(user, course)
                    row = progress.progress_row(user, module)
                    row.first_opened_at = utcnow() - timedelta(days=1)  # read long enough
                    completion.mark_completed(user, course, module, certificates=settings)

        done = courses[COMPLETED]
        read_lessons(done)
        for module in progress.published_modules(done):
            if module.kind == "quiz":
                attempt = quiz.start_attempt(user, done, module, certificates=settings)
                answers = {q["key"]: (q["answers"][0] if q["kind"] == "short_answer"
                                      else [o["key"] for o in q["options"] if o["correct"]])
                           for q in module.quiz["questions"]}
                quiz.submit_attempt(user, done, module, attempt, answers, certificates=settings)
        read_lessons(courses[QUIZ_COURSE])
        db.session.commit()
        certificate = current_certificate(user.id, done.id)
        assert certificate is not None, "the completed course issued no certificate"

        def first(slug, kind):
            return next(m.slug for m in progress.published_modules(courses[slug])
                        if m.kind == kind)

        lessons = [m for m in progress.published_modules(courses[LESSON_COURSE])
                   if m.kind == "lesson"]
        longest = max(lessons, key=lambda m: len(m.body_html))
        return {"certificate": certificate.code, "lesson": longest.slug,
                "quiz": first(QUIZ_COURSE, "quiz")}


# --- signing in and acting over HTTP ----------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(api, path: str) -> str:
    response = api.get(path)
    assert response.ok, f"GET {path}: {response.status}"
    match = CSRF.search(response.text())
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def post(api, path: str, form: dict, *, page: str) -> str:
    """POST a form with the CSRF token of the page it is on; returns the final URL."""
    response = api.post(path, form={"csrf_token": csrf_token(api, page), **form})
    assert response.ok, f"POST {path}: {response.status}"
    return response.url


def sign_in(playwright, base: str, identifier: str) -> dict:
    """Sign in through the form; returns the browser storage state (the cookies)."""
    api = playwright.request.new_context(base_url=base)
    final = post(api, "/login", {"identifier": identifier, "password": PASSWORD},
                 page="/login")
    assert not final.rstrip("/").endswith("/login"), f"{identifier} could not sign in"
    state = api.storage_state()
    api.dispose()
    return state


def cookie_header(state: dict) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in state["cookies"])


def learner_actions(playwright, base: str, state: dict, slugs: dict) -> str:
    """Enrol in LESSON_COURSE and start the quiz of QUIZ_COURSE; the attempt's path."""
    api = playwright.request.new_context(base_url=base, storage_state=state)
    course = f"/courses/{LESSON_COURSE}"
    post(api, f"{course}/enrol", {}, page=course)
    quiz = f"/courses/{QUIZ_COURSE}/{slugs['quiz']}"
    attempt = post(api, f"{quiz}/attempts", {}, page=quiz)
    api.dispose()
    path = "/" + attempt.split("/", 3)[3]
    assert "/attempts/" in path, f"the quiz attempt did not start: {attempt}"
    return path


# --- bytes on the wire ----------------------------------------------------------------

class WireMeter:
    """Sums encodedDataLength of finished requests of one page (a CDP session)."""

    def __init__(self, context, page):
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.items: list[dict] = []
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _from_cache(self, event):
        self.cached.add(event["requestId"])

    def _finished(self, event):
        rid = event["requestId"]
        self.items.append({"url": self.urls.get(rid, "?").split("://", 1)[-1].split("/", 1)[-1],
                           "bytes": int(event["encodedDataLength"]),
                           "cache": rid in self.cached})

    def visit(self, page, url: str) -> dict:
        self.items = []
        response = page.goto(url, wait_until="networkidle")
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        page.wait_for_timeout(300)  # the last events arrive after the load
        return {"bytes": sum(i["bytes"] for i in self.items), "requests": len(self.items),
                "encoding": response.headers.get("content-encoding", ""),
                "items": list(self.items)}


def measure_wire(browser, base: str, pages: list[tuple[str, str, dict | None]],
                 lesson: tuple[str, dict]) -> dict:
    results = {}
    for name, path, state in pages:
        context = browser.new_context(viewport=PHONE, locale="id-ID", storage_state=state)
        page = context.new_page()
        results[name] = {"path": path, **WireMeter(context, page).visit(page, base + path)}
        context.close()
    path, state = lesson
    context = browser.new_context(viewport=PHONE, locale="id-ID", storage_state=state)
    page = context.new_page()
    first = WireMeter(context, page).visit(page, base + path)
    # A form that changes the session cookie, as every flash message does: the
    # footer's button of the language already chosen (it comes back to the lesson).
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("footer form.lang button[aria-pressed=true]").click()
    # The next visit, in another tab: the browser's HTTP cache is all it has.
    later = context.new_page()
    repeat = WireMeter(context, later).visit(later, base + path)
    context.close()
    return {"pages": results, "lesson_first": first, "lesson_repeat": repeat}


# --- Lighthouse -------------------------------------------------------------------------

def lighthouse(url: str, cookie: str, out: Path) -> dict:
    command = [str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}",
               f"--chrome-flags={' '.join(CHROME_FLAGS)}",
               "--only-categories=performance,accessibility", "--output=json",
               f"--output-path={out}", "--quiet",
               "--extra-headers", json.dumps({"Cookie": cookie})]
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROMIUM},  # noqa: S603
                   stdout=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    assert report["finalDisplayedUrl"].rstrip("/") == url.rstrip("/"), \
        f"Lighthouse ended at {report['finalDisplayedUrl']}, not {url} (signed out?)"
    return report


def failing_audits(report: dict) -> list[dict]:
    """Audits of the two categories that cost points (score below 1, with weight)."""
    failing = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append({"category": category["id"], "id": ref["id"],
                                "score": audit["score"],
                                "value": audit.get("displayValue", "")})
    return failing


def run_lighthouse(base: str, pages: dict[str, str], cookie: str, runs: int,
                   folder: Path) -> dict:
    results = {}
    for name, path in pages.items():
        scores = []
        for run in range(runs):
            report = lighthouse(base + path, cookie, folder / f"{name}-{run}.json")
            metrics = report["audits"]["metrics"]["details"]["items"][0]
            scores.append({
                "performance": round(report["categories"]["performance"]["score"] * 100),
                "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
                "fcp_ms": metrics["firstContentfulPaint"],
                "lcp_ms": metrics["largestContentfulPaint"],
                "tbt_ms": metrics["totalBlockingTime"],
                "cls": round(metrics["cumulativeLayoutShift"], 3),
                "failing": failing_audits(report)})
        median = sorted(scores, key=lambda s: s["performance"])[len(scores) // 2]
        results[name] = {"path": path, **median,
                         "performance_runs": [s["performance"] for s in scores],
                         "accessibility_min": min(s["accessibility"] for s in scores),
                         "runs": scores}
    return results


# --- the report -------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_wire(wire: dict) -> bool:
    ok_all = True
    print(f"\nBytes on the wire (Chromium {PHONE['width']}x{PHONE['height']}, "
          "headers + encoded bodies; KB = 1024 bytes)")
    print(f"{'page':<22} {'path':<52} {'req':>4} {'bytes':>7} {'KB':>6} {'budget':>7}  result")
    rows = [(name, r, BUDGETS["page_first_kb"]) for name, r in wire["pages"].items()]
    rows.insert(0, ("lesson (repeat)", wire["lesson_repeat"], BUDGETS["lesson_repeat_kb"]))
    rows.insert(0, ("lesson (first)", wire["lesson_first"], BUDGETS["lesson_first_kb"]))
    for name, r, budget in rows:
        kb = r["bytes"] / 1024
        ok = kb <= budget
        ok_all &= ok
        path = r.get("path", wire["pages"]["lesson"]["path"])
        print(f"{name:<22} {path[:52]:<52} {r['requests']:>4} {r['bytes']:>7} {kb:>6.2f} "
              f"{budget:>7}  {verdict(ok)}")
    return ok_all


def report_lighthouse(results: dict) -> bool:
    ok_all = True
    print("\nLighthouse (mobile; median performance of the runs, lowest accessibility)")
    print(f"{'page':<12} {'perf':>5} {'runs':<14} {'a11y':>5} {'FCP ms':>7} {'LCP ms':>7} "
          f"{'TBT ms':>7} {'CLS':>6}  result")
    for name, r in results.items():
        ok = (r["performance"] >= BUDGETS["performance"]
              and r["accessibility_min"] >= BUDGETS["accessibility"])
        ok_all &= ok
        print(f"{name:<12} {r['performance']:>5} {','.join(map(str, r['performance_runs'])):<14} "
              f"{r['accessibility_min']:>5} {r['fcp_ms']:>7.0f} {r['lcp_ms']:>7.0f} "
              f"{r['tbt_ms']:>7.0f} {r['cls']:>6}  {verdict(ok)}")
        for audit in r["failing"]:
            print(f"    {audit['category']:<13} {audit['id']:<34} score {audit['score']:<5} "
                  f"{audit['value']}")
    return ok_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--skip-lighthouse", action="store_true",
                        help="only the bytes on the wire")
    args = parser.parse_args(argv)
    if not args.skip_lighthouse and not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci --prefix bench` (make bench-lighthouse)",
              file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="elearn-lighthouse-") as tmp:
        tmp = Path(tmp)
        database_url = f"sqlite:///{tmp / 'elearn.sqlite3'}"
        env = {"ELEARN_DATABASE_URL": database_url, "ELEARN_SECRET_KEY": secrets.token_urlsafe(32)}
        start = time.monotonic()
        flask("db", "upgrade", env=env)
        flask("demo", env=env)
        os.environ.update(env)
        slugs = prepare_learner(database_url)
        with serve("wsgi:app", env=env, workers=2, log=tmp / "gunicorn.log") as server, \
                sync_playwright() as playwright:
            base = server.url
            learner = sign_in(playwright, base, LEARNER)
            admin = sign_in(playwright, base, ADMIN)
            instructor = sign_in(playwright, base, INSTRUCTOR)
            quiz = learner_actions(playwright, base, learner, slugs)
            lesson = f"/courses/{LESSON_COURSE}/{slugs['lesson']}"
            code = slugs["certificate"]
            pages = [
                ("dashboard", "/", learner), ("catalog", "/courses", learner),
                ("course", f"/courses/{LESSON_COURSE}", learner), ("lesson", lesson, learner),
                ("quiz", quiz, learner), ("certificate", f"/certificates/{code}", learner),
                ("verify", "/verify", None), ("verify (result)", f"/verify/{code}", None),
                ("login", "/login", None),
                ("admin users", "/admin/users", admin), ("admin reports", "/admin/reports", admin),
                ("admin import", "/admin/import", admin), ("author index", "/author/", instructor),
            ]
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
            wire = measure_wire(browser, base, pages, (lesson, learner))
            browser.close()
            scores = {}
            if not args.skip_lighthouse:
                scores = run_lighthouse(base, {"lesson": lesson, "quiz": quiz, "dashboard": "/"},
                                        cookie_header(learner), args.runs, tmp)
        wire_ok = report_wire(wire)
        lighthouse_ok = report_lighthouse(scores) if scores else None
        seconds = round(time.monotonic() - start)
    version = ""
    if LIGHTHOUSE.exists():
        package = ROOT / "bench" / "node_modules" / "lighthouse" / "package.json"
        version = json.loads(package.read_text())["version"]
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,  # noqa: S603
                              check=False).stdout.strip()
    path = save("lighthouse", {
        "budgets": BUDGETS, "lighthouse_version": version, "chromium": chromium,
        "runs": args.runs, "seconds": seconds, "wire": wire, "lighthouse": scores,
        "pass": {"wire": wire_ok, "lighthouse": lighthouse_ok}})
    print(f"\n{'PASS' if wire_ok and lighthouse_ok is not False else 'FAIL'}: "
          f"bytes on the wire {verdict(wire_ok)}, Lighthouse "
          f"{'skipped' if lighthouse_ok is None else verdict(lighthouse_ok)}; saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
