"""Web authoring: create, edit, preview, publish, reorder, upload, with permissions."""

import io
import zipfile
from html import unescape
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from elearn.courses import authoring
from elearn.courses.store import get_course, save_course
from elearn.extensions import db
from elearn.models import Module, ModuleProgress
from elearn.models.people import utcnow

from ..conftest import csrf_token
from ..content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course


def post_form(client, page_url, data, url=None):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url or page_url, data={"csrf_token": token, **data})


@pytest.fixture
def instructor(make_user, auth):
    account = make_user("instructor")
    auth.login(account.nip)
    return account




COURSE_FORM = {"slug": "etika-asn", "title": "Etika ASN", "summary": "Kode etik bagi ASN.",
               "jp": "2", "competency": "teknis", "level": "dasar", "instructors": "",
               "description": "Kursus tentang **etika**."}
MODULE_FORM = {"title": "Nilai Dasar", "kind": "lesson", "minutes": "10", "pass_score": "70",
               "max_attempts": "3", "body": "## BerAKHLAK\n\nNilai dasar ASN."}


def test_instructor_creates_a_draft_course_that_learners_cannot_see(app, client, instructor,
                                                                   make_user):
    response = post_form(client, "/author/courses/new", COURSE_FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/author/courses/etika-asn"
    with app.app_context():
        course = get_course("etika-asn")
        assert course.status == "draft"
        assert course.instructor_nips == [instructor.nip]
        assert "<strong>etika</strong>" in course.description_html
    learner = make_user("learner")
    other = app.test_client()
    from ..conftest import AuthActions

    AuthActions(other).login(learner.nip)
    assert other.get("/courses/etika-asn").status_code == 404


def test_course_form_reports_each_problem_in_indonesian(client, instructor):
    bad = {**COURSE_FORM, "slug": "Etika ASN", "jp": "0", "title": ""}
    html = post_form(client, "/author/courses/new", bad).get_data(as_text=True)
    assert "Gunakan huruf kecil, angka dan tanda hubung tunggal." in html
    assert "JP harus antara 1 dan 100." in html
    assert "Masukkan judul." in html


def test_duplicate_course_slug_is_refused(client, instructor, course):
    html = post_form(client, "/author/courses/new", {**COURSE_FORM, "slug": "pelayanan-publik"}
                     ).get_data(as_text=True)
    assert "sudah ada" in html


def test_preview_renders_on_the_server_and_saves_nothing(app, client, instructor, course):
    url = "/author/courses/pelayanan-publik/modules/new"
    response = post_form(client, url, {**MODULE_FORM, "slug": "nilai-dasar",
                                       "action": "preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="isi-berakhlak">BerAKHLAK</h2>' in html
    with app.app_context():
        assert "nilai-dasar" not in [m.slug for m in get_course("pelayanan-publik").modules]


def test_preview_of_a_quiz_shows_problems_with_their_lines(client, instructor, course):
    url = "/author/courses/pelayanan-publik/modules/new"
    body = "## Soal tanpa jawaban benar\n- [ ] A\n- [ ] B\n"
    html = post_form(client, url, {**MODULE_FORM, "kind": "quiz", "slug": "kuis-dua",
                                   "body": body, "action": "preview"}).get_data(as_text=True)
    assert "pelayanan-publik/03-kuis-dua.md:" in html
    assert "soal tidak memiliki opsi yang benar" in html


def test_save_as_draft_then_publish_a_new_module(app, client, instructor, course):
    url = "/author/courses/pelayanan-publik/modules/new"
    response = post_form(client, url, {**MODULE_FORM, "slug": "nilai-dasar", "action": "save"})
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "nilai-dasar"))
        assert (module.status, module.position) == ("draft", 3)
        assert get_course("pelayanan-publik").version == 2
    edit = "/author/courses/pelayanan-publik/modules/nilai-dasar"
    post_form(client, edit, {**MODULE_FORM, "action": "publish"})
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "nilai-dasar"))
        assert module.status == "published"
    page = client.get("/courses/pelayanan-publik/nilai-dasar").get_data(as_text=True)
    assert '<h2 id="isi-berakhlak">BerAKHLAK</h2>' in page


def test_invalid_module_is_not_saved_and_the_error_names_the_line(app, client, instructor,
                                                                 course):
    url = "/author/courses/pelayanan-publik/modules/pengantar"
    body = "Teks.\n\n![Bagan](media/tidak-ada.png)\n"
    html = post_form(client, url, {**MODULE_FORM, "body": body, "action": "save"}
                     ).get_data(as_text=True)
    assert "pelayanan-publik/01-pengantar.md:7:" in html
    assert "tidak ada di folder kursus" in html
    with app.app_context():
        assert get_course("pelayanan-publik").modules[0].source == LESSON_MD


