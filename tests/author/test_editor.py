"""The module editor's live preview, file uploads and in-app authoring guide."""

import io

import pytest

from elearn.content.assets import AssetError, content_matches, upload_path
from elearn.content.files import MAX_FILE_BYTES
from elearn.courses.assets import add_asset
from elearn.courses.store import ContentError, get_course, save_course
from elearn.extensions import db

from ..conftest import AuthActions, csrf_token
from ..content.helpers import make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PDF = b"%PDF-1.4\n%...\n"
EDITOR = "/author/courses/pelayanan-publik/modules/pengantar"
NEW = "/author/courses/pelayanan-publik/modules/new"
FILES = "/author/courses/pelayanan-publik/files"




@pytest.fixture
def instructor(make_user, auth):
    account = make_user("instructor")
    auth.login(account.nip)
    return account


def _token(client, url=EDITOR):
    return csrf_token(client.get(url).get_data(as_text=True))


def preview(client, body, url=EDITOR, **fields):
    data = {"csrf_token": _token(client), "title": "Pengantar", "kind": "lesson",
            "minutes": "10", "body": body, **fields}
    return client.post(url + "/preview", data=data, headers={"X-Fragment": "1"})


def upload(client, name, data, fragment=True, module="pengantar"):
    form = {"csrf_token": _token(client), "module": module,
            "file": (io.BytesIO(data), name)}
    return client.post(FILES, data=form, content_type="multipart/form-data",
                       headers={"X-Fragment": "1"} if fragment else {})


# -- the preview ------------------------------------------------------------

def test_preview_renders_the_typed_text_sanitized_and_saves_nothing(app, client, course,
                                                                    instructor):
    with app.app_context():
        before = get_course("pelayanan-publik")
        version, source = before.version, before.modules[0].source
    response = preview(client, "## Baru\n\nTeks **tebal**.\n\n<script>alert(1)</script>"
                       "\n\n[x](javascript:alert(1))")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="isi-baru">Baru</h2>' in html and "<strong>tebal</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert "<html" not in html  # a fragment for the pane, not a page
    with app.app_context():
        after = get_course("pelayanan-publik")
        assert (after.version, after.modules[0].source) == (version, source)


def test_preview_lists_each_problem_with_its_line_in_indonesian(client, course, instructor):
    html = preview(client, "Teks.\n\n![alur](media/tidak-ada.png)").get_data(as_text=True)
    assert ("pelayanan-publik/01-pengantar.md:7: gambar &#39;media/tidak-ada.png&#39; "
            "tidak ada di folder kursus") in html
    assert "1 masalah perlu diperbaiki" in html


def test_preview_over_the_module_size_limit_says_so_instead_of_failing(client, course,
                                                                       instructor):
    response = preview(client, "kata " * 7000)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "paling banyak 30000 karakter yang diizinkan" in html


def test_preview_of_a_new_module_works_before_it_has_a_short_name(client, course, instructor):
    response = preview(client, "## Draf\n\nIsi.", url=NEW, slug="")
    assert '<h2 id="isi-draf">Draf</h2>' in response.get_data(as_text=True)


def test_preview_refuses_a_post_without_the_csrf_token(client, course, instructor):
    response = client.post(EDITOR + "/preview", data={"body": "## X"})
    assert response.status_code == 400


def test_preview_without_javascript_keeps_the_text_and_shows_the_preview_beside_it(
        client, course, instructor):
    html = client.post(EDITOR, data={
        "csrf_token": _token(client), "title": "Pengantar", "kind": "lesson", "minutes": "",
        "body": "## Sebelah\n\nTeks yang diketik.", "action": "preview"}).get_data(as_text=True)
    pane = html[html.index('id="pane-preview"'):]
    assert '<h2 id="isi-sebelah">Sebelah</h2>' in pane
    assert "Teks yang diketik.</textarea>" in html


def test_the_editor_links_the_guide_and_loads_its_script_from_the_site(client, course,
                                                                       instructor):
    html = client.get(EDITOR).get_data(as_text=True)
    assert 'href="/author/guide" target="_blank"' in html
    assert 'src="/static/editor.js?v=' in html
    assert 'data-preview-url="/author/courses/pelayanan-publik/modules/pengantar/preview"' in html


