"""Staff files are hostile until checked (issue 9, "bounded size and time"): an XLSX
is a zip, so a small upload can unpack to gigabytes, and a CSV can hold millions of
rows. Both are refused with a clear message before they fill a worker's memory."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from elearn.extensions import db
from elearn.models import User
from elearn.people.staff_import import ImportFileError, read_rows, reading

from ..conftest import csrf_token

HEADER = ["nip", "nama", "email", "unit_kode", "jabatan", "golongan", "role"]


def _xlsx(extra: tuple[str, int] | None = None) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["199204112019031005", "Andi", "", "DINKES", "Staf", "III/a",
                            "learner"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    if extra is None:
        return buffer.getvalue()
    name, size = extra
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"\0" * size)
    return buffer.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    bomb = _xlsx(("xl/media/bom.bin", 60 * 1024 * 1024))
    assert len(bomb) < 200 * 1024  # a small upload ...
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    with pytest.raises(ImportFileError) as caught:
        read_rows(bomb, "pegawai.xlsx")  # ... that unpacks to 60 MB
    assert "pegawai.xlsx unpacks to more than 50 MB" in str(caught.value)
    assert opened == []


def test_an_ordinary_xlsx_is_still_read():
    headers, rows = read_rows(_xlsx(), "pegawai.xlsx")
    assert headers == HEADER and [n for n, _ in rows] == [2]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_with_more_rows_than_the_limit_is_refused(monkeypatch, fmt):
    monkeypatch.setattr(reading, "MAX_ROWS", 20)
    lines = [HEADER] + [["199204112019031005", f"Orang {i}", "", "DINKES", "Staf", "III/a",
                         "learner"] for i in range(21)]
    if fmt == "csv":
        data = "\n".join(",".join(line) for line in lines).encode()
    else:
        workbook = Workbook()
        for line in lines:
            workbook.active.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    with pytest.raises(ImportFileError) as caught:
        read_rows(data, f"pegawai.{fmt}")
    assert "more than 20 rows" in str(caught.value)
    monkeypatch.setattr(reading, "MAX_ROWS", 21)
    headers, rows = read_rows(data, f"pegawai.{fmt}")
    assert len(list(rows)) == 21


def test_web_upload_of_a_zip_bomb_shows_the_problem_and_creates_nobody(app, client, make_user,
                                                                       auth):
    auth.login(make_user("admin").nip)
    token = csrf_token(client.get("/admin/import").get_data(as_text=True))
    response = client.post("/admin/import", data={
        "csrf_token": token,
        "archive": (io.BytesIO(_xlsx(("xl/media/bom.bin", 60 * 1024 * 1024))), "pegawai.xlsx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "pegawai.xlsx terurai menjadi lebih dari 50 MB" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # the admin
