"""Web authoring: create, edit, preview, publish, reorder, upload, with permissions."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from elearn.courses.store import get_course, save_course
from elearn.extensions import db
from elearn.models import Module, ModuleProgress
from elearn.models.people import utcnow

from .conftest import NIPS, csrf_token
from .content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course


def post_form(client, page_url, data, url=None):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url or page_url, data={"csrf_token": token, **data})


@pytest.fixture
def instructor(make_user, auth):
    account = make_user("instructor")
    auth.login(account.nip)
    return account


@pytest.fixture
def course(app):
    """A published course whose instructor is the default test instructor."""
    with app.app_context():
        save_course(make_course({"course.md": COURSE_MD.replace(
            '["198507202010012001"]', f'["{NIPS["instructor"]}"]')}))
        db.session.commit()


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
    from .conftest import AuthActions

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
