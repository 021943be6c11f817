"""Every route checks who may open it; the table below must list every route."""

import pytest

from elearn.certificates.issue import issue_certificate
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Assignment, CourseCompletion, StaffImport
from elearn.people.services import PersonData, create_user, upsert_unit

from .conftest import NIPS, PASSWORD, csrf_token
from .content.helpers import COURSE_MD, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\2" * 16
ALL = {"learner", "instructor", "admin", "other-instructor"}
AUTHORS = {"instructor", "admin", "other-instructor"}
EDITORS = {"instructor", "admin"}  # the course lists only the first instructor
C = "/courses/pelayanan-publik"
A = "/author/courses/pelayanan-publik"

# (route rule, concrete path, method, roles that may use it)
ROUTES = [
    ("/", "/", "GET", ALL),
    ("/account/password", "/account/password", "GET", ALL),
    ("/account/sign-out-everywhere", "/account/sign-out-everywhere", "POST", ALL),
    ("/account/notifications", "/account/notifications", "POST", ALL),
    ("/notifications", "/notifications", "GET", ALL),
    ("/notifications/read", "/notifications/read", "POST", ALL),
    ("/courses", "/courses", "GET", ALL),
    ("/courses/<slug>", C, "GET", ALL),
    ("/courses/<slug>/enrol", f"{C}/enrol", "POST", ALL),
    ("/courses/<slug>/<module_slug>/complete", f"{C}/pengantar/complete", "POST", ALL),
    ("/courses/<slug>/<module_slug>/attempts", f"{C}/kuis/attempts", "POST", ALL),
    ("/courses/<slug>/<module_slug>", f"{C}/pengantar", "GET", ALL),
    ("/courses/<slug>/evaluation", f"{C}/evaluation", "GET", ALL),
    ("/courses/<slug>/evaluation", f"{C}/evaluation", "POST", ALL),
    ("/courses/<slug>/<module_slug>/feedback", f"{C}/pengantar/feedback", "POST", ALL),
    ("/courses/<slug>/files/<digest>/<path:path>", "{asset}", "GET", ALL),
    ("/offline/versions", "/offline/versions?c=pelayanan-publik", "GET", ALL),
    ("/offline/sign-out", "/offline/sign-out", "GET", ALL),
    ("/offline/copies/<slug>", "/offline/copies/pelayanan-publik", "GET", ALL),
    ("/offline/copies/<slug>/<module_slug>", "/offline/copies/pelayanan-publik/pengantar", "GET",
     ALL),
    ("/author/", "/author/", "GET", AUTHORS),
    ("/author/upload", "/author/upload", "GET", AUTHORS),
    ("/author/courses/new", "/author/courses/new", "GET", AUTHORS),
    ("/author/courses/<slug>", A, "GET", EDITORS),
    ("/author/courses/<slug>/export.zip", f"{A}/export.zip", "GET", EDITORS),
    ("/author/courses/<slug>/modules/new", f"{A}/modules/new", "GET", EDITORS),
    ("/author/courses/<slug>/modules/<module_slug>", f"{A}/modules/pengantar", "GET", EDITORS),
    ("/author/courses/<slug>/publish", f"{A}/publish", "POST", EDITORS),
    ("/author/courses/<slug>/modules/new/preview", f"{A}/modules/new/preview", "POST", EDITORS),
    ("/author/courses/<slug>/modules/<module_slug>/preview", f"{A}/modules/pengantar/preview",
     "POST", EDITORS),
    ("/author/courses/<slug>/files", f"{A}/files", "POST", EDITORS),
    ("/author/guide", "/author/guide", "GET", AUTHORS),
    ("/author/courses/<slug>/insights", f"{A}/insights", "GET", EDITORS),
    ("/author/courses/<slug>/insights/learners", f"{A}/insights/learners", "GET", EDITORS),
    ("/author/courses/<slug>/insights/comments", f"{A}/insights/comments", "GET", EDITORS),
    ("/author/courses/<slug>/modules/<module_slug>/move", f"{A}/modules/pengantar/move",
     "POST", EDITORS),
    ("/author/courses/<slug>/modules/<module_slug>/status", f"{A}/modules/pengantar/status",
     "POST", EDITORS),
    ("/admin/", "/admin/", "GET", {"admin"}),
    ("/admin/users", "/admin/users", "GET", {"admin"}),
    ("/admin/certificates", "/admin/certificates", "GET", {"admin"}),
    ("/admin/certificates/<int:cert_id>", "/admin/certificates/{cert}", "GET", {"admin"}),
    ("/admin/audit", "/admin/audit", "GET", {"admin"}),
    ("/admin/users/new", "/admin/users/new", "GET", {"admin"}),
    ("/admin/users/<int:user_id>", "/admin/users/{owner}", "GET", {"admin"}),
    ("/admin/users/<int:user_id>/active", "/admin/users/{owner}/active", "POST", {"admin"}),
    ("/admin/users/<int:user_id>/password", "/admin/users/{owner}/password", "POST", {"admin"}),
    ("/admin/units", "/admin/units", "GET", {"admin"}),
    ("/admin/units/new", "/admin/units/new", "GET", {"admin"}),
    ("/admin/units/<int:unit_id>", "/admin/units/{unit}", "GET", {"admin"}),
    ("/admin/assignments", "/admin/assignments", "GET", {"admin"}),
    ("/admin/assignments/<int:assignment_id>", "/admin/assignments/{assignment}", "GET",
     {"admin"}),
    ("/admin/assignments/bulk", "/admin/assignments/bulk", "GET", {"admin"}),
    ("/admin/assignments/bulk", "/admin/assignments/bulk", "POST", {"admin"}),
    ("/admin/people/lookup", "/admin/people/lookup?q=pe", "GET", {"admin"}),
    ("/admin/import", "/admin/import", "GET", {"admin"}),
    ("/admin/import/<int:import_id>", "/admin/import/{staff_import}", "GET", {"admin"}),
    ("/admin/reports", "/admin/reports", "GET", {"admin"}),
    ("/admin/reports/jp", "/admin/reports/jp", "GET", {"admin"}),
    ("/admin/reports/completions.<any(csv, xlsx):fmt>", "/admin/reports/completions.csv", "GET",
     {"admin"}),
    ("/admin/reports/siasn.<any(csv, xlsx):fmt>", "/admin/reports/siasn.xlsx", "GET",
     {"admin"}),
    ("/admin/reports/jp.<any(csv, xlsx):fmt>", "/admin/reports/jp.csv", "GET", {"admin"}),
    ("/admin/notifications", "/admin/notifications", "GET", {"admin"}),
    ("/admin/reports/evaluation", "/admin/reports/evaluation", "GET", {"admin"}),
    ("/admin/reports/evaluation.<any(csv, xlsx):fmt>", "/admin/reports/evaluation.csv", "GET",
     {"admin"}),
    ("/admin/reports/siasn-certificates.zip", "/admin/reports/siasn-certificates.zip", "GET",
     {"admin"}),
]
PUBLIC = {"/login", "/healthz", "/logout", "/language", "/verify", "/verify/<code>",
          # a forgotten password: the link's token decides (tests/auth/test_password_reset.py)
          "/password/forgot", "/password/reset/<token>",
          # the installable app's own files, the same for everyone (tests/offline)
          "/manifest.webmanifest", "/sw.js", "/offline/", "/offline/session"}
