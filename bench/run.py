"""`make bench`: elearn's pages under load beside a bare Flask "hello", and how they scale.

    .venv/bin/python -m bench.run [--seconds 10] [--connections 50] [--smoke]

1. Builds (or reuses, see bench/dataset.py) the full dataset on SQLite and, when
   ELEARN_BENCH_DATABASE_URL names a PostgreSQL database, rebuilds it there too
   (everything in that database is dropped).
2. Mints signed-in sessions for 200 learners and an admin with the app's own
   session code (the sign-in form is rate limited), and opens a quiz attempt for
   every learner.
3. Serves bench/hello.py and then elearn (wsgi:app, production settings) with
   gunicorn exactly as `make run` does, and drives each page with wrk
   (-t2 -c50 -d10s by default), after checking that every page answers a
   signed-in request with its real page (not a redirect to the sign-in form)
   and opening each GET page once per learner (a first view may write; the run
   measures repeat views, which write nothing). A page with a share budget is
   measured between two 5-second runs of the hello app, served beside elearn:
   its ceiling is their mean, taken within seconds of it (a shared machine's
   speed drifts over the minutes of a run). So is each such learner page's
   floor (bench/floor.py): the page's own SQL statements and its bytes at its
   brotli level, served by a bare Flask app, the best share a page doing that
   work could reach.
4. Prints per database: req/s, p50, p99, the ceiling beside the page, its share
   and the budget; worker memory after the run; then the in-process scaling check
   (dashboard, course page and admin report on 1 000 users x 5 courses against
   10 000 users x 20 courses: median CPU time, which judges the budget, and
   median wall time, both with time.process_time/perf_counter per request).
5. Saves everything as JSON under bench/results/ (or ELEARN_BENCH_RESULTS).

Exits non-zero when a measurement is invalid (a non-2xx/3xx answer, a socket
error, no requests, a page that is the sign-in form); budgets that are missed
are reported as FAIL in the table but do not change the exit status.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dataset, floor, loadgen, results, sessions  # noqa: E402
from bench.server import serve  # noqa: E402

#: Signs the benchmark's session cookies; the same for the server and the minting.
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"  # noqa: S105
LEARNERS = 200
RSS_BUDGET_MB = 90
SCALE_BUDGET = 1.3


@dataclass
class Endpoint:
    name: str
    method: str = "GET"
    path: str = "/"
    #: "learner", "admin" or None (not signed in).
    who: str | None = "learner"
    #: Share of the hello ceiling's req/s the page must reach, and its p99 limit.
    share_budget: float | None = None
    p99_budget_ms: float | None = None
    #: Per-learner paths and bodies (quiz attempts), filled in by prepare().
    paths: list[str] | None = None
    bodies: list[str] | None = None
    #: What a correct answer is: a status, and for a redirect where it leads.
    status: int = 200
    location: str | None = None
    #: Concurrent connections when not the run's (a page only a few people open at once).
    connections: int | None = None
    timeout_s: int = 10
    #: "elearn", or "floor" for a page's floor (bench/floor.py, served beside elearn).
    app: str = "elearn"

    @property
    def beside_hello(self) -> bool:
        """Measured between two hello runs: a page with a share budget, and each floor."""
        return self.share_budget is not None or self.app == "floor"


@dataclass
class Prepared:
    label: str
    url: str
    facts: dataset.Facts
    learners: list[sessions.Minted]
    admin: sessions.Minted
    #: bench/floor.py's capture of the learner pages (their statements and bytes).
    floor_file: Path
    endpoints: list[Endpoint] = field(default_factory=list)


# --------------------------------------------------------------------------- preparing

def bench_app(url: str):
    from elearn import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}, profile="test",
                      instance_path=tempfile.mkdtemp(prefix="elearn-bench-"))


def _open_attempts(facts: dataset.Facts, learner_ids: list[int]) -> dict[int, tuple[int, str]]:
    """An open attempt at the course's first quiz for each learner: (attempt id, the
    form body that saves one answer per question)."""
    import sqlalchemy as sa

    from elearn.extensions import db
    from elearn.learning.quiz.attempts import _layout
    from elearn.models import Course, Module, QuizAttempt
    from elearn.models.people import utcnow

    module = db.session.scalar(sa.select(Module).join(Course).where(
        Course.slug == facts.course_slug, Module.slug == facts.quiz_slug))
    kinds = {q["key"]: q["kind"] for q in module.quiz["questions"]}
    opened = {}
    for user_id in learner_ids:
        earlier = list(db.session.scalars(sa.select(QuizAttempt).where(
            QuizAttempt.user_id == user_id, QuizAttempt.module_id == module.id)))
        attempt = QuizAttempt(user_id=user_id, module_id=module.id,
                              number=max((a.number for a in earlier), default=0) + 1,
                              layout=_layout(module, earlier), started_at=utcnow())
        db.session.add(attempt)
        db.session.flush()
        answers = []
        for key in attempt.layout["questions"]:
            options = attempt.layout["options"].get(key) or []
            if kinds[key] == "short_answer" or not options:
                answers.append((f"q-{key}", "jawaban"))
            else:
                answers.append((f"q-{key}", options[0][1]))
        opened[user_id] = (attempt.id, answers)
    db.session.commit()
    return opened


def prepare(label: str, url: str, facts: dataset.Facts, learners: int,
            work: Path) -> Prepared:
    """Mint the sessions, open the attempts, capture the learner pages' floors in the
    folder ``work`` (bench/floor.py), and list the endpoints to measure."""
    from elearn.extensions import db

    app = bench_app(url)
    course = f"/courses/{facts.course_slug}"
    with app.app_context():
        chosen = facts.learner_ids[:learners]
        minted = sessions.mint(app, chosen)
        admin = sessions.mint(app, [facts.admin_id])[0]
        attempts = _open_attempts(facts, chosen)
        db.session.remove()
    pages = {"lesson": f"{course}/{facts.lesson_slug}", "course": course, "dashboard": "/",
             "catalog": "/courses"}
    floor_file = work / f"floor-{label}.json"
    floor.capture(app, minted[0].cookie, pages, floor_file)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    attempt_paths = [f"{course}/{facts.quiz_slug}/attempts/{attempts[m.user_id][0]}"
                     for m in minted]
    save_bodies = [urlencode([("csrf_token", m.csrf_token), ("action", "save"),
                              *attempts[m.user_id][1]]) for m in minted]
    autosave_bodies = [urlencode([("csrf_token", m.csrf_token), *attempts[m.user_id][1]])
                       for m in minted]
    endpoints = []
    for name, path in pages.items():
        endpoints.append(Endpoint(name, path=path, share_budget=0.20, p99_budget_ms=100))
        # what the page's own statements and compression cost alone
        endpoints.append(Endpoint(f"{name} floor", path=f"/{name}", who=None, app="floor"))
    endpoints += [
        Endpoint("quiz page", path=attempt_paths[0], paths=attempt_paths),
        # "Simpan jawaban": the attempt form posted with its answers; it stays open,
        # so every request does the same work (a submit grades once, then redirects).
        Endpoint("quiz answers (form)", method="POST", path=attempt_paths[0],
                 paths=attempt_paths, bodies=save_bodies, status=302, location="attempt"),
        Endpoint("quiz autosave", method="POST", path=attempt_paths[0] + "/save",
                 paths=[p + "/save" for p in attempt_paths], bodies=autosave_bodies),
        Endpoint("verify", path=f"/verify/{facts.certificate_code}", who=None),
        Endpoint("sign-in page", path="/login", who=None, share_budget=0.35),
        # Admins are a handful, not fifty at once: the report runs at 4 connections.
        Endpoint("admin report", path="/admin/reports", who="admin", connections=4,
                 timeout_s=60),
    ]
    return Prepared(label, url, facts, minted, admin, floor_file, endpoints)


def server_env(url: str) -> dict[str, str]:
    """Production settings (ELEARN_ENV=production) with the bench's database and key."""
    return {
        "ELEARN_ENV": "production",
        "ELEARN_DATABASE_URL": url,
        "ELEARN_SECRET_KEY": SECRET_KEY,
        "ELEARN_PUBLIC_URL": "https://elearn.bench.example",
        "ELEARN_RATELIMIT_STORAGE_URI": "memory://",
        # The public verification page is limited per address and every wrk
        # connection comes from 127.0.0.1: measure the page, not the limiter's 429.
        "ELEARN_VERIFY_RATE_LIMIT": "100000000 per minute",
    }


