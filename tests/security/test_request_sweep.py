"""Keep it closed: every route of the URL map, anonymous and as each role, with real and
hostile values in the path, the query string and the form body, never answers 500.

The routes come from ``app.url_map`` itself, so a route added later is swept too
without touching this file. Path parameters are filled with the ids and slugs of
seeded objects (a published sample course from content/, an attempt, a certificate,
a unit, an assignment, a staff import) and, one at a time, with hostile values.
Runs on SQLite and, with ELEARN_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import io
import re
import traceback
import zipfile
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from elearn.content.files import read_folder
from elearn.courses.store import save_course
from elearn.demo import SAMPLE_CONTENT
from elearn.extensions import db
from elearn.learning import completion, progress, quiz
from elearn.models import Assignment, Certificate, Course, Module, StaffImport, User
from elearn.people.services import PersonData, create_user, upsert_unit

from ..certificates.conftest import certificate_settings, complete_course
from ..conftest import NIPS, PASSWORD, AuthActions, csrf_token
from ..content.helpers import COURSE_MD, LESSON_MD, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\2" * 16
LONG = "x" * 20_000

#: Hostile values for one path segment, already percent-encoded for the URL.
PATH_VALUES = ["9223372036854775808", "-1", "a%00%01%7f%E2%80%AE%ff%fe",
               "..%2F..%2Fetc%2Fpasswd", "x" * 2_000]
#: Extra ones for <path:...> segments.
PATH_ONLY_VALUES = ["../../etc/passwd", "media/%00.png", "media/" + LONG]
#: Hostile values for query-string and form fields: huge and negative numbers, control
#: characters with an RTL override, 20 KB, a newline (header injection), traversal.
FIELD_VALUES = ["99999999999999999999", "-1", "9223372036854775808",
                "\x00a\x01\x1b\x7f\u202eevil", LONG, "/\r\n/evil.example\t/../../etc/passwd%ff%fe"]
#: Field names always sent, besides those found in the page's forms.
COMMON_NAMES = ["q", "page", "per_page", "next", "identifier", "password", "title", "name",
                "code", "year", "unit", "role", "status", "competency", "action", "from",
                "to", "course", "below", "locale", "module", "nip", "reason", "slug"]

ROLES = ["anonymous", "learner", "instructor", "admin"]


@pytest.fixture
def seeded(app):
    """Seed one of each object a route can name; return real path values by name."""
    with app.app_context():
        upsert_unit("BKPSDM", "Badan Kepegawaian")
        unit = upsert_unit("DINKES", "Dinas Kesehatan")
        sample = save_course(read_folder(SAMPLE_CONTENT / "pelayanan-publik-prima")).course
        small = save_course(make_course({"media/a.png": PNG,
                                         "01-pengantar.md": "---\ntitle: Pengantar\nminutes: 5"
                                         "\n---\n![Gambar](media/a.png)\n"})).course
        owner = create_user(PersonData(nip="199105052015031001", full_name="Pemilik",
                                       unit_code="DINKES"), PASSWORD)
        db.session.add(Assignment(course_id=sample.id, unit_id=unit.id))
        db.session.add(StaffImport(filename="pegawai.csv", data=b"nip,nama\n"))
        db.session.commit()
        modules = progress.published_modules(sample)
        quiz_module = next(m for m in modules if m.kind == "quiz")
        values = {"slug": sample.slug, "module_slug": modules[0].slug,
                  "unit_id": unit.id, "user_id": owner.id,
                  "assignment_id": db.session.scalar(sa.select(Assignment.id)),
                  "import_id": db.session.scalar(sa.select(StaffImport.id)),
                  "small_slug": small.slug, "quiz_slug": quiz_module.slug}
        asset = small.assets[0]
        values["digest"], values["path"] = asset.sha256, asset.path
        values["owner_cert"] = _certificate_of(owner.id, small.id)
    return values


def _certificate_of(user_id: int, course_id: int) -> Certificate:
    complete_course(user_id, course_id)
    db.session.commit()
    return db.session.scalar(sa.select(Certificate).where(Certificate.user_id == user_id))


def _sign_in(app, client, make_user, role: str, seeded: dict) -> dict:
    """Sign in as ``role`` and add that person's own attempt and certificate."""
    values = dict(seeded)
    owner_cert = values.pop("owner_cert")
    values["cert_id"], values["code"] = owner_cert.id, owner_cert.code
    if role == "anonymous":
        return values
    account = make_user(role, unit_code="DINKES")
    with app.app_context():
        user = db.session.get(User, account.id)
        sample = db.session.scalar(sa.select(Course).where(Course.slug == values["slug"]))
        module = db.session.scalar(sa.select(Module).where(
            Module.course_id == sample.id, Module.slug == values["quiz_slug"]))
        for lesson in progress.published_modules(sample):
            if lesson.kind == "lesson":  # the quiz opens once they are done
                completion.mark_completed(user, sample, lesson,
                                          certificates=certificate_settings())
        attempt = quiz.start_attempt(user, sample, module, certificates=certificate_settings())
        db.session.commit()
        values["attempt_id"] = attempt.id
        small = db.session.scalar(sa.select(Course).where(Course.slug == values["small_slug"]))
        values["code"] = _certificate_of(user.id, small.id).code
    AuthActions(client).login(account.nip)
    return values