def test_editing_a_published_module_keeps_learners_progress(app, client, instructor, course,
                                                            make_user):
    learner = make_user("learner")
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "pengantar"))
        db.session.add(ModuleProgress(user_id=learner.id, module_id=module.id,
                                      completed_at=utcnow()))
        db.session.commit()
        module_id = module.id
    url = "/author/courses/pelayanan-publik/modules/pengantar"
    post_form(client, url, {**MODULE_FORM, "title": "Pengantar (revisi)", "action": "save"})
    with app.app_context():
        module = db.session.get(Module, module_id)
        assert (module.title, module.status) == ("Pengantar (revisi)", "published")
        progress = db.session.scalar(sa.select(ModuleProgress))
        assert progress.module_id == module_id and progress.completed_at is not None


def test_reordering_renumbers_the_files_and_keeps_links(app, client, instructor, course):
    page = "/author/courses/pelayanan-publik"
    post_form(client, page, {"direction": "down"}, url=f"{page}/modules/pengantar/move")
    with app.app_context():
        course = get_course("pelayanan-publik")
        assert [m.filename for m in course.active_modules] == ["01-kuis.md", "02-pengantar.md"]
        assert 'href="/courses/pelayanan-publik/kuis"' in course.modules[1].body_html


def test_publishing_a_course_needs_a_published_module(app, client, instructor):
    post_form(client, "/author/courses/new", COURSE_FORM)
    response = post_form(client, "/author/courses/etika-asn", {},
                         url="/author/courses/etika-asn/publish")
    assert response.status_code == 302
    html = client.get("/author/courses/etika-asn").get_data(as_text=True)
    assert "terbitkan setidaknya satu modul sebelum kursus" in html
    with app.app_context():
        assert get_course("etika-asn").status == "draft"


def test_instructor_cannot_remove_themselves_from_the_course(app, client, instructor, course):
    data = {**COURSE_FORM, "title": "Baru", "instructors": "198003152005011002"}
    html = post_form(client, "/author/courses/pelayanan-publik", data).get_data(as_text=True)
    assert "Tetap cantumkan NIP Anda" in html
    with app.app_context():
        assert get_course("pelayanan-publik").title == "Pelayanan Publik"


def test_settings_edit_records_a_new_version(app, client, instructor, course):
    data = {**COURSE_FORM, "title": "Pelayanan Publik Prima", "instructors": instructor.nip}
    assert post_form(client, "/author/courses/pelayanan-publik", data).status_code == 302
    with app.app_context():
        course = get_course("pelayanan-publik")
        assert (course.title, course.version, course.jp) == ("Pelayanan Publik Prima", 2, 2)
        assert course.source.startswith("---\ntitle: Pelayanan Publik Prima\n")


def _zip(files: dict, top="kursus-unggah") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(f"{top}/{path}", text)
    return buffer.getvalue()