# --------------------------------------------------------------------------- checking

class InvalidMeasurement(RuntimeError):
    pass


def _request(base: str, endpoint: Endpoint, cookie: str | None, path: str,
             body: str | None, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    # No User-Agent, like wrk: the minted sessions were made for that client.
    headers = {"Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(endpoint.method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def check(base: str, prepared: Prepared, endpoint: Endpoint) -> bool:
    """One request as wrk will send it must get the real page, signed in. Returns
    whether the page set a cookie (it should take the minted session as it is)."""
    rewrites = False
    cookies = _cookies(prepared, endpoint)
    for i in (0, len(cookies) - 1) if cookies else (None,):
        cookie = cookies[i] if i is not None else None
        path = endpoint.paths[i] if endpoint.paths and i is not None else endpoint.path
        body = endpoint.bodies[i] if endpoint.bodies and i is not None else None
        status, headers, content = _request(base, endpoint, cookie, path, body)
        where = headers.get("location", "")
        problem = None
        if status != endpoint.status:
            problem = f"answered {status} (expected {endpoint.status}) {where}".strip()
        elif endpoint.location == "attempt" and urlsplit(where).path != path:
            problem = f"redirected to {where}, not back to the attempt"
        elif "/login" in where:
            problem = f"redirected to the sign-in page ({where})"
        elif endpoint.who and b'name="password"' in content:
            problem = "answered with the sign-in form"
        elif endpoint.name == "sign-in page" and b'name="password"' not in content:
            problem = "is not the sign-in form"
        if endpoint.who and endpoint.method == "GET" and "set-cookie" in headers:
            # The minted session should be taken as is; a rewritten cookie means the
            # page pays for a session write wrk's fixed cookies would not show.
            print(f"  note: {prepared.label} {endpoint.name} sets a cookie: "
                  f"{headers['set-cookie'][:60]}...", flush=True)
            rewrites = True
        if problem:
            raise InvalidMeasurement(f"{prepared.label} {endpoint.name} {endpoint.method} "
                                     f"{path}: {problem}")
    return rewrites


def warm(base: str, prepared: Prepared, endpoint: Endpoint) -> None:
    """Open a GET page once with every cookie before it is measured, as its readers
    have before: the first view of a lesson records the place to continue (a write),
    a repeat view writes nothing, and the run measures the steady state."""
    if endpoint.method != "GET":
        return
    for i, cookie in enumerate(_cookies(prepared, endpoint)):
        path = endpoint.paths[i] if endpoint.paths else endpoint.path
        _request(base, endpoint, cookie, path, None)


def _cookies(prepared: Prepared, endpoint: Endpoint) -> list[str]:
    if endpoint.who == "learner":
        return [m.cookie for m in prepared.learners]
    if endpoint.who == "admin":
        return [prepared.admin.cookie]
    return []


def measure(base: str, prepared: Prepared | None, endpoint: Endpoint, args) -> dict:
    cookies = _cookies(prepared, endpoint) if prepared else []
    result = loadgen.measure(base + endpoint.path, cookies=cookies or None,
                             bodies=endpoint.bodies, paths=endpoint.paths,
                             method=endpoint.method,
                             connections=min(endpoint.connections or args.connections,
                                             args.connections),
                             threads=args.threads, seconds=args.seconds,
                             timeout_s=endpoint.timeout_s)
    row = result.as_dict()
    problems = []
    if result.requests == 0:
        problems.append("no requests completed")
    if result.non2xx:
        problems.append(f"{result.non2xx} answers were not 2xx/3xx")
    if result.socket_errors - result.timeouts:
        problems.append(f"{result.socket_errors - result.timeouts} socket errors")
    row["problems"] = problems
    # A request unanswered within the timeout is a slow page, not a broken measurement:
    # it fails the page's budget (see table) rather than invalidating the run.
    return row


# --------------------------------------------------------------------------- running

def run_hello(args) -> dict:
    with serve("bench.hello:app", workers=args.workers) as server:
        row = measure(server.url, None, Endpoint("hello", who=None), args)
        row["worker_rss_mb"] = server.worker_rss_mb()
    return row


def hello_seconds(args) -> float:
    """Length of a bracketing hello run: half a page's, and at least 3 s (tens of
    thousands of requests at the ceiling's rate) unless pages get less (--smoke)."""
    return max(min(3.0, args.seconds), args.seconds / 2)


def run_database(prepared: Prepared, args, log: Path) -> dict:
    """Every endpoint of one database. A page with a share budget is measured between
    two runs of the hello app, served beside elearn from the start: its share is of
    the mean of those two ceilings, taken within seconds of it, since a shared
    machine's speed drifts by a tenth or more over the minutes a run lasts."""
    rows = {}
    hello_args = argparse.Namespace(**{**vars(args), "seconds": hello_seconds(args)})
    hello = Endpoint("hello", who=None)
    with serve("bench.hello:app", workers=args.workers) as hello_server, \
            serve("wsgi:app", env=server_env(prepared.url), workers=args.workers,
                  log=log, ready_path="/healthz") as server, \
            serve("bench.floor:app", env={floor.FLOOR_FILE_ENV: str(prepared.floor_file)},
                  workers=args.workers) as floor_server:
        own = [e for e in prepared.endpoints if e.app == "elearn"]
        cookie_set = [e.name for e in own if check(server.url, prepared, e)]
        before = None  # the hello run just before the next page, if nothing came between
        for endpoint in prepared.endpoints:
            base = floor_server.url if endpoint.app == "floor" else server.url
            warm(base, prepared, endpoint)
            if endpoint.beside_hello and before is None:
                before = measure(hello_server.url, None, hello, hello_args)
            print(f"  {prepared.label}: {endpoint.name} ...", end="", flush=True)
            rows[endpoint.name] = row = measure(base, prepared, endpoint, args)
            drain(base, args.workers)
            if endpoint.beside_hello:
                after = measure(hello_server.url, None, hello, hello_args)
                row["ceiling_rps"] = round((before["rps"] + after["rps"]) / 2, 1)
                row["ceiling_runs_rps"] = [before["rps"], after["rps"]]
                row["problems"] += [f"hello beside it: {p}"
                                    for p in before["problems"] + after["problems"]]
                print(f" {row['rps']:.0f} req/s (hello beside it: {before['rps']:.0f}, "
                      f"{after['rps']:.0f})", flush=True)
                before = after
            else:
                print(f" {row['rps']:.0f} req/s", flush=True)
                before = None
        rss = server.worker_rss_mb()
    return {"endpoints": rows, "worker_rss_mb": rss, "dataset": prepared.facts.counts,
            "pages_setting_a_cookie": cookie_set}


def drain(base: str, workers: int) -> None:
    """Wait until the workers have answered what wrk left queued when it stopped, so
    the next page's seconds are its own (a slow page's backlog can last a while).
    Any answer will do (the floor's app has no /healthz: it answers 404)."""
    for _ in range(workers * 2):
        _request(base, Endpoint("health", path="/healthz", who=None), None, "/healthz", None,
                 timeout=300)


def table(label: str, measured: dict, hello: dict) -> list[str]:
    """The rows of one database's table; adds share and verdict to ``measured``. A page
    measured between two hello runs is compared with their mean ("ceiling" column),
    any other with the run's first hello."""
    lines = [f"\n{label}: req/s at {hello['connections']} connections; ceiling: a bare "
             f"Flask hello beside each budgeted page and each floor (first hello of the run: "
             f"{hello['rps']:.0f} req/s)",
             f"{'endpoint':<26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ceiling':>9}{'share':>8}  "
             f"{'budget':<26}verdict"]
    for name, row in measured["endpoints"].items():
        endpoint = row.pop("_endpoint")
        ceiling = row.get("ceiling_rps") or hello["rps"]
        share = row["rps"] / ceiling if ceiling else 0.0
        row["share_of_ceiling"] = round(share, 4)
        budget, verdict = "-", "-"
        if endpoint.share_budget is not None:
            budget = f">= {endpoint.share_budget:.0%}"
            ok = share >= endpoint.share_budget
            if endpoint.p99_budget_ms is not None:
                budget += f", p99 < {endpoint.p99_budget_ms:.0f} ms"
                ok = ok and row["p99_ms"] < endpoint.p99_budget_ms
            ok = ok and not row["timeouts"]
            verdict = "pass" if ok else "FAIL"
            row["budget"], row["pass"] = budget, ok
        if row["timeouts"]:
            verdict += f" ({row['timeouts']} timed out after {endpoint.timeout_s} s)"
        if row["problems"]:
            verdict = "INVALID: " + "; ".join(row["problems"])
        shown = name if row["connections"] == hello["connections"] \
            else f"{name} ({row['connections']} conn.)"
        lines.append(f"{shown:<26}{row['rps']:>9.0f}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
                     f"{ceiling:>9.0f}{share:>8.1%}  {budget:<26}{verdict}")
    rss = measured["worker_rss_mb"]
    ok = bool(rss) and max(rss) <= RSS_BUDGET_MB
    measured["worker_rss_pass"] = ok
    lines.append(f"worker RSS after the run: {', '.join(f'{r:.0f}' for r in rss)} MB "
                 f"(budget <= {RSS_BUDGET_MB} MB): {'pass' if ok else 'FAIL'}")
    return lines


# --------------------------------------------------------------------------- scaling

def _median_ms(client, path: str, environ: dict, repeat: int,
               max_seconds: float) -> tuple[float, float, int]:
    """Median wall time and median CPU time of ``repeat`` requests (fewer, at least 5, if
    they take more than ``max_seconds`` in all), after a few unmeasured ones; and how
    many were timed. CPU time is the steadier figure on a busy machine."""
    for _ in range(3):
        response = client.get(path, environ_base=environ)
        if response.status_code != 200 or b'name="password"' in response.data:
            raise InvalidMeasurement(f"scaling check: {path} answered {response.status_code}"
                                     " or with the sign-in form")
    times: list[float] = []
    cpu: list[float] = []
    deadline = time.perf_counter() + max_seconds
    while len(times) < repeat and (len(times) < 5 or time.perf_counter() < deadline):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(path, environ_base=environ)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000, len(times)


def in_process(url: str, facts: dataset.Facts, repeat: int,
               max_seconds: float) -> tuple[dict[str, float], dict[str, float], dict[str, int]]:
    """Median in-process time (ms) of the dashboard, course page and admin report."""
    from elearn import create_app
    from elearn.extensions import db

    agent = "elearn-bench"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                      "PUBLIC_URL": "https://elearn.bench.example"}, profile="production",
                     instance_path=tempfile.mkdtemp(prefix="elearn-bench-"))
    with app.app_context():
        learner = sessions.mint(app, facts.learner_ids[:1], user_agent=agent)[0]
        admin = sessions.mint(app, [facts.admin_id], user_agent=agent)[0]
        db.session.remove()
    environ = {"HTTP_USER_AGENT": agent, "REMOTE_ADDR": "127.0.0.1"}
    name = app.config["SESSION_COOKIE_NAME"]
    timings, cpu, counts = {}, {}, {}
    for label, who, path in (("dashboard", learner, "/"),
                             ("course", learner, f"/courses/{facts.course_slug}"),
                             ("admin report", admin, "/admin/reports")):
        client = app.test_client()
        client.set_cookie(name, who.value)
        median, median_cpu, counts[label] = _median_ms(client, path, environ, repeat,
                                                        max_seconds)
        timings[label], cpu[label] = round(median, 3), round(median_cpu, 3)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return timings, cpu, counts


