"""Every page of the learner, instructor and admin journeys (and the public ones),
found by one crawler and checked once per role and language.

For each role the crawler signs in with a fresh browser context at PHONE size,
picks the language with the footer buttons (as a person would), starts from the
home page and follows same-origin GET links breadth first; then it takes the
POST steps a journey needs whose result no link reaches (a quiz attempt and
its result, the password form with errors, a staff import with problems).
Signed out, it starts from the sign-in and verify pages (with a mistyped code,
and with a genuine certificate). Each page is measured as it is reached: its document width
and, when axe-core is installed, the axe violations. The tests in
test_journeys.py assert on those measurements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import sqlalchemy as sa
from playwright.sync_api import Browser, Page

from elearn.certificates.issue import CertificateSettings, current_certificate
from elearn.demo import SAMPLE_CONTENT, load_demo
from elearn.extensions import db
from elearn.learning.assignments import assign
from elearn.learning.completion import complete_course_if_done
from elearn.learning.progress import enrol, progress_row, published_modules
from elearn.models import Course, Unit, User
from elearn.models.people import utcnow
from elearn.notifications import schedule

from .conftest import PHONE
from .helpers import sign_in

#: axe-core from npm (package.json at the repository root; `make install-dev`).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = {"learner": "peserta@demo.example", "instructor": "pengajar@demo.example",
         "admin": "admin@demo.example", "public": None}
LANGUAGES = ["id", "en"]
#: Not pages: signing out, language switches, downloads and course files.
NOT_A_PAGE = re.compile(r"/logout|/language|\.(pdf|csv|xlsx|zip)$|/files/|/static/")
MAX_PAGES = 150  # per role and language
MAX_VARIANTS = 3  # query-string variants (filters, page numbers) of one path

COMPLETED = "kepemimpinan-dan-perubahan"  # the demo learner finished it (certificate)
IN_PROGRESS = "pelayanan-publik-prima"  # lessons read, the quiz still to take
ASSIGNED = "komunikasi-dengan-warga"  # assigned to the learner's unit
BAD_STAFF = ("NIP;Nama;Email;Unit_Kode;Jabatan;Golongan;Role\n"
             "19900101201501100;Budi Santoso;budi@medan;DISKOMINFO;Pranata Komputer;III/a;learner\n"
             "199001012015012002;Rina Lubis;;TIDAKADA;Analis Kebijakan;III/b;peserta\n")

# Runs in the page; returns one "rule-id: target" line per offending element.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ')));
}"""


@dataclass
class Checked:
    """One page as a role saw it in one language."""

    url: str  # path and query, then "(what)" for a state a POST step reached
    scroll_width: int
    violations: list[str] | None  # None when axe-core is not installed


@dataclass
class Journey:
    role: str
    lang: str
    pages: list[Checked] = field(default_factory=list)

    def urls(self) -> list[str]:
        return [p.url for p in self.pages]


def seed_demo(app) -> str:
    """The demo data, with a learner who has finished one course (certificate), read
    the lessons of another and has a third assigned to their unit, and is told of
    the assignment and the certificate in the app; returns the certificate's code."""
    with app.app_context():
        load_demo(SAMPLE_CONTENT)
        learner = db.session.scalar(sa.select(User).where(User.email == ROLES["learner"]))
        admin = db.session.scalar(sa.select(User).where(User.email == ROLES["admin"]))
        courses = {c.slug: c for c in db.session.scalars(sa.select(Course))}
        for slug in (COMPLETED, IN_PROGRESS):
            enrol(learner, courses[slug])
            for module in published_modules(courses[slug]):
                if module.kind == "lesson" or slug == COMPLETED:
                    row = progress_row(learner, module)
                    row.completed_at = utcnow()
                    row.best_score = 90.0 if module.kind == "quiz" else None
        db.session.flush()
        complete_course_if_done(learner, courses[COMPLETED],
                                CertificateSettings.from_config(app.config))
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKOMINFO"))
        assign(courses[ASSIGNED], unit=unit, due_date=date.today() + timedelta(days=30),
               actor=admin)
        db.session.commit()
        # what `flask notify send` records: the notifications pages have content
        schedule.schedule(date.today())
        return current_certificate(learner.id, courses[COMPLETED].id).code


