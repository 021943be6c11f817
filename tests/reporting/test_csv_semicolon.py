"""The semicolon CSV: what Excel set to Indonesian (list separator ``;``) opens in columns.

Same rows as the comma CSV, separated by ``;``, numbers with a decimal comma,
no ``sep=`` line (the header comes first), and the same formula guard. The
dataset is the one of test_queries.py.
"""

from __future__ import annotations

import csv
import io

import pytest

from elearn.reporting.exports import (
    COMPLETION_HEADER,
    SEMICOLON,
    completion_export_rows,
    stream_csv,
)

from ..conftest import AuthActions
from .test_exports import (
    BOM,
    SOFFICE,
    read_csv,
    soffice_to_csv,
    xlsx_sheet,
)
from .test_queries import ANDI, DEDI, FORMULA, FORMULA_NAME, GITA, UNITS, build_dataset, number


def read_semicolon_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture
def dataset(app, monkeypatch):
    return build_dataset(app, monkeypatch)


def test_semicolon_csv_starts_with_the_header_and_writes_decimal_commas(app, dataset):
    with app.app_context():
        data = b"".join(stream_csv(COMPLETION_HEADER, completion_export_rows(None), SEMICOLON))
    first_line = data.split(b"\r\n", 1)[0]
    assert first_line == BOM + ";".join(COMPLETION_HEADER).encode()  # no "sep=;" line
    rows = read_semicolon_csv(data)
    assert rows[0] == list(COMPLETION_HEADER) and len(rows) == 8
    body = {(r[0], r[5]): r for r in rows[1:]}
    assert body[(ANDI, "Pelayanan Publik")] == [
        ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer", "III/a",
        "Pelayanan Publik", "2", "selesai", "100", "100,0", "2025-12-20 10:00",
        "2026-01-01 00:30", number(dataset, ANDI, "pelayanan")]
    assert body[(DEDI, "Etika ASN")][8:10] == ["0", "40,0"]  # integers stay as they are
    # The formula guard holds in this style too.
    assert body[(FORMULA, "Pelayanan Publik")][1] == "'" + FORMULA_NAME
    assert body[(FORMULA, "Pelayanan Publik")][3] == "'+Pengelola Data"
    assert body[(DEDI, "Etika ASN")][3] == "'-Staf"


def test_semicolon_csv_quotes_a_semicolon_inside_a_value_and_leaves_commas_alone():
    data = b"".join(stream_csv(["NIP", "Unit Kerja", "Nilai"], [
        ["199204112019031005", "Bagian Umum; Subbagian Keuangan", 87.5],
        ["199204112019031006", "Kota Medan, Sumatera Utara", -2.5],
        ["199204112019031007", "=SUM(A1:A2);1", None],
    ], SEMICOLON))
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1] == '199204112019031005;"Bagian Umum; Subbagian Keuangan";87,5'
    assert lines[2] == "199204112019031006;Kota Medan, Sumatera Utara;-2,5"
    assert lines[3] == "199204112019031007;\"'=SUM(A1:A2);1\";"
    assert read_semicolon_csv(data)[1:] == [
        ["199204112019031005", "Bagian Umum; Subbagian Keuangan", "87,5"],
        ["199204112019031006", "Kota Medan, Sumatera Utara", "-2,5"],
        ["199204112019031007", "'=SUM(A1:A2);1", ""]]


@pytest.fixture
def admin(app, client, dataset):
    AuthActions(client).login(GITA, "Tugas-Belajar-2026")
    return client


@pytest.mark.parametrize("url", ["/admin/reports/completions.csv", "/admin/reports/siasn.csv",
                                 "/admin/reports/jp.csv?year=2026"])
def test_every_csv_download_comes_with_semicolons_on_request(admin, url):
    joiner = "&" if "?" in url else "?"
    comma = admin.get(url)  # streamed: read each before the next request
    assert comma.status_code == 200
    comma_rows = read_csv(comma.get_data())
    semicolon = admin.get(url + joiner + "delimiter=semicolon")
    assert semicolon.status_code == 200 and semicolon.mimetype == "text/csv"
    semicolon_rows = read_semicolon_csv(semicolon.get_data())
    assert len(semicolon_rows[0]) > 1 and len(semicolon_rows) == len(comma_rows)
    assert [r[0] for r in semicolon_rows] == [r[0] for r in comma_rows]


def test_an_unknown_delimiter_is_refused(admin):
    assert admin.get("/admin/reports/completions.csv?delimiter=tab").status_code == 400


def test_the_report_pages_offer_the_semicolon_csv_beside_comma_and_excel(admin):
    html = admin.get("/admin/reports").get_data(as_text=True)
    assert 'name="delimiter" value="semicolon">Penyelesaian CSV (;)</button>' in html
    assert 'name="delimiter" value="semicolon">SIASN CSV (;)</button>' in html
    assert "/admin/reports/completions.csv?delimiter=semicolon" in html
    assert "/admin/reports/completions.xlsx" in html
    jp = admin.get("/admin/reports/jp?year=2026").get_data(as_text=True)
    assert "/admin/reports/jp.csv?year=2026&amp;unit=&amp;below=&amp;delimiter=semicolon" in jp


def test_cli_writes_the_semicolon_csv_and_refuses_it_for_xlsx(app, runner, dataset, tmp_path):
    out = tmp_path / "jp.csv"
    result = runner.invoke(args=["reports", "jp", "--format", "csv", "--delimiter", ";",
                                 "--year", "2026", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_semicolon_csv(out.read_bytes())
    assert rows[0][:2] == ["NIP", "Nama"] and any(r[0] == ANDI for r in rows)

    bad = tmp_path / "jp.xlsx"
    result = runner.invoke(args=["reports", "jp", "--format", "xlsx", "--delimiter", ";",
                                 "--output", str(bad)])
    assert result.exit_code == 2 and "--delimiter" in result.output
    assert not bad.exists()
    result = runner.invoke(args=["reports", "completions", "--format", "xlsx",
                                 "--output", str(bad)])
    assert result.exit_code == 0 and xlsx_sheet(bad)["A1"].value == "NIP"


@pytest.mark.skipif(SOFFICE is None, reason=(
    "optional check: LibreOffice (soffice) is not on PATH; install LibreOffice to have the "
    "semicolon CSV opened with soffice --headless and read back"))
def test_libreoffice_reads_the_semicolon_csv_in_columns_with_decimal_commas(app, dataset,
                                                                           tmp_path):
    source = tmp_path / "penyelesaian.csv"
    with app.app_context():
        source.write_bytes(b"".join(
            stream_csv(COMPLETION_HEADER, completion_export_rows(None), SEMICOLON)))
    # Separator 59 (;), quote 34, UTF-8 (76), from line 1, NIP as text, language id-ID (1057).
    rows = soffice_to_csv(source, tmp_path / "out", tmp_path / "lo-profile",
                          "--infilter=CSV:59,34,76,1,1/2,1057")
    assert rows[0] == list(COMPLETION_HEADER) and len(rows) == 8
    dedi = next(r for r in rows if r[0] == DEDI and r[5] == "Etika ASN")
    assert float(dedi[9]) == 40  # "40,0" read as the number forty, not as text
    formula = next(r for r in rows if r[0] == FORMULA)
    assert formula[1].lstrip("'") == FORMULA_NAME