def test_guide_shows_the_authoring_docs_in_the_site_chrome(client, instructor):
    html = client.get("/author/guide").get_data(as_text=True)
    assert "<h1>Panduan penulisan materi</h1>" in html
    assert "Writing a course for elearn" in html and 'lang="en"' in html
    assert "github.com" not in html


# -- names and types --------------------------------------------------------

@pytest.mark.parametrize(("name", "path"), [
    ("Alur Layanan (baru).PNG", "media/alur-layanan-baru.png"),
    ("Ünïcodé foto.jpg", "media/unicode-foto.jpg"),
    ("SOP_2024.v2.pdf", "media/sop-2024-v2.pdf"),
])
def test_upload_names_become_plain_safe_paths(name, path):
    assert upload_path(name) == path


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\boot.png", "media/x.png",
                                  ".htaccess", "фото.png", "a" * 101 + ".png", "a\x00b.png",
                                  "", "   "])
def test_upload_names_that_could_escape_or_say_nothing_are_refused(name):
    with pytest.raises(AssetError):
        upload_path(name)


def test_content_must_match_the_extension():
    assert content_matches("media/a.png", PNG)
    assert content_matches("media/a.pdf", PDF)
    assert not content_matches("media/a.png", PDF)
    assert not content_matches("media/a.pdf", b"MZ\x90\x00program")
    assert not content_matches("media/a.docx", b"<html>")
    assert content_matches("media/a.csv", b"nip;nama\n")  # text has no signature


def test_a_folder_import_refuses_a_file_disguised_by_its_extension(app):
    with app.app_context(), pytest.raises(ContentError) as caught:
        save_course(make_course({"media/sop.pdf": b"MZ\x90\x00program"}))
    assert "media/sop.pdf:1: the file's content is not a .pdf file" in caught.value.text()


# -- the upload service -----------------------------------------------------

def test_an_upload_becomes_a_course_file_and_a_new_version(app, course):
    with app.app_context():
        c = get_course("pelayanan-publik")
        version, digest = c.version, c.content_hash
        added = add_asset(c, "Alur Layanan.png", PNG)
        db.session.commit()
        assert (added.path, added.snippet, added.outcome) == (
            "media/alur-layanan.png", "![alur layanan](media/alur-layanan.png)", "added")
        c = get_course("pelayanan-publik")
        assert c.version == version + 1 and c.content_hash != digest
        assert {a.path: a.content_type for a in c.assets} == {"media/alur-layanan.png":
                                                               "image/png"}
        assert add_asset(c, "sop.pdf", PDF).snippet == "[sop.pdf](media/sop.pdf)"


def test_the_same_file_again_changes_nothing_and_another_never_replaces_it(app, course):
    with app.app_context():
        c = get_course("pelayanan-publik")
        add_asset(c, "foto.png", PNG)
        version = c.version
        assert add_asset(c, "foto.png", PNG).outcome == "unchanged"
        assert c.version == version
        other = PNG + b"lain"
        assert add_asset(c, "foto.png", other).path == "media/foto-2.png"
        data = {a.path: a.data for a in c.assets}
        assert data == {"media/foto.png": PNG, "media/foto-2.png": other}


@pytest.mark.parametrize(("name", "data", "error"), [
    ("foto.png", PDF, "the file's content is not a .png file"),
    ("alat.exe", b"MZ\x90\x00", "unsupported file type '.exe'"),
    ("besar.pdf", b"%PDF-" + b"x" * MAX_FILE_BYTES, "file is larger than 10 MB"),
])
def test_a_refused_upload_writes_nothing(app, course, name, data, error):
    with app.app_context():
        c = get_course("pelayanan-publik")
        version = c.version
        with pytest.raises(ContentError) as caught:
            add_asset(c, name, data)
        db.session.rollback()
        assert error in caught.value.text()
        c = get_course("pelayanan-publik")
        assert c.version == version and c.assets == []


def test_an_empty_upload_is_refused(app, course):
    with app.app_context(), pytest.raises(AssetError, match="is empty"):
        add_asset(get_course("pelayanan-publik"), "kosong.txt", b"")


# -- the upload route -------------------------------------------------------

def test_upload_answers_the_editor_with_the_snippet_to_insert(app, client, course,
                                                              instructor):
    html = upload(client, "Alur.png", PNG).get_data(as_text=True)
    assert "Berkas diunggah ke kursus sebagai media/alur.png." in html
    assert "<code>![alur](media/alur.png)</code>" in html
    assert 'class="insert-snippet" data-snippet="![alur](media/alur.png)" hidden' in html
    assert "<html" not in html