def _upload(client, data: bytes, name="kursus.zip"):
    token = csrf_token(client.get("/author/upload").get_data(as_text=True))
    return client.post("/author/upload", data={"csrf_token": token,
                                               "archive": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _course_files(instructor_nip):
    return {"course.md": COURSE_MD.replace('["198507202010012001"]', f'["{instructor_nip}"]'),
            "01-pengantar.md": LESSON_MD, "02-kuis.md": QUIZ_MD}


def test_uploading_a_zipped_course_imports_it_as_a_draft(app, client, instructor):
    response = _upload(client, _zip(_course_files(instructor.nip)))
    assert response.status_code == 302
    with app.app_context():
        course = get_course("kursus-unggah")
        assert course.status == "draft" and len(course.modules) == 2
    again = _upload(client, _zip(_course_files(instructor.nip)))
    assert again.status_code == 302
    assert "sudah mutakhir" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_uploading_a_broken_course_lists_its_problems_and_saves_nothing(app, client,
                                                                        instructor):
    files = _course_files(instructor.nip)
    files["course.md"] = files["course.md"].replace("jp: 2", "jp: dua")
    html = _upload(client, _zip(files)).get_data(as_text=True)
    assert "kursus-unggah/course.md:4:" in html
    with app.app_context():
        assert get_course("kursus-unggah") is None


def test_upload_rejects_a_file_that_is_not_a_zip(client, instructor):
    html = _upload(client, b"bukan zip", name="kursus.pdf").get_data(as_text=True)
    assert "Hanya berkas .zip yang dapat diunggah." in html
    html = _upload(client, b"bukan zip", name="kursus.zip").get_data(as_text=True)
    assert "bukan berkas zip" in html


def test_instructor_must_list_themselves_in_an_uploaded_course(app, client, instructor):
    html = _upload(client, _zip(_course_files("198003152005011002"))).get_data(as_text=True)
    assert f"tambahkan NIP Anda {instructor.nip}" in html


def test_upload_cannot_overwrite_a_course_of_other_instructors(app, client, make_user, auth,
                                                              course):
    other = make_user("instructor", nip="199001012015011004")
    auth.login(other.nip)
    html = _upload(client, _zip(_course_files(other.nip), top="pelayanan-publik")
                   ).get_data(as_text=True)
    assert "bukan salah satu pengajarnya" in html


def test_export_zip_holds_the_course_folder(client, instructor, course):
    response = client.get("/author/courses/pelayanan-publik/export.zip")
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(names) == ["pelayanan-publik/01-pengantar.md", "pelayanan-publik/02-kuis.md",
                             "pelayanan-publik/course.md"]


def test_course_files_are_served_with_type_and_long_cache(app, client, instructor):
    png = b"\x89PNG\r\n\x1a\n" + b"\3" * 16
    with app.app_context():
        result = save_course(make_course({"media/a.png": png, "media/sop.pdf": b"%PDF-1.4"}))
        db.session.commit()
        urls = {a.path: f"/courses/pelayanan-publik/files/{a.sha256}/{a.path}"
                for a in result.course.assets}
    image = client.get(urls["media/a.png"])
    assert image.status_code == 200 and image.data == png
    assert image.headers["Content-Type"] == "image/png"
    assert "max-age=31536000" in image.headers["Cache-Control"]
    pdf = client.get(urls["media/sop.pdf"])
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    digest = urls["media/a.png"].split("/")[4]
    stale = urls["media/a.png"].replace(digest, "0" * 64)
    assert client.get(stale).status_code == 404


# -- quiz assessment settings in the editor -----------------------------------------------

class _BrowserForm(HTMLParser):
    """What a browser submits from the module editor as the page shows it."""

    FIELDS = {"csrf_token", "title", "kind", "minutes", "pass_score", "max_attempts", "shuffle",
              "shuffle_questions", "require_lessons", "review", "draw", "retry_after",
              "time_limit", "body"}

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name in self.FIELDS:
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.values.setdefault(name, attrs.get("value") or "")
        elif tag == "select" and name in self.FIELDS:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in self.values:
                self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name in self.FIELDS:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\r\n") \
                if not self.values[self._textarea] else data


def browser_save(client, url: str, **changes):
    """Open the editor, change ``changes`` and press Save, as a person would."""
    values = _BrowserForm(client.get(url).get_data(as_text=True)).values
    return client.post(url, data={**values, **changes, "action": "save"})


GROUPED_QUIZ = (QUIZ_MD
                .replace("shuffle: true\n", "shuffle: true\nreview: never\nrequire_lessons: false\n"
                         "draw: {layanan: 1, etika: 2}\nretry_after: 90m\ntime_limit: 1h30m\n")
                .replace("pelayanan?\n", "pelayanan? {group=layanan}\n")
                .replace("{points=2}", "{points=2 group=etika}")
                .replace("dipublikasikan.\n", "dipublikasikan. {group=layanan}\n")
                .replace("ASN adalah ...", "ASN adalah ... {group=etika}"))

QUIZ_DRAFT = dict(title="Kuis", kind="quiz", minutes=5, body="## Soal?\n- [x] Ya\n- [ ] Tidak",
                  pass_score=70, max_attempts=3)


def test_a_quiz_with_default_assessment_settings_is_written_as_before():
    """No new key is written at its default, so quizzes saved earlier re-save unchanged."""
    text = authoring.module_md(authoring.ModuleDraft(**QUIZ_DRAFT))
    assert text == ("---\ntitle: Kuis\nminutes: 5\ntype: quiz\npass_score: 70\nmax_attempts: 3\n"
                    "shuffle: false\nshuffle_questions: false\n---\n"
                    "## Soal?\n- [x] Ya\n- [ ] Tidak\n")


@pytest.mark.parametrize(("changes", "line"), [
    ({"review": "after_last_attempt"}, "review: after_last_attempt"),
    ({"review": "immediately"}, "review: immediately"),
    ({"review": "never"}, "review: never"),
    ({"require_lessons": False}, "require_lessons: false"),
    ({"draw": "10"}, "draw: 10"),
    ({"draw": "etika: 3, layanan: 3"}, "draw: {etika: 3, layanan: 3}"),
    ({"draw": "{etika: 3, layanan: 3}"}, "draw: {etika: 3, layanan: 3}"),
    ({"retry_after": "1h30m"}, "retry_after: 1h30m"),
    ({"time_limit": "45m"}, "time_limit: 45m"),
])
def test_each_assessment_setting_is_written_and_read_back_by_the_editor(changes, line):
    draft = authoring.ModuleDraft(**QUIZ_DRAFT, **changes)
    text = authoring.module_md(draft)
    assert f"\nshuffle_questions: false\n{line}\n---\n" in text
    module = Module(slug="kuis", position=2, title="Kuis", kind="quiz", minutes=5, source=text,
                    pass_score=70, max_attempts=3, shuffle=False, shuffle_questions=False)
    again = authoring.draft_of(module)
    assert authoring.module_md(again) == text
    if "draw" not in changes:
        assert again == draft


def test_quiz_settings_saved_in_the_editor_reach_the_module(app, client, instructor, course):
    url = "/author/courses/pelayanan-publik/modules/new"
    response = post_form(client, url, {
        **MODULE_FORM, "kind": "quiz", "slug": "kuis-dua", "body": QUIZ_MD.split("---\n")[2],
        "review": "after_last_attempt", "draw": "3", "retry_after": "2d",
        "time_limit": "1h", "action": "save"})
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis-dua"))
        assert (module.review_policy, module.require_lessons, module.retry_after_seconds,
                module.time_limit_seconds, module.quiz["draw"]) == (
            "after_last_attempt", False, 2 * 86400, 3600, {"*": 3})
        assert "\nreview: after_last_attempt\nrequire_lessons: false\ndraw: 3\n" \
               "retry_after: 2d\ntime_limit: 1h\n---\n" in module.source


def test_the_editor_shows_the_settings_written_in_git(app, client, instructor):
    with app.app_context():
        save_course(make_course({"course.md": COURSE_MD, "02-kuis.md": GROUPED_QUIZ}))
        db.session.commit()
    values = _BrowserForm(client.get("/author/courses/pelayanan-publik/modules/kuis")
                          .get_data(as_text=True)).values
    assert {key: values.get(key) for key in (
        "review", "require_lessons", "draw", "retry_after", "time_limit")} == {
        "review": "never", "require_lessons": None, "draw": "layanan: 1, etika: 2",
        "retry_after": "90m", "time_limit": "1h30m"}


def test_editing_a_quiz_in_the_browser_keeps_every_setting_written_in_git(app, client,
                                                                          instructor):
    with app.app_context():
        save_course(make_course({"course.md": COURSE_MD, "02-kuis.md": GROUPED_QUIZ}))
        db.session.commit()
    response = browser_save(client, "/author/courses/pelayanan-publik/modules/kuis",
                            title="Kuis (revisi)")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        assert module.title == "Kuis (revisi)"
        assert ("review: never\nrequire_lessons: false\ndraw: {layanan: 1, etika: 2}\n"
                "retry_after: 90m\ntime_limit: 1h30m\n---\n") in module.source
        assert module.quiz["draw"] == {"layanan": 1, "etika": 2}
        assert (module.review_policy, module.require_lessons, module.retry_after_seconds,
                module.time_limit_seconds) == ("never", False, 5400, 5400)


def test_resaving_a_quiz_unchanged_in_the_browser_changes_nothing(app, client, instructor,
                                                                   course):
    url = "/author/courses/pelayanan-publik/modules/new"
    post_form(client, url, {**MODULE_FORM, "kind": "quiz", "slug": "kuis-dua",
                            "require_lessons": "y", "body": QUIZ_MD.split("---\n")[2],
                            "action": "save"})
    with app.app_context():
        before = get_course("pelayanan-publik").version
    assert browser_save(client, "/author/courses/pelayanan-publik/modules/kuis-dua"
                        ).status_code == 302
    with app.app_context():
        assert get_course("pelayanan-publik").version == before


@pytest.mark.parametrize(("changes", "expected"), [
    ({"draw": "12"}, "03-kuis-dua.md:9: draw meminta 12 soal, tetapi kuis ini hanya memiliki 4"),
    ({"draw": "etika: 2"}, "03-kuis-dua.md:9: draw meminta 2 soal dari kelompok 'etika', "
                           "tetapi kuis ini hanya memiliki 0"),
    ({"retry_after": "90"}, "03-kuis-dua.md:9: retry_after perlu satuan: tulis 90m, bukan 90"),
    ({"time_limit": "2 jam"}, "03-kuis-dua.md:9: time_limit harus berupa durasi seperti 30m"),
    ({"time_limit": "2d"}, "03-kuis-dua.md:9: time_limit harus antara 1m dan 1d, tertulis '2d'"),
])
def test_bad_quiz_settings_come_back_as_the_checkers_problems(app, client, instructor, course,
                                                              changes, expected):
    url = "/author/courses/pelayanan-publik/modules/new"
    for action in ("preview", "publish"):
        html = post_form(client, url, {**MODULE_FORM, "kind": "quiz", "slug": "kuis-dua",
                                       "require_lessons": "y", "action": action,
                                       "body": QUIZ_MD.split("---\n")[2], **changes}
                         ).get_data(as_text=True)
        assert f"pelayanan-publik/{expected}" in unescape(html), action
    with app.app_context():
        assert "kuis-dua" not in [m.slug for m in get_course("pelayanan-publik").modules]


# -- publishing safety --------------------------------------------------------------------

def _new_module(client, course_slug, **changes):
    url = f"/author/courses/{course_slug}/modules/new"
    return post_form(client, url, {**MODULE_FORM, **changes})


def _flashes(client, slug="pelayanan-publik") -> str:
    return unescape(client.get(f"/author/courses/{slug}").get_data(as_text=True))


def test_publishing_a_course_with_draft_modules_is_refused_naming_each(app, client, instructor):
    post_form(client, "/author/courses/new", COURSE_FORM)
    _new_module(client, "etika-asn", slug="nilai-dasar", action="publish")
    _new_module(client, "etika-asn", slug="kode-etik", title="Kode Etik", action="save")
    _new_module(client, "etika-asn", slug="kuis-etika", title="Kuis Etika", kind="quiz",
                body=QUIZ_MD.split("---\n")[2], action="save")
    page = "/author/courses/etika-asn"
    post_form(client, page, {}, url=f"{page}/publish")
    html = _flashes(client, "etika-asn")
    assert "modul 02-kode-etik.md (Kode Etik) masih berupa draf: terbitkan atau hapus " \
           "terlebih dahulu" in html
    assert "modul 03-kuis-etika.md (Kuis Etika) masih berupa draf" in html
    assert "01-nilai-dasar.md" not in html
    with app.app_context():
        assert get_course("etika-asn").status == "draft"
    for module in ("kode-etik", "kuis-etika"):
        post_form(client, page, {"state": "published"}, url=f"{page}/modules/{module}/status")
    post_form(client, page, {}, url=f"{page}/publish")
    with app.app_context():
        assert get_course("etika-asn").status == "published"


def test_publishing_a_quiz_after_a_draft_lesson_warns_naming_the_lesson(app, client,
                                                                        instructor, course):
    _new_module(client, "pelayanan-publik", slug="nilai-dasar", action="save")
    response = _new_module(client, "pelayanan-publik", slug="kuis-dua", title="Kuis Dua",
                           kind="quiz", body=QUIZ_MD.split("---\n")[2], action="publish")
    assert response.status_code == 302
    html = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Modul diterbitkan." in html
    assert ('class="flash flash-warning" role="status">pelajaran 03-nilai-dasar.md (Nilai Dasar) '
            "sebelum kuis ini masih berupa draf: peserta akan sampai ke kuis tanpa pelajaran "
            "itu sampai Anda menerbitkannya") in html


def test_publishing_a_quiz_from_the_module_list_warns_too(client, instructor, course):
    page = "/author/courses/pelayanan-publik"
    post_form(client, page, {"state": "draft"}, url=f"{page}/modules/pengantar/status")
    post_form(client, page, {"state": "draft"}, url=f"{page}/modules/kuis/status")
    post_form(client, page, {"state": "published"}, url=f"{page}/modules/kuis/status")
    assert "pelajaran 01-pengantar.md (Pengantar) sebelum kuis ini masih berupa draf" \
        in _flashes(client)


def test_no_warning_for_a_quiz_after_published_lessons_or_in_a_draft_course(app, client,
                                                                           instructor, course):
    page = "/author/courses/pelayanan-publik"
    post_form(client, page, {"state": "draft"}, url=f"{page}/modules/kuis/status")
    post_form(client, page, {"state": "published"}, url=f"{page}/modules/kuis/status")
    assert "sebelum kuis ini" not in _flashes(client)
    post_form(client, "/author/courses/new", COURSE_FORM)
    _new_module(client, "etika-asn", slug="nilai-dasar", action="save")
    _new_module(client, "etika-asn", slug="kuis-etika", kind="quiz",
                body=QUIZ_MD.split("---\n")[2], action="publish")
    assert "sebelum kuis ini" not in _flashes(client, "etika-asn")