def _in_fresh_process(url: str, facts: dataset.Facts, repeat: int, max_seconds: float):
    """``in_process`` in a new interpreter: a process that already built an app and ran
    thousands of requests (the other dataset's) carries a bigger heap, which makes the
    garbage collector's passes, and a page that allocates much, slower."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(in_process, (url, facts, repeat, max_seconds))


def scaling(args, work: Path) -> dict:
    """Each dataset measured twice, alternately, each time in a fresh interpreter;
    per page the lower median of the two counts (a shared machine only ever adds)."""
    small_size, large_size = ((dataset.SMOKE_SMALL, dataset.SMOKE) if args.smoke
                              else (dataset.SMALL, dataset.FULL))
    measured: dict[str, dict] = {}
    rounds = 1 if args.smoke else 2
    for turn in range(rounds):
        for label, size in (("small", small_size), ("large", large_size)):
            path, facts = dataset.sqlite_dataset(size)
            folder = work / f"scale-{label}-{turn}"
            folder.mkdir()
            url = dataset.working_copy(path, folder)
            ms, cpu, counts = _in_fresh_process(url, facts, args.repeat,
                                                2 if args.smoke else 10)
            if label not in measured:
                measured[label] = {"size": facts.size, "ms": ms, "cpu_ms": cpu,
                                   "requests": counts, "cpu_ms_runs": []}
            kept = measured[label]
            kept["cpu_ms_runs"].append(cpu)
            kept["ms"] = {page: min(kept["ms"][page], ms[page]) for page in ms}
            kept["cpu_ms"] = {page: min(kept["cpu_ms"][page], cpu[page]) for page in cpu}

    def ratio(key: str) -> dict[str, float]:
        return {page: round(measured["large"][key][page] / max(measured["small"][key][page],
                                                                1e-6), 2)
                for page in measured["small"][key]}

    # The verdict uses CPU time: wall time on a shared 2-core machine swings by 2x
    # between runs of the same page, CPU time by a few per cent.
    cpu_ratios = ratio("cpu_ms")
    return {**measured, "ratio": ratio("ms"), "cpu_ratio": cpu_ratios, "budget": SCALE_BUDGET,
            "pass": {page: r <= SCALE_BUDGET for page, r in cpu_ratios.items()}}


def scaling_table(scale: dict) -> list[str]:
    small, large = scale["small"]["size"], scale["large"]["size"]
    lines = [f"\nscaling, in process on SQLite (medians of up to {{n}} requests each): "
             f"{small['users']} users x {small['courses']} courses -> "
             f"{large['users']} users x {large['courses']} courses",
             f"{'page':<26}{'CPU ms small':>13}{'large':>9}{'ratio':>8}  {'budget':<17}"
             f"wall ms small/large, ratio"]
    for page, ratio in scale["cpu_ratio"].items():
        verdict = f"<= {SCALE_BUDGET}x: {'pass' if scale['pass'][page] else 'FAIL'}"
        lines.append(f"{page:<26}{scale['small']['cpu_ms'][page]:>13.2f}"
                     f"{scale['large']['cpu_ms'][page]:>9.2f}{ratio:>7.2f}x  {verdict:<17}"
                     f"{scale['small']['ms'][page]:.2f}/{scale['large']['ms'][page]:.2f}"
                     f", {scale['ratio'][page]:.2f}x")
    return lines


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, as make run")
    parser.add_argument("--repeat", type=int, default=300,
                        help="requests per page in the in-process scaling check")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny dataset and 1 s runs: checks the bench works")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling check")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.repeat, args.connections = min(args.seconds, 1), 20, 10
    if not loadgen.available():
        print("wrk is not installed: apt-get install -y wrk (make bench does it)",
              file=sys.stderr)
        return 2
    size = dataset.SMOKE if args.smoke else dataset.FULL
    learners = 20 if args.smoke else LEARNERS
    pg_url = os.environ.get("ELEARN_BENCH_DATABASE_URL", "").strip()
    started = time.perf_counter()
    report: dict = {"settings": {"seconds": args.seconds, "connections": args.connections,
                                 "threads": args.threads, "workers": args.workers,
                                 "smoke": args.smoke, "learner_sessions": learners}}
    lines: list[str] = []
    invalid: list[str] = []
    with tempfile.TemporaryDirectory(prefix="elearn-bench-") as tmp:
        work = Path(tmp)
        path, facts = dataset.sqlite_dataset(size)
        targets = [("SQLite", dataset.working_copy(path, work), facts)]
        if pg_url:
            targets.append(("PostgreSQL", pg_url, dataset.build_postgresql(pg_url, size)))
        prepared = [prepare(label, url, facts, learners, work) for label, url, facts in targets]
        print(f"hello ceiling ({args.seconds:g} s) ...", flush=True)
        hello = run_hello(args)
        print(f"  {hello['rps']:.0f} req/s", flush=True)
        report["hello"] = hello
        report["databases"] = {}
        for item in prepared:
            try:
                measured = run_database(item, args, work / f"gunicorn-{item.label}.log")
            except InvalidMeasurement as exc:
                invalid.append(str(exc))
                print(f"INVALID: {exc}", file=sys.stderr)
                continue
            for endpoint in item.endpoints:
                measured["endpoints"][endpoint.name]["_endpoint"] = endpoint
                invalid += [f"{item.label} {endpoint.name}: {p}"
                            for p in measured["endpoints"][endpoint.name]["problems"]]
            lines += table(item.label, measured, hello)
            report["databases"][item.label] = measured
        if hello["problems"]:
            invalid += [f"hello: {p}" for p in hello["problems"]]
        if not args.no_scaling:
            try:
                report["scaling"] = scale = scaling(args, work)
                lines += [line.replace("{n}", str(args.repeat)) for line in scaling_table(scale)]
            except InvalidMeasurement as exc:
                invalid.append(str(exc))
    report["invalid"] = invalid
    report["seconds_total"] = round(time.perf_counter() - started, 1)
    saved = results.save("bench", _plain(report))
    print("\n".join(lines))
    print(f"\nsaved {saved} ({report['seconds_total']:.0f} s in all)")
    if invalid:
        print("\nINVALID MEASUREMENTS:\n  " + "\n  ".join(invalid), file=sys.stderr)
        return 1
    return 0


def _plain(value):
    """``value`` with dataclasses turned into dicts, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return value


if __name__ == "__main__":
    sys.exit(main())