#: Shown to visitors as a public summary when the course is open (tests/learn/test_public.py).
PUBLIC_PREVIEW = {"/courses/<slug>"}
#: Pages of one learner's own records; others get 404 (tests/learn/test_isolation.py).
PER_USER = {"/courses/<slug>/<module_slug>/attempts/<int:attempt_id>",
            "/courses/<slug>/<module_slug>/attempts/<int:attempt_id>/save",
            "/certificates/<code>", "/certificates/<code>.pdf",
            # one learner's offline data: enrolled learners only (tests/offline/test_sync.py)
            "/offline/courses/<slug>", "/offline/sync"}
OTHER_INSTRUCTOR_NIP = "199001012015011004"


@pytest.fixture
def course(app):
    """The course, and a certificate of some other learner; returns path values."""
    with app.app_context():
        result = save_course(make_course({
            "course.md": COURSE_MD.replace('["198507202010012001"]', f'["{NIPS["instructor"]}"]')
            .replace("jp: 2", "jp: 2\ncover: media/a.png"),
            "media/a.png": PNG}))
        owner = create_user(PersonData(nip="199105052015031001", full_name="Pemilik"), PASSWORD)
        completion = CourseCompletion(user=owner, course=result.course, course_version=1, jp=2)
        db.session.add(completion)
        db.session.flush()
        cert = issue_certificate(completion, pattern="{seq:04d}/ELN/{year}", tz="Asia/Jakarta")
        assignment = Assignment(course_id=result.course.id, user_id=owner.id)
        staff_import = StaffImport(filename="pegawai.csv", data=b"nip,nama\n")
        unit = upsert_unit("DINKES", "Dinas Kesehatan")
        db.session.add_all([assignment, staff_import])
        db.session.commit()
        asset = result.course.assets[0]
        return {"asset": f"{C}/files/{asset.sha256}/media/a.png", "cert": cert.id,
                "owner": owner.id, "unit": unit.id,
                "assignment": assignment.id, "staff_import": staff_import.id}


