"""Issue 9 item 10e and 6: zip uploads are checked while streaming, and a
damaged, encrypted or oversized archive is a clear error, never a 500."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
import sqlalchemy as sa

from elearn.content import read_zip
from elearn.content.files import CourseFilesError, ZipLimits
from elearn.extensions import db
from elearn.models import Course

from ..conftest import csrf_token
from ..content.helpers import make_course


def _zip(extra=(), compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for path, data in make_course().files.items():
            archive.writestr(f"pelayanan-publik/{path}", data)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def _errors(data, limits=None):
    with pytest.raises(CourseFilesError) as caught:
        read_zip(data, "kursus.zip", limits)
    return caught.value.texts()


def test_too_many_entries_are_refused_before_unpacking():
    extra = [(f"pelayanan-publik/media/{i}.txt", "x") for i in range(20)]
    assert _errors(_zip(extra), ZipLimits(max_entries=10)) == [
        "kursus.zip: the archive holds 23 entries; at most 10 are allowed"]


def test_a_zip_bomb_entry_is_refused_by_its_ratio():
    bomb = [("pelayanan-publik/media/bom.txt", b"\0" * (5 * 1024 * 1024))]
    errors = _errors(_zip(bomb))
    assert errors == ["kursus.zip: pelayanan-publik/media/bom.txt is compressed suspiciously "
                      "well (more than 100 times)"]


def test_declared_total_over_the_limit_is_refused():
    extra = [(f"pelayanan-publik/media/{i}.txt", b"a" * 4000) for i in range(5)]
    errors = _errors(_zip(extra), ZipLimits(max_total_bytes=10_000))
    assert "kursus.zip: the archive is larger than 0.00953674 MB unpacked" in errors


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the declared (uncompressed) size of ``name`` in both headers."""
    raw = bytearray(data)
    encoded = name.encode()
    local = raw.find(b"PK\x03\x04" + raw[4:4])
    while local != -1:
        if raw[local + 30: local + 30 + len(encoded)] == encoded:
            struct.pack_into("<I", raw, local + 22, size)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        if raw[central + 46: central + 46 + len(encoded)] == encoded:
            struct.pack_into("<I", raw, central + 24, size)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def test_a_header_that_understates_the_size_is_refused_not_unpacked():
    name = "pelayanan-publik/media/besar.txt"
    data = _lie_about_size(_zip([(name, b"ab" * 30_000)]), name, 10)
    errors = _errors(data, ZipLimits(max_file_bytes=20_000))
    assert errors == [f"kursus.zip: {name}: the entry is damaged and cannot be unpacked "
                      "(bad checksum or data)"]


def test_actual_bytes_are_counted_against_the_file_limit():
    name = "pelayanan-publik/media/besar.txt"
    archive = zipfile.ZipFile(io.BytesIO(_zip([(name, b"ab" * 30_000)])))
    info = archive.getinfo(name)
    from elearn.content.files import _read_entry

    with pytest.raises(CourseFilesError) as caught:
        _read_entry(archive, info, ZipLimits(max_file_bytes=20_000), 10**9, "kursus.zip")
    assert caught.value.texts() == [f"kursus.zip: {name}: the file is larger than 0.0190735 MB"]


def test_a_bad_checksum_is_a_clear_error():
    name = "pelayanan-publik/media/catatan.txt"
    data = bytearray(_zip([(name, b"isi catatan " * 50)], zipfile.ZIP_STORED))
    at = bytes(data).find(b"isi catatan")
    data[at] = ord("X")
    assert _errors(bytes(data)) == [
        f"kursus.zip: {name}: the entry is damaged and cannot be unpacked (bad checksum or data)"]


def test_an_encrypted_entry_is_a_clear_error():
    name = "pelayanan-publik/media/rahasia.txt"
    data = bytearray(_zip([(name, b"rahasia")], zipfile.ZIP_STORED))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            struct.pack_into("<H", data, at + offset,
                             struct.unpack_from("<H", data, at + offset)[0] | 1)
            at = data.find(signature, at + 4)
    errors = _errors(bytes(data))
    assert f"kursus.zip: {name}: the entry is encrypted; upload a zip without a password" \
        in errors


def test_an_unsupported_compression_method_is_a_clear_error():
    name = "pelayanan-publik/media/aneh.txt"
    data = bytearray(_zip([(name, b"aneh")], zipfile.ZIP_STORED))
    for signature, offset, name_at in ((b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at: at + name_at + len(name)] == name.encode():
                struct.pack_into("<H", data, at + offset, 97)
            at = data.find(signature, at + 4)
    assert _errors(bytes(data)) == [f"kursus.zip: {name}: the entry uses a compression method "
                                    "that is not supported (use deflate)"]


def test_truncated_archive_is_not_a_zip():
    assert _errors(_zip()[:200]) == ["kursus.zip: not a zip file"]


@pytest.fixture
def admin(make_user, auth):
    user = make_user("admin")
    auth.login(user.nip)
    return user


def _upload(client, data):
    token = csrf_token(client.get("/author/upload").get_data(as_text=True))
    return client.post("/author/upload", data={
        "csrf_token": token, "archive": (io.BytesIO(data), "kursus.zip")},
        content_type="multipart/form-data")


def test_web_upload_of_a_damaged_entry_shows_an_indonesian_error(app, client, admin):
    name = "pelayanan-publik/media/catatan.txt"
    data = bytearray(_zip([(name, b"isi catatan " * 50)], zipfile.ZIP_STORED))
    data[bytes(data).find(b"isi catatan")] = ord("X")
    response = _upload(client, bytes(data))
    assert response.status_code == 200
    assert "rusak dan tidak dapat diekstrak" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_web_upload_limits_come_from_the_config(app, client, admin):
    app.config["ZIP_MAX_ENTRIES"] = 5
    try:
        extra = [(f"pelayanan-publik/media/{i}.txt", "x") for i in range(5)]
        response = _upload(client, _zip(extra))
    finally:
        app.config["ZIP_MAX_ENTRIES"] = 1000
    assert response.status_code == 200
    assert "arsip berisi 8 entri; paling banyak 5 entri yang diizinkan" in \
        response.get_data(as_text=True)
