"""elearn beside a real peer: Kolibri from PyPI, measured the same way in the same run.

    .venv/bin/python -m bench.peers [--seconds 10] [--connections 50] [--learners 20]

(or ``make bench-peers``). Kolibri, an offline-first learning platform, is
installed from PyPI into its own virtual environment under bench/.peers/ (once;
later runs reuse it), provisioned afresh in bench/.peers/kolibri-home with a
facility, a class, learners and lessons, and started the way a pip install of
Kolibri is run in production: ``kolibri start --foreground`` (Kolibri's own
CherryPy server, its default thread pool, SQLite), bound to 127.0.0.1 with the
telemetry ping and zeroconf discovery off.

Two pages are compared, each with wrk at the same settings on the same machine:

* the sign-in page: the HTML a browser loads to sign in (elearn ``/login``,
  Kolibri ``/en/auth/``), anonymous;
* the learner home data: what a signed-in learner's home needs (elearn's
  dashboard ``/``, Kolibri's ``/learn/api/homehydrate`` which its learn plugin
  requests on the home page), with the session of a learner who is in a class
  (Kolibri) or enrolled in the demo courses (elearn).

It prints a table of req/s, p50, p99 and the ratio against the 50x budget of
issue 13, saves JSON with bench.results.save("peers", ...). Exit status: 1 when
the comparison could not be made or a run saw an error answer or a socket error
(its figures are void), 3 when the figures are sound but a budget is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.cookiejar
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import loadgen, results
from bench.server import ROOT, free_port, serve, stop_process_group

KOLIBRI_VERSION = "0.19.5"
PEERS = ROOT / "bench" / ".peers"
KOLIBRI_VENV = PEERS / "kolibri-venv"
KOLIBRI_HOME = PEERS / "kolibri-home"
KOLIBRI = KOLIBRI_VENV / "bin" / "kolibri"
INSTALL_TIMEOUT_S = 900
BUDGET = 50.0

DEMO_LEARNER = ("peserta@demo.example", "belajar-asn")
KOLIBRI_PASSWORD = "belajar-asn"  # noqa: S105 - a throwaway local benchmark account


class BenchError(RuntimeError):
    """Something made the comparison meaningless; the message says what."""


# --------------------------------------------------------------------------- HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    base: str

    def __post_init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, *, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        req = urllib.request.Request(self.base + path, data=data,  # noqa: S310 - http://127.0.0.1
                                     headers=headers or {})
        try:
            with self._opener.open(req, timeout=60) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            return exc.code, dict(exc.headers), exc.read()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def cookie_header(self) -> str:
        """The Cookie header a browser would send: every cookie in the jar."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class _FormFields(html.parser.HTMLParser):
    """Collects the hidden inputs and form actions of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.actions: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden.setdefault(a["name"], a.get("value") or "")
        elif tag == "form" and a.get("action"):
            self.actions.append(a["action"])
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def parse_page(body: bytes) -> _FormFields:
    parser = _FormFields()
    parser.feed(body.decode("utf-8", "replace"))
    return parser


# --------------------------------------------------------------------------- Kolibri


def kolibri_env() -> dict[str, str]:
    """The environment Kolibri runs in: its own home, no network chatter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOLIBRI_")}
    env.update({
        "KOLIBRI_HOME": str(KOLIBRI_HOME),
        # Marks a non-user instance (Kolibri's own flag for test/bench installs).
        "KOLIBRI_RUN_MODE": "elearn-bench",
        # No statistics ping (which also turns off update checks).
        "KOLIBRI_DISABLE_PING": "1",
        # No zeroconf/mDNS announcement or discovery of other devices.
        "KOLIBRI_ZEROCONF_ENABLED": "0",
        # Both the main server and the zip-content server listen on loopback only.
        "KOLIBRI_LISTEN_ADDRESS": "127.0.0.1",
    })
    return env


def installed_kolibri_version() -> str | None:
    python = KOLIBRI_VENV / "bin" / "python"
    if not python.exists() or not KOLIBRI.exists():
        return None
    done = subprocess.run(  # noqa: S603
        [str(python), "-c", "import kolibri; print(kolibri.__version__)"],
        capture_output=True, text=True, check=False, timeout=120)
    return done.stdout.strip() if done.returncode == 0 else None