def _sign_in(make_user, auth, role):
    if role == "other-instructor":
        account = make_user("instructor", nip=OTHER_INSTRUCTOR_NIP)
    else:
        account = make_user(role)
    auth.login(account.nip)


def _request(client, method, path):
    if method == "GET":
        response = client.get(path)
    else:
        token = csrf_token(client.get("/").get_data(as_text=True))
        response = client.post(path, data={"csrf_token": token})
    response.close()  # downloads are sent from files
    return response


@pytest.mark.parametrize(("rule", "path", "method", "allowed"), ROUTES,
                         ids=[r[0] for r in ROUTES])
def test_anonymous_visitor_is_sent_to_sign_in(client, course, rule, path, method, allowed):
    if rule in PUBLIC_PREVIEW:
        return
    path = path.format(**course)
    response = client.get(path) if method == "GET" else client.post(path)
    assert response.status_code in (302, 400)  # POSTs without a session lack a CSRF token
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("rule", "path", "method", "allowed"), ROUTES,
                         ids=[r[0] for r in ROUTES])
def test_each_role_reaches_only_its_pages(client, auth, make_user, course, rule, path, method,
                                          allowed, role):
    _sign_in(make_user, auth, role)
    response = _request(client, method, path.format(**course))
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == 403
        assert "Akses ditolak" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/healthz", "/password/forgot"])
def test_public_pages_need_no_sign_in(client, path):
    assert client.get(path).status_code == 200


def test_every_registered_route_is_in_the_permission_table(app):
    """A new route must be added to ROUTES or PUBLIC (and so get a role test)."""
    known = {rule for rule, *_ in ROUTES} | PUBLIC | PER_USER
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        assert rule.rule in known, f"{rule.rule} has no role test"


def test_admin_people_list_searches_and_paginates(app, client, auth, make_user):
    from elearn.people.services import PersonData, create_user

    admin = make_user("admin")
    with app.app_context():
        for i in range(30):
            create_user(PersonData(nip=f"1990010120150110{i:02d}", full_name=f"Pegawai {i:02d}"),
                        "sandi-awal-1")
        db.session.commit()
    auth.login(admin.nip)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "31 orang" in first
    assert "Halaman 1 dari 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Pegawai 29" in second
    found = client.get("/admin/users?q=pegawai 07").get_data(as_text=True)
    assert "Pegawai 07" in found and "Pegawai 08" not in found
    none = client.get("/admin/users?q=zzz").get_data(as_text=True)
    assert "Tidak ada yang cocok" in none