_PARAM = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _real(name: str, converter: str | None, args: str | None, values: dict, rule) -> str:
    if converter == "any":
        return sorted(rule._converters[name].items)[0]
    if name == "module_slug" and "attempt" in rule.rule and "quiz_slug" in values:
        return values["quiz_slug"]
    if name == "slug" and "/files/" in rule.rule and "small_slug" in values:
        return values["small_slug"]
    if name in values:
        return str(values[name])
    return "1" if converter == "int" else "x"


def _urls(rule, values: dict) -> list[str]:
    """The rule with real values, then with each parameter in turn made hostile."""
    params = [(m.group(3), m.group(1)) for m in _PARAM.finditer(rule.rule)]
    real = {name: _real(name, conv, None, values, rule) for name, conv in params}

    def build(chosen: dict) -> str:
        return _PARAM.sub(lambda m: chosen[m.group(3)], rule.rule)

    urls = [build(real)]
    for name, converter in params:
        hostile = PATH_VALUES + (PATH_ONLY_VALUES if converter == "path" else [])
        urls += [build({**real, name: value}) for value in hostile]
    return urls


def _rules(app):
    """Every rule but static files, sign-out ones last (they end the session)."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: ("logout" in r.endpoint or "sign_out" in r.endpoint,
                                        r.rule))


class Sweep:
    def __init__(self, client):
        self.client = client
        self.failures: list[str] = []
        self.count = 0

    def send(self, endpoint: str, method: str, url: str, **kwargs):
        self.count += 1
        where = url if len(url) < 120 else url[:117] + "..."
        try:
            response = self.client.open(url, method=method, **kwargs)
            response.close()
        except Exception as exc:  # noqa: BLE001 - each one is reported
            frames = [f for f in traceback.extract_tb(exc.__traceback__)
                      if "/elearn/" in f.filename]
            last = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
            self.failures.append(f"{method} {where} [{endpoint}] -> {exc!r:.200} at "
                                 f"{last.filename.split('/elearn/')[-1]}:{last.lineno}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {where} [{endpoint}] -> {response.status_code}")
        return response


def _field_names(html: str) -> list[str]:
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html))
    return sorted((names | set(COMMON_NAMES)) - {"csrf_token"})


def _sweep(app, client, make_user, seeded, role: str, methods: set[str]) -> Sweep:
    values = _sign_in(app, client, make_user, role, seeded)
    sweep = Sweep(client)
    token = csrf_token(client.get("/login" if role == "anonymous" else "/account/password")
                       .get_data(as_text=True))
    for rule in _rules(app):
        urls = _urls(rule, values)
        if "GET" in rule.methods and "GET" in methods:
            for url in urls:
                sweep.send(rule.endpoint, "GET", url)
            for value in FIELD_VALUES:
                query = urlencode({name: value for name in COMMON_NAMES})
                sweep.send(rule.endpoint, "GET", f"{urls[0]}?{query}")
            sweep.send(rule.endpoint, "GET", f"{urls[0]}?q=%ff%fe&page=%ff&next=%00%0a")
        if "POST" in rule.methods and "POST" in methods:
            page = sweep.send(rule.endpoint, "GET", urls[0]) if "GET" in rule.methods else None
            html = page.get_data(as_text=True) if page is not None else ""
            names = _field_names(html)
            for value in FIELD_VALUES:
                data = {"csrf_token": token, **{name: value for name in names}}
                sweep.send(rule.endpoint, "POST", urls[0], data=data)
            # Raw bytes that are not UTF-8, and a NUL, in a form body.
            body = urlencode({"csrf_token": token}).encode() + b"".join(
                b"&" + name.encode() + b"=\xff\xfe\x00\xc0" for name in names)
            sweep.send(rule.endpoint, "POST", urls[0], data=body,
                       content_type="application/x-www-form-urlencoded")
            for tag in re.findall(r'<input[^>]*type="file"[^>]*>', html):
                _send_uploads(sweep, rule.endpoint, urls[0], token,
                              re.search(r'name="([^"]+)"', tag).group(1))
            for url in urls[1:]:
                sweep.send(rule.endpoint, "POST", url, data={"csrf_token": token})
    return sweep


#: Upload file names and contents: control characters, RTL override, traversal, a
#: broken zip, bytes that are not UTF-8 text.
def _course_zip_with_control_characters() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kursus-nul/course.md", COURSE_MD.replace(
            "Deskripsi kursus.", "Desk\x00ripsi\x01 kursus\u202e."))
        archive.writestr("kursus-nul/01-pengantar.md", LESSON_MD.replace(
            "Lihat [kuis](02-kuis.md).", "Isi\x00 materi\x1b."))
    return buffer.getvalue()


UPLOADS = [("a\x00b\u202egpj.csv", b"nip,nama\n\x00\xff\xfe,\x01\n"),
           ("../../etc/passwd.zip", b"PK\x03\x04" + b"\x00" * 40),
           ("x" * 300 + ".xlsx", b"PK\x05\x06" + b"\xff" * 18),
           ("course-with-nul.zip", _course_zip_with_control_characters())]


def _send_uploads(sweep: Sweep, endpoint: str, url: str, token: str, field: str) -> None:
    for filename, content in UPLOADS:
        sweep.send(endpoint, "POST", url, content_type="multipart/form-data",
                   data={"csrf_token": token, field: (io.BytesIO(content), filename)})


def _check(sweep: Sweep) -> None:
    assert sweep.count > 100
    assert not sweep.failures, f"{len(sweep.failures)} server errors:\n" + "\n".join(
        sweep.failures[:60])


@pytest.fixture
def no_propagation(app, monkeypatch):
    # Exceptions reach the test client (and are reported with their line) whatever the
    # profile's setting.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", True)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_ever_answers_500(app, client, make_user, seeded, role, no_propagation):
    _check(_sweep(app, client, make_user, seeded, role, {"GET"}))


@pytest.mark.parametrize("role", ROLES)
def test_no_post_ever_answers_500(app, client, make_user, seeded, role, no_propagation):
    _check(_sweep(app, client, make_user, seeded, role, {"POST"}))


def test_the_sweep_covers_every_route(app):
    """A route that cannot be built from the rule text would silently escape the sweep."""
    for rule in _rules(app):
        for url in _urls(rule, {"digest": "0" * 64, "path": "a.png"}):
            assert "<" not in url and ">" not in url, rule.rule
    assert NIPS  # the roles signed in are those of tests/conftest.py