def install_kolibri() -> dict:
    """Create bench/.peers/kolibri-venv with Kolibri from PyPI unless it is there."""
    version = installed_kolibri_version()
    if version == KOLIBRI_VERSION:
        return {"installed_now": False, "version": version, "seconds": 0.0}
    python = os.environ.get("PEERS_PYTHON") or shutil.which("python3.11") or sys.executable
    print(f"Installing Kolibri {KOLIBRI_VERSION} from PyPI into {KOLIBRI_VENV} "
          f"(with {python}; once) ...", flush=True)
    started = time.monotonic()
    shutil.rmtree(KOLIBRI_VENV, ignore_errors=True)
    PEERS.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "venv", str(KOLIBRI_VENV)], check=True, timeout=300)  # noqa: S603
    try:
        subprocess.run(  # noqa: S603
            [str(KOLIBRI_VENV / "bin" / "pip"), "install", "--quiet",
             "--disable-pip-version-check", f"kolibri=={KOLIBRI_VERSION}"],
            check=True, timeout=INSTALL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise BenchError(f"pip install kolibri=={KOLIBRI_VERSION} took over "
                         f"{INSTALL_TIMEOUT_S} s") from None
    except subprocess.CalledProcessError as exc:
        raise BenchError(f"pip install kolibri=={KOLIBRI_VERSION} failed "
                         f"(exit {exc.returncode})") from None
    version = installed_kolibri_version()
    if version != KOLIBRI_VERSION:
        raise BenchError(f"the Kolibri venv reports version {version!r}")
    seconds = round(time.monotonic() - started, 1)
    print(f"Kolibri installed in {seconds} s", flush=True)
    return {"installed_now": True, "version": version, "seconds": seconds}


def _kolibri(*args: str, timeout: float = 300) -> str:
    done = subprocess.run([str(KOLIBRI), *args], env=kolibri_env(), capture_output=True,  # noqa: S603
                          text=True, check=False, timeout=timeout)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise BenchError(f"kolibri {' '.join(args[:2])} failed ({done.returncode}):\n{tail}")
    return done.stdout + done.stderr


#: Runs inside ``kolibri manage shell``: lessons and a quiz for the class, so the
#: learner home has assignments to list (no content channel is imported: that
#: needs a download from Kolibri Studio).
_ASSIGNMENTS = """
from kolibri.core.auth.models import Classroom, FacilityUser
from kolibri.core.exams.models import Exam, ExamAssignment
from kolibri.core.lessons.models import Lesson, LessonAssignment
room = Classroom.objects.get(name="Kelas A")
coach = FacilityUser.objects.get(username="coach1")
for n in range(1, 4):
    lesson = Lesson.objects.create(title=f"Pelajaran {n}", description="Bench lesson",
                                   resources=[], is_active=True, collection=room,
                                   created_by=coach)
    LessonAssignment.objects.create(lesson=lesson, collection=room, assigned_by=coach)
exam = Exam.objects.create(title="Kuis 1", question_count=0, question_sources=[],
                           active=True, collection=room, creator=coach)
ExamAssignment.objects.create(exam=exam, collection=room, assigned_by=coach)
print("ASSIGNED", Lesson.objects.count(), Exam.objects.count())
"""


def provision_kolibri(learners: int) -> dict:
    """A fresh Kolibri home: device, facility, admin, a class with learners, lessons."""
    started = time.monotonic()
    shutil.rmtree(KOLIBRI_HOME, ignore_errors=True)
    KOLIBRI_HOME.mkdir(parents=True)
    settings = KOLIBRI_HOME.parent / "facility-settings.json"
    # Learners sign in with a password, as elearn's do.
    settings.write_text(json.dumps({"learner_can_login_with_no_password": False}))
    _kolibri("manage", "provisiondevice", "--facility", "Bench Facility",
             "--superusername", "admin", "--superuserpassword", secrets.token_hex(12),
             "--preset", "formal", "--language_id", "en",
             "--facility_settings", str(settings), "--noinput")
    users = KOLIBRI_HOME.parent / "users.csv"
    rows = ["USERNAME,PASSWORD,FULL_NAME,USER_TYPE,IDENTIFIER,BIRTH_YEAR,GENDER,"
            "ENROLLED_IN,ASSIGNED_TO,UUID"]
    rows += [f"learner{n:03d},{KOLIBRI_PASSWORD},Learner {n},LEARNER,,,,Kelas A,,"
             for n in range(1, learners + 1)]
    rows.append(f"coach1,{KOLIBRI_PASSWORD},Coach One,CLASS_COACH,,,,,Kelas A,")
    users.write_text("\n".join(rows) + "\n")
    out = _kolibri("manage", "bulkimportusers", str(users))
    if f"'created': {learners + 1}" not in out:
        raise BenchError(f"bulkimportusers did not create {learners + 1} users:\n{out[-2000:]}")
    out = _kolibri("manage", "shell", "-c", _ASSIGNMENTS)
    if "ASSIGNED 3 1" not in out:
        raise BenchError(f"creating lessons failed:\n{out[-2000:]}")
    return {"seconds": round(time.monotonic() - started, 1), "learners": learners,
            "classes": 1, "lessons": 3, "quizzes": 1}


def _thread_pool() -> int | None:
    done = subprocess.run(  # noqa: S603
        [str(KOLIBRI_VENV / "bin" / "python"), "-c",
         "from kolibri.utils.options import calculate_thread_pool as c; print(c())"],
        env=kolibri_env(), capture_output=True, text=True, check=False, timeout=120)
    return int(done.stdout.split()[-1]) if done.returncode == 0 and done.stdout else None


@contextlib.contextmanager
def run_kolibri(start_timeout: float = 180) -> Iterator[dict]:
    """``kolibri start --foreground`` on free loopback ports until the block ends."""
    port, zip_port = free_port(), free_port()
    command = [str(KOLIBRI), "start", "--foreground", "--port", str(port),
               "--zip-port", str(zip_port)]
    log = KOLIBRI_HOME / "bench-server.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(command, env=kolibri_env(), stdout=out,  # noqa: S603
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise BenchError(f"kolibri start exited with {process.returncode}; see {log}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                with urllib.request.urlopen(base + "/api/public/info/", timeout=5) as resp:  # noqa: S310
                    if resp.status == 200:
                        break
            if time.monotonic() > deadline:
                raise BenchError(f"Kolibri did not answer within {start_timeout} s; see {log}")
            time.sleep(0.5)
        yield {"url": base, "pid": process.pid,
               "command": "kolibri start --foreground --port PORT --zip-port ZIP_PORT",
               "env": {k: v for k, v in kolibri_env().items()
                       if k.startswith("KOLIBRI_") and k != "KOLIBRI_HOME"},
               "server": "Kolibri's own CherryPy WSGI server (kolibri.utils.server), "
                         "default options, SQLite",
               "cherrypy_thread_pool": _thread_pool(), "log": str(log)}
    finally:
        stop_process_group(process, timeout=30)


def kolibri_learner(base: str, username: str) -> dict:
    """Sign ``username`` in over Kolibri's session API; return the pages to measure."""
    anonymous = Browser(base)
    status, headers, _ = anonymous.request("/")
    sign_in_path = urllib.parse.urlsplit(headers.get("Location", "")).path
    if status != 302 or not sign_in_path:
        raise BenchError(f"Kolibri / answered {status} without a redirect to its sign-in page")
    status, _, body = anonymous.request(sign_in_path)
    if status != 200 or b"<html" not in body.lower():
        raise BenchError(f"Kolibri sign-in page {sign_in_path} answered {status}")

    learner = Browser(base)
    learner.request(sign_in_path)
    # Kolibri's session API sets the CSRF cookie (the sign-in page does not).
    learner.request("/api/auth/session/current/")
    token = learner.cookie("kolibri_csrftoken")
    if not token:
        raise BenchError("Kolibri's session API set no kolibri_csrftoken cookie")
    status, _, body = learner.request("/api/public/v1/facility/")
    facilities = json.loads(body)
    if status != 200 or len(facilities) != 1:
        raise BenchError(f"Kolibri facility list answered {status}: {body[:200]!r}")
    payload = json.dumps({"username": username, "password": KOLIBRI_PASSWORD,
                          "facility": facilities[0]["id"]}).encode()
    status, _, body = learner.request("/api/auth/session/", data=payload, headers={
        "Content-Type": "application/json", "X-CSRFToken": token,
        "Referer": base + sign_in_path})
    if status != 200 or json.loads(body).get("username") != username:
        raise BenchError(f"Kolibri sign-in of {username} answered {status}: {body[:300]!r}")

    home_data = "/learn/api/homehydrate"
    status, _, body = learner.request(home_data)
    data = json.loads(body) if status == 200 else {}
    rooms = data.get("classrooms") or []
    if not rooms or not rooms[0].get("lessons"):
        raise BenchError(f"Kolibri learner home data ({status}) lists no class with lessons: "
                         f"{body[:300]!r}")
    return {"sign_in_path": sign_in_path, "home_data_path": home_data,
            "cookie": learner.cookie_header(), "home_marker": "Pelajaran 1",
            "home_data_bytes": len(body), "lessons": len(rooms[0]["lessons"]),
            "quizzes": len(rooms[0].get("exams") or [])}


# --------------------------------------------------------------------------- elearn


def _flask(env: dict[str, str], *args: str) -> str:
    flask = str(Path(sys.executable).with_name("flask"))
    done = subprocess.run([flask, "--app", "wsgi", *args], cwd=ROOT,  # noqa: S603
                          env={**os.environ, **env}, capture_output=True, text=True,
                          check=False, timeout=600)
    if done.returncode != 0:
        raise BenchError(f"flask {' '.join(args)} failed ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def elearn_learner(base: str) -> dict:
    """Sign the demo learner in over HTTP; enrol them in every demo course first."""
    browser = Browser(base)
    status, _, body = browser.request("/login")
    token = parse_page(body).hidden.get("csrf_token")
    if status != 200 or not token:
        raise BenchError(f"elearn /login answered {status} without a CSRF token")
    identifier, password = DEMO_LEARNER
    form = urllib.parse.urlencode({"identifier": identifier, "password": password,
                                   "csrf_token": token}).encode()
    status, headers, _ = browser.request("/login", data=form, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise BenchError(f"elearn sign-in of the demo learner answered {status}")

    status, _, body = browser.request("/courses")
    slugs = sorted({urllib.parse.urlsplit(h).path.split("/")[2] for h in parse_page(body).links
                    if urllib.parse.urlsplit(h).path.count("/") == 2
                    and urllib.parse.urlsplit(h).path.startswith("/courses/")})
    if status != 200 or not slugs:
        raise BenchError(f"elearn catalog answered {status} with no courses")
    for slug in slugs:
        status, _, body = browser.request(f"/courses/{slug}")
        page = parse_page(body)
        if f"/courses/{slug}/enrol" not in page.actions:
            continue  # already enrolled
        form = urllib.parse.urlencode({"csrf_token": page.hidden["csrf_token"]}).encode()
        status, _, _ = browser.request(f"/courses/{slug}/enrol", data=form, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise BenchError(f"enrolling the demo learner in {slug} answered {status}")

    status, headers, body = browser.request("/")
    if status != 200 or b'name="password"' in body:
        raise BenchError(f"elearn dashboard answered {status} "
                         f"{headers.get('Location', '')} instead of the learner's page")
    marker = "Andi Pratama Lubis"  # the demo learner's name, on their dashboard
    if marker.encode() not in body:
        raise BenchError("elearn dashboard does not show the demo learner's name")
    return {"sign_in_path": "/login", "home_data_path": "/", "cookie": browser.cookie_header(),
            "home_marker": marker,
            "home_data_bytes": len(body), "courses": slugs}


@contextlib.contextmanager
def run_elearn() -> Iterator[tuple[str, dict]]:
    """Demo data in a temporary SQLite database, served as `make run` serves it."""
    with tempfile.TemporaryDirectory(prefix="elearn-peers-") as tmp:
        env = {"ELEARN_DATABASE_URL": f"sqlite:///{tmp}/elearn.sqlite3",
               "ELEARN_SECRET_KEY": secrets.token_urlsafe(32)}
        _flask(env, "db", "upgrade")
        _flask(env, "demo")
        with serve("wsgi:app", env=env, workers=2, log=Path(tmp) / "gunicorn.log") as server:
            # serve() starts gunicorn in a session of its own: its pid is the group id.
            yield server.url, {"command": "gunicorn --workers 2 --timeout 120 wsgi:app "
                               "(as make run)", "database": "SQLite (temporary file)",
                               "data": "flask demo", "pid": server.pid}


# --------------------------------------------------------------------------- measuring


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == pgid:
                ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_idle(pgid: int, *, timeout: float = 120) -> None:
    """Wait until a server has finished the requests wrk left behind.

    When wrk stops it closes its connections with one request still open on
    each; both servers go on to answer every one of them (Kolibri's log shows
    it), which at 50 connections is seconds of work for a slow server. Starting
    the next measurement before that would charge it to the wrong run.
    """
    deadline = time.monotonic() + timeout
    last = group_cpu_seconds(pgid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = group_cpu_seconds(pgid)
        if now - last < 0.02:  # under 4% of a core over half a second: idle
            return
        last = now
    raise BenchError(f"the server (process group {pgid}) stayed busy for {timeout} s after wrk")


def _measure(url: str, cookie: str | None, pgid: int, args) -> tuple[loadgen.Result, float]:
    """wrk's figures for one page and the server's CPU milliseconds per request.

    CPU time per request hardly depends on what else the machine runs, so it
    backs up req/s on a busy machine. It is the server's CPU from the start of
    the run until it is idle again, over the requests wrk completed plus the
    one left open on each connection (which the server still answers).
    """
    cookies = [cookie] if cookie else None
    # A short warm-up first, the same for both apps (first requests fill caches).
    loadgen.measure(url, cookies=cookies, connections=args.connections, threads=args.threads,
                    seconds=min(3, args.seconds), timeout_s=args.timeout)
    wait_idle(pgid)
    cpu_before = group_cpu_seconds(pgid)
    result = loadgen.measure(url, cookies=cookies, connections=args.connections,
                             threads=args.threads, seconds=args.seconds,
                             timeout_s=args.timeout)
    wait_idle(pgid)
    served = result.requests + args.connections
    cpu_ms = round(1000 * (group_cpu_seconds(pgid) - cpu_before) / served, 2)
    print(f"  {url}: {result.rps} req/s, p50 {result.p50_ms} ms, p99 {result.p99_ms} ms, "
          f"{cpu_ms} ms CPU per request, {result.non2xx} non-2xx, "
          f"{result.socket_errors} socket errors", flush=True)
    return result, cpu_ms


PAGES = (("sign-in page", "sign_in_path", False),
         ("learner home data (dashboard)", "home_data_path", True))


def measure_both(elearn_base: str, elearn: dict, kolibri_base: str, kolibri: dict,
                 args) -> tuple[dict[str, dict[str, loadgen.Result]], dict[str, dict[str, float]]]:
    """Each page on elearn, then straight after on Kolibri, so both see the same machine.

    Both servers are up for the whole run; only the one being measured gets
    requests (an idle Kolibri used under 1% of a core here, an idle gunicorn less).
    """
    measured: dict[str, dict[str, loadgen.Result]] = {"elearn": {}, "kolibri": {}}
    cpu: dict[str, dict[str, float]] = {"elearn": {}, "kolibri": {}}
    for name, key, signed_in in PAGES:
        for app, base, learner in (("elearn", elearn_base, elearn),
                                   ("kolibri", kolibri_base, kolibri)):
            print(f"{app} {name}:", flush=True)
            measured[app][name], cpu[app][name] = _measure(
                base + learner[key], learner["cookie"] if signed_in else None,
                learner["pgid"], args)
            if signed_in:
                still_signed_in(app, base, learner)
    return measured, cpu


def still_signed_in(app: str, base: str, learner: dict) -> None:
    """wrk counts a redirect as a success: make sure the session held to the end."""
    browser = Browser(base)
    status, headers, body = browser.request(learner["home_data_path"],
                                            headers={"Cookie": learner["cookie"]})
    if status != 200 or learner["home_marker"].encode() not in body:
        raise BenchError(f"after the run, {app}'s learner home data answered {status} "
                         f"{headers.get('Location', '')} without the learner's data: "
                         "the figures may count redirects to the sign-in page")


def compare(elearn: dict[str, loadgen.Result], kolibri: dict[str, loadgen.Result],
            cpu: dict[str, dict[str, float]] | None = None) -> list[dict]:
    """One row per page: both figures, the ratio and whether it meets the budget.

    The budget is on req/s; with ``cpu`` (server CPU ms per request) a row also
    carries the CPU ratio, Kolibri's CPU per request over elearn's.
    """
    rows = []
    for name, _, _ in PAGES:
        e, k = elearn[name], kolibri[name]
        ratio = round(e.rps / k.rps, 1) if k.rps else float("inf")
        row = {"page": name, "elearn": e.as_dict(), "kolibri": k.as_dict(),
               "ratio": ratio, "budget": BUDGET, "passed": e.rps >= BUDGET * k.rps}
        if cpu:
            e_ms, k_ms = cpu["elearn"][name], cpu["kolibri"][name]
            row["elearn"]["cpu_ms_per_request"] = e_ms
            row["kolibri"]["cpu_ms_per_request"] = k_ms
            row["cpu_ratio"] = round(k_ms / e_ms, 1) if e_ms else None
        rows.append(row)
    return rows


def problems(measured: dict[str, dict[str, loadgen.Result]]) -> list[str]:
    """Every run that saw an error answer or a socket error: such figures are void."""
    found = []
    for app, pages in measured.items():
        for name, r in pages.items():
            if r.non2xx or r.socket_errors or not r.requests:
                found.append(f"{app} {name}: {r.requests} requests, {r.non2xx} non-2xx/3xx, "
                             f"{r.socket_errors} socket errors (timeouts included)")
    return found


def table(rows: list[dict]) -> str:
    head = (f"{'page':<30} {'elearn req/s':>12} {'p50/p99 ms':>13} {'Kolibri req/s':>13} "
            f"{'p50/p99 ms':>15} {'ratio':>7} {'budget':>6}  result")
    lines = [head, "-" * len(head)]
    for row in rows:
        e, k = row["elearn"], row["kolibri"]
        lines.append(
            f"{row['page']:<30} {e['rps']:>12.1f} {_ms(e):>13} {k['rps']:>13.1f} {_ms(k):>15} "
            f"{row['ratio']:>6.1f}x {row['budget']:>5.0f}x  {'pass' if row['passed'] else 'FAIL'}")
    if all("cpu_ratio" in row for row in rows):
        lines.append("")
        lines.append(f"{'server CPU per request':<30} {'elearn ms':>12} {'Kolibri ms':>13} "
                     f"{'Kolibri/elearn':>15}")
        for row in rows:
            e, k = row["elearn"], row["kolibri"]
            cpu_ratio = f"{row['cpu_ratio']:.1f}x" if row["cpu_ratio"] else "-"
            lines.append(f"{row['page']:<30} {e['cpu_ms_per_request']:>12.2f} "
                         f"{k['cpu_ms_per_request']:>13.2f} {cpu_ratio:>15}")
    return "\n".join(lines)


def _ms(r: dict) -> str:
    return f"{r['p50_ms']:.0f}/{r['p99_ms']:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split(
        "\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=30,
                        help="wrk per-request timeout in seconds (a timeout voids the run)")
    parser.add_argument("--learners", type=int, default=20, help="Kolibri learners to create")
    args = parser.parse_args(argv)
    if not loadgen.available():
        print("wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        install = install_kolibri()
        print(f"Provisioning Kolibri {KOLIBRI_VERSION} in {KOLIBRI_HOME} ...", flush=True)
        provision = provision_kolibri(args.learners)
        print("Starting elearn (demo data, SQLite, gunicorn 2 sync workers) and Kolibri "
              "(kolibri start --foreground, 127.0.0.1, ping and zeroconf off) ...", flush=True)
        with run_elearn() as (elearn_base, elearn_setup), run_kolibri() as kolibri_setup:
            kolibri_base = kolibri_setup["url"]
            elearn_session = elearn_learner(elearn_base)
            kolibri_session = kolibri_learner(kolibri_base, "learner001")
            elearn_session["pgid"] = elearn_setup.pop("pid")
            kolibri_session["pgid"] = kolibri_setup["pid"]
            measured, cpu = measure_both(elearn_base, elearn_session, kolibri_base,
                                         kolibri_session, args)
    except (BenchError, RuntimeError) as exc:
        print(f"bench-peers: {exc}", file=sys.stderr)
        return 1
    rows = compare(measured["elearn"], measured["kolibri"], cpu)
    void = problems(measured)
    print()
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.seconds:g}s on each page, same "
          f"machine, elearn then Kolibri page by page; Kolibri {KOLIBRI_VERSION} with "
          f"{kolibri_setup['cherrypy_thread_pool']} CherryPy threads, elearn with 2 gunicorn "
          "sync workers")
    print(table(rows))
    for session in (elearn_session, kolibri_session):
        del session["cookie"], session["home_marker"], session["pgid"]
    path = results.save("peers", {
        "wrk": {"threads": args.threads, "connections": args.connections,
                "seconds": args.seconds, "timeout_s": args.timeout},
        "budget_ratio": BUDGET,
        "elearn": {**elearn_setup, **elearn_session},
        "kolibri": {"version": KOLIBRI_VERSION, "install": install, "provision": provision,
                    **{k: v for k, v in kolibri_setup.items() if k not in ("pid", "url")},
                    **kolibri_session},
        "pages": rows, "problems": void,
        "total_seconds": round(time.monotonic() - started, 1),
    })
    print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if void:
        print("bench-peers: these runs saw errors, so their figures are void:\n  "
              + "\n  ".join(void), file=sys.stderr)
        return 1
    if not all(row["passed"] for row in rows):
        print(f"bench-peers: elearn is below {BUDGET:g}x Kolibri on "
              + ", ".join(r["page"] for r in rows if not r["passed"]), file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