def test_upload_without_javascript_shows_a_page_leading_back_to_the_editor(client, course,
                                                                           instructor):
    html = upload(client, "sop.pdf", PDF, fragment=False).get_data(as_text=True)
    assert "<h1>Unggah berkas</h1>" in html and "[sop.pdf](media/sop.pdf)" in html
    assert f'href="{EDITOR}">Kembali ke editor' in html
    new = upload(client, "sop2.pdf", PDF + b"2", fragment=False, module="")
    assert f'href="{NEW}">Kembali ke editor' in new.get_data(as_text=True)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("foto.png", PDF, "isi berkas bukan berkas .png"),
    ("../../foto.png", PNG, "Nama berkas tidak boleh memuat folder"),
    ("kosong.png", b"", "Berkas kosong.png kosong."),
    ("skrip.html", b"<script>", "jenis berkas &#39;.html&#39; tidak didukung"),
])
def test_upload_of_a_bad_file_says_why_in_indonesian(app, client, course, instructor, name,
                                                     data, message):
    response = upload(client, name, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Berkas tidak diunggah:" in html and message in html
    with app.app_context():
        assert get_course("pelayanan-publik").assets == []


def test_upload_without_a_file_asks_for_one(client, course, instructor):
    response = client.post(FILES, data={"csrf_token": _token(client)},
                           headers={"X-Fragment": "1"})
    assert "Pilih berkas yang akan diunggah." in response.get_data(as_text=True)


def test_upload_refuses_a_post_without_the_csrf_token(app, client, course, instructor):
    response = client.post(FILES, data={"file": (io.BytesIO(PNG), "a.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        assert get_course("pelayanan-publik").assets == []


def test_an_uploaded_image_used_in_a_published_module_reaches_learners(app, client, course,
                                                                       instructor, make_user):
    upload(client, "alur.png", PNG)
    client.post(EDITOR, data={
        "csrf_token": _token(client), "title": "Pengantar", "kind": "lesson", "minutes": "10",
        "body": "Lihat gambar.\n\n![alur](media/alur.png)", "action": "save"})
    with app.app_context():
        c = get_course("pelayanan-publik")
        digest = c.assets[0].sha256
        assert f"/files/{digest}/media/alur.png" in c.modules[0].body_html
    learner = app.test_client()
    AuthActions(learner).login(make_user("learner").nip)
    url = f"/courses/pelayanan-publik/files/{digest}/media/alur.png"
    response = learner.get(url)
    assert response.status_code == 200 and response.data == PNG


def test_replacing_a_file_by_import_keeps_unchanged_modules_pointing_at_it(app):
    """Asset URLs carry the digest: a module whose text did not change still shows
    the new file after a folder import replaced it (uploads never replace)."""
    lesson = make_course().files["01-pengantar.md"].decode() + "\n![alur](media/a.png)\n"
    with app.app_context():
        save_course(make_course({"01-pengantar.md": lesson, "media/a.png": PNG}))
        db.session.commit()
        save_course(make_course({"01-pengantar.md": lesson, "media/a.png": PNG + b"baru"}))
        db.session.commit()
        c = get_course("pelayanan-publik")
        module = next(m for m in c.modules if m.slug == "pengantar")
        assert f"/files/{c.assets[0].sha256}/media/a.png" in module.body_html


def test_the_guide_stays_within_the_markdown_limits_so_it_renders_as_markdown():
    from elearn.author.editor_routes import GUIDE
    from elearn.content.limits import markdown_problems

    assert markdown_problems(GUIDE.read_text(encoding="utf-8")) == []


def test_preview_with_empty_minutes_names_the_missing_key_once(client, course, instructor):
    html = preview(client, "Teks.", minutes="").get_data(as_text=True)
    assert html.count("minutes") == 1 and "None" not in html


def test_uploads_stop_where_the_course_would_outgrow_a_zip_upload(app, course):
    with app.app_context():
        c = get_course("pelayanan-publik")
        add_asset(c, "a.pdf", PDF + b"a" * 500, max_course_bytes=2000)
        with pytest.raises(AssetError, match="larger than 0 MB together"):
            add_asset(c, "b.pdf", PDF + b"b" * 1000, max_course_bytes=2000)
        assert [a.path for a in c.assets] == ["media/a.pdf"]
