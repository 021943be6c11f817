"""Issue 9 item 1: a course folder or zip must never make the platform read
a file outside the course (symbolic links, devices, absolute paths)."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest
import sqlalchemy as sa

from elearn.content import check_course, read_folder, read_zip
from elearn.content.files import CourseFilesError, _open_regular
from elearn.extensions import db
from elearn.models import CourseAsset

from ..content.helpers import LESSON_MD, make_course

SECRET = b"ELEARN_SECRET_KEY=leaked-by-a-symlink\n"
LINKING_LESSON = LESSON_MD + "\nUnduh [data](media/env.txt).\n"


def _write(folder, changes=None):
    cf = make_course(changes)
    for path, data in cf.files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


@pytest.fixture
def secret_file(tmp_path):
    secret = tmp_path / "outside" / "environ.txt"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    return secret


@pytest.fixture
def linked_course(tmp_path, secret_file):
    folder = _write(tmp_path / "pelayanan-publik", {"01-pengantar.md": LINKING_LESSON})
    (folder / "media").mkdir()
    os.symlink(secret_file, folder / "media" / "env.txt")
    return folder


def test_symlinked_media_file_is_refused_by_the_checker(linked_course):
    cf = read_folder(linked_course)
    assert SECRET not in cf.files.values()
    _, problems = check_course(cf)
    texts = [str(p) for p in problems]
    assert f"{linked_course}/media/env.txt:1: symbolic links are not allowed" in texts


def test_content_check_command_fails_on_a_symlink(runner, linked_course):
    result = runner.invoke(args=["content", "check", str(linked_course)])
    assert result.exit_code == 1
    assert "media/env.txt:1: tautan simbolik (symlink) tidak diizinkan" in result.output


def test_content_import_of_a_symlinked_file_imports_nothing(app, runner, linked_course):
    result = runner.invoke(args=["content", "import", str(linked_course)])
    assert result.exit_code == 1
    assert "tautan simbolik (symlink) tidak diizinkan" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseAsset)) == 0


def test_symlinked_folder_is_refused_and_never_entered(tmp_path, secret_file):
    folder = _write(tmp_path / "pelayanan-publik", {"01-pengantar.md": LINKING_LESSON})
    os.symlink(secret_file.parent, folder / "media")
    cf = read_folder(folder)
    assert all(SECRET not in data for data in cf.files.values())
    _, problems = check_course(cf)
    assert f"{folder}/media:1: symbolic links are not allowed" in [str(p) for p in problems]


def test_symlinked_course_md_is_refused(tmp_path, secret_file):
    folder = _write(tmp_path / "pelayanan-publik")
    os.unlink(folder / "course.md")
    os.symlink(folder / "01-pengantar.md", folder / "course.md")
    _, problems = check_course(read_folder(folder))
    assert f"{folder}/course.md:1: symbolic links are not allowed" in [str(p) for p in problems]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    folder = _write(tmp_path / "pelayanan-publik")
    (folder / "media").mkdir()
    os.mkfifo(folder / "media" / "pipe.txt")
    _, problems = check_course(read_folder(folder))
    assert any(str(p).endswith("media/pipe.txt:1: only regular files and folders are allowed "
                               "(not a device, pipe or socket)") for p in problems)


def test_the_file_reader_never_follows_a_link_even_without_the_walk(tmp_path, secret_file):
    """Defence in depth: the one function that opens course files refuses links itself."""
    folder = _write(tmp_path / "pelayanan-publik")
    (folder / "media").mkdir()
    os.symlink(secret_file, folder / "media" / "env.txt")
    os.symlink(secret_file.parent, folder / "docs")
    for rel in ("media/env.txt", "docs/environ.txt", "../outside/environ.txt"):
        with pytest.raises(Exception) as caught:
            _open_regular(folder, rel)
        assert caught.type.__name__ == "_Refused"
    assert _open_regular(folder, "course.md").startswith(b"---")


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _course_entries():
    return [(f"pelayanan-publik/{path}", data) for path, data in make_course().files.items()]


def test_zip_with_a_symlink_entry_is_refused():
    link = zipfile.ZipInfo("pelayanan-publik/media/env.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(CourseFilesError) as caught:
        read_zip(_zip([*_course_entries(), (link, "/proc/self/environ")]), "kursus.zip")
    assert caught.value.texts() == [
        "kursus.zip: pelayanan-publik/media/env.txt: symbolic links are not allowed"]


@pytest.mark.parametrize("name", ["/etc/passwd", "../../etc/passwd", "C:/Windows/x.txt",
                                  "pelayanan-publik\\..\\..\\x.txt"])
def test_zip_with_an_absolute_or_parent_path_is_refused(name):
    with pytest.raises(CourseFilesError) as caught:
        read_zip(_zip([*_course_entries(), (name, "x")]), "kursus.zip")
    assert f"unsafe path '{name}' in the archive" in str(caught.value)


def test_zip_reports_every_unsafe_entry_at_once():
    link = zipfile.ZipInfo("pelayanan-publik/media/a.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(CourseFilesError) as caught:
        read_zip(_zip([*_course_entries(), (link, "/etc/passwd"), ("/abs.txt", "x")]))
    assert len(caught.value.texts()) == 2


def test_web_upload_of_a_zip_with_a_symlink_shows_the_problem(app, client, auth, make_user):
    user = make_user("admin")
    auth.login(user.nip)
    from ..conftest import csrf_token

    token = csrf_token(client.get("/author/upload").get_data(as_text=True))
    link = zipfile.ZipInfo("pelayanan-publik/media/env.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _zip([*_course_entries(), (link, "/proc/self/environ")])
    response = client.post("/author/upload", data={
        "csrf_token": token, "archive": (io.BytesIO(data), "kursus.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "media/env.txt" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseAsset)) == 0


def test_a_symlinked_course_folder_is_not_picked_up_from_a_parent(runner, tmp_path):
    elsewhere = _write(tmp_path / "elsewhere" / "kursus-lain")
    courses = tmp_path / "content"
    _write(courses / "pelayanan-publik")
    os.symlink(elsewhere, courses / "kursus-tautan")
    result = runner.invoke(args=["content", "check", str(courses)])
    assert result.exit_code == 0, result.output
    assert "1 kursus diperiksa" in result.output