def check(page: Page, url: str, axe: str | None) -> Checked:
    """Measure the page as it is now, with every <details> open (its content counts)."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    violations = None
    if axe is not None:
        # The app's CSP (script-src 'self') blocks add_script_tag, which inserts an
        # inline <script>; evaluating the source through DevTools is not subject to the
        # page's CSP, so the page stays exactly as served (no bypass_csp).
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(axe)
        violations = page.evaluate(RUN_AXE, AXE_TAGS)
    width = page.evaluate("document.documentElement.scrollWidth")
    return Checked(url, width, violations)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(page: Page, base: str, starts: list[str], axe: str | None) -> list[Checked]:
    """Breadth first over same-origin GET links from ``starts``, each page checked once."""
    queue, seen, variants, checked = list(starts), set(starts), {}, []
    while queue and len(checked) < MAX_PAGES:
        path = queue.pop(0)
        page.goto(base + path)
        final = _path(page.url)
        if final != path and final in seen:
            continue  # a redirect to a page already checked
        seen.add(final)
        checked.append(check(page, final, axe))
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "as => as.map(a => a.href)")
        for href in hrefs:
            url = urldefrag(href).url
            if not url.startswith(base + "/") or NOT_A_PAGE.search(urlsplit(url).path):
                continue
            link = _path(url)
            plain = urlsplit(url).path
            if link in seen or (link != plain and variants.get(plain, 0) >= MAX_VARIANTS):
                continue
            variants[plain] = variants.get(plain, 0) + (link != plain)
            seen.add(link)
            queue.append(link)
    return checked


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.locator(button).first.click()


def learner_steps(page: Page, base: str, axe: str | None) -> list[Checked]:
    """A quiz attempt and its result; the password form refusing a weak password."""
    quiz = [m for m in _module_links(page, base, IN_PROGRESS) if "kuis" in m][0]
    page.goto(base + quiz)
    _submit(page, "form[action$='/attempts'] [type=submit]")
    attempt = check(page, _path(page.url) + " (answering)", axe)
    for question in page.locator("fieldset.question").all():
        choice = question.locator("input[type=radio], input[type=checkbox]")
        if choice.count():  # any answer will do: set it, the step is about the pages
            choice.first.evaluate("input => { input.checked = true; }")
        else:
            question.locator("input[type=text], textarea").first.fill("tidak tahu")
    _submit(page, "#quiz-form button[value=submit]")
    page.locator("#verdict").wait_for()
    result = check(page, _path(page.url) + " (result)", axe)
    page.goto(base + "/account/password")
    page.locator("input[type=password]").nth(0).fill("bukan-sandi-ini")
    page.locator("input[type=password]").nth(1).fill("abc")
    page.locator("input[type=password]").nth(2).fill("abd")
    _submit(page, "main form [type=submit]")
    page.locator("ul.errors").first.wait_for()  # the state this step is here for
    return [attempt, result, check(page, "POST /account/password (errors)", axe)]


def _module_links(page: Page, base: str, slug: str) -> list[str]:
    page.goto(f"{base}/courses/{slug}")
    hrefs = page.eval_on_selector_all(f"main a[href*='/courses/{slug}/']",
                                      "as => as.map(a => a.pathname)")
    return [h for h in hrefs if "/files/" not in h]


def admin_steps(page: Page, base: str, axe: str | None, tmp: Path) -> list[Checked]:
    """A staff file with problems: the import preview lists them."""
    staff = tmp / "pegawai.csv"
    staff.write_text(BAD_STAFF, encoding="utf-8")
    page.goto(base + "/admin/import")
    page.locator("input[type=file]").set_input_files(str(staff))
    _submit(page, "main form[enctype] [type=submit]")
    page.locator("section.problems").wait_for()
    return [check(page, _path(page.url) + " (problems)", axe)]


def walk(browser: Browser, base: str, role: str, lang: str, axe: str | None,
         tmp: Path, certificate: str) -> Journey:
    """One role's journey in one language, on a phone."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    if ROLES[role]:
        sign_in(page, base, ROLES[role])
    else:
        page.goto(base + "/login")
    page.locator(f"footer .lang button[value={lang}]").click()
    page.wait_for_load_state()
    journey = Journey(role, lang)
    # Public: the verify form, with a mistyped code, and a genuine certificate.
    starts = ["/"] if ROLES[role] else ["/login", "/verify", "/verify?code=ABCDEF123",
                                        f"/verify/{certificate}"]
    journey.pages = crawl(page, base, starts, axe)
    if role == "learner":
        journey.pages += learner_steps(page, base, axe)
    elif role == "admin":
        journey.pages += admin_steps(page, base, axe, tmp)
    context.close()
    return journey

