"""CSV, XLSX, SIASN and certificate ZIP exports, and the ``flask reports`` commands.

The dataset is the one of test_queries.py (see its docstring).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from elearn.certificates.pdf import Issuer, render_certificate
from elearn.reporting import exports
from elearn.reporting.exports import (
    COMPLETION_HEADER,
    SIASN_HEADER,
    completion_export_rows,
    neutralize,
    siasn_rows,
    stream_csv,
    write_xlsx,
)
from elearn.reporting.filters import CompletionFilters

from .test_queries import (
    ANDI,
    BUDI,
    DEDI,
    EKA,
    FORMULA,
    FORMULA_NAME,
    UNITS,
    build_dataset,
    number,
)

AGENCY = "BKPSDM Kota Medan"
ISSUER = Issuer(AGENCY, "Dr. Ahmad Syahputra Harahap, M.Si.",
                "Kepala Badan Kepegawaian dan Pengembangan SDM", "197508172000031002")
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def dataset(app, monkeypatch):
    return build_dataset(app, monkeypatch)


def csv_bytes(header, rows) -> bytes:
    return b"".join(stream_csv(header, rows))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_sheet(source):
    return load_workbook(source).active


# --- the formula guard -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-Staf", "@SUM(A1)", "\tTab", "\rCR",
                                  FORMULA_NAME])
def test_neutralize_quotes_what_a_spreadsheet_would_run(text):
    assert neutralize(text) == "'" + text


@pytest.mark.parametrize("value", ["Andi", "199204112019031005", "", " =spasi", "III/a", 5, -5,
                                   2.5, None, date(2026, 1, 1), datetime(2026, 1, 1, 8)])
def test_neutralize_leaves_everything_else(value):
    assert neutralize(value) == value


# --- CSV -------------------------------------------------------------------------------------

def test_completion_csv(app, dataset):
    with app.app_context():
        data = csv_bytes(COMPLETION_HEADER, completion_export_rows(CompletionFilters()))
    assert data.startswith(BOM + b"NIP,Nama,Unit Kerja,Jabatan,Golongan,Kursus,JP,Status,"
                           b"Progres (%),Nilai Terbaik,Tanggal Daftar,Tanggal Selesai,"
                           b"Nomor Sertifikat\r\n")
    assert data.count(b"\r\n") == 8 and b"\n" not in data.replace(b"\r\n", b"")
    rows = read_csv(data)
    assert rows[0] == list(COMPLETION_HEADER)
    body = {(r[0], r[5]): r for r in rows[1:]}
    assert len(body) == 7
    assert body[(ANDI, "Pelayanan Publik")] == [
        ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer", "III/a",
        "Pelayanan Publik", "2", "selesai", "100", "100.0", "2025-12-20 10:00",
        "2026-01-01 00:30", number(dataset, ANDI, "pelayanan")]
    assert body[(BUDI, "Etika ASN")][6:] == ["3", "sedang berjalan", "33", "", "2026-04-01 07:00",
                                            "", ""]
    assert body[(DEDI, "Etika ASN")][8:10] == ["0", "40.0"]
    # Formula injection: a name and positions starting with =, +, - and @ stay text.
    formula = body[(FORMULA, "Pelayanan Publik")]
    assert formula[1] == "'" + FORMULA_NAME
    assert formula[3] == "'+Pengelola Data"
    assert body[(DEDI, "Etika ASN")][3] == "'-Staf"
    assert body[(EKA, "Etika ASN")][2:4] == ["", "'@Sekretariat"]
    # The name with quotes and a comma was quoted by csv.writer.
    assert b'"\'=HYPERLINK(""http://x"",""y"")"' in data


def test_csv_streams_in_chunks_and_quotes_tabs_and_line_breaks():
    seen = []

    def rows():
        for i in range(exports.CSV_CHUNK_ROWS * 2 + 1):
            seen.append(i)
            yield [i, "\tTab", "a\r\nb", None, 1.5]

    chunks = stream_csv(["n", "teks", "baris", "kosong", "angka"], rows())
    first = next(chunks)
    assert first == BOM + b"n,teks,baris,kosong,angka\r\n"
    assert seen == []  # nothing read before the header went out
    rest = list(chunks)
    assert len(rest) == 3
    parsed = read_csv(first + b"".join(rest))
    assert len(parsed) == exports.CSV_CHUNK_ROWS * 2 + 2
    assert parsed[1] == ["0", "'\tTab", "a\r\nb", "", "1.5"]


# --- XLSX ------------------------------------------------------------------------------------

def test_completion_xlsx_keeps_types(app, dataset, tmp_path):
    target = tmp_path / "penyelesaian.xlsx"
    with app.app_context():
        count = write_xlsx(COMPLETION_HEADER, completion_export_rows(None), target)
    assert count == 7
    sheet = xlsx_sheet(target)
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(COMPLETION_HEADER)
    assert all(c.font.bold for c in rows[0])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 21
    assert sheet.max_row == 8 and sheet.max_column == 13

    body = {(r[0].value, r[5].value): r for r in rows[1:]}
    andi = body[(ANDI, "Pelayanan Publik")]
    nip = andi[0]
    assert nip.data_type == "s" and nip.value == "199204112019031005"  # text, all 18 digits
    assert [c.value for c in andi] == [
        ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer", "III/a",
        "Pelayanan Publik", 2, "selesai", 100, 100.0, datetime(2025, 12, 20, 10),
        datetime(2026, 1, 1, 0, 30), number(dataset, ANDI, "pelayanan")]
    assert [andi[i].data_type for i in (6, 8, 9, 10, 11)] == ["n", "n", "n", "d", "d"]
    budi_score = body[(BUDI, "Pelayanan Publik")][9]
    assert (budi_score.value, budi_score.data_type) == (80, "n")  # a number, not "80.0"
    assert andi[10].number_format == "dd-mm-yyyy hh:mm"
    budi = body[(BUDI, "Etika ASN")]
    assert [c.value for c in budi[8:]] == [33, None, datetime(2026, 4, 1, 7), None, None]

    # Formula-looking text is stored as text, as it is: no formula, no added apostrophe.
    formula = body[(FORMULA, "Pelayanan Publik")]
    assert formula[1].value == FORMULA_NAME and formula[1].data_type == "s"
    assert formula[3].value == "+Pengelola Data"
    assert body[(DEDI, "Etika ASN")][3].value == "-Staf"
    assert body[(EKA, "Etika ASN")][3].value == "@Sekretariat"
    assert not any(c.data_type == "f" for row in rows for c in row)


def test_xlsx_to_a_file_object_drops_illegal_characters():
    buffer = io.BytesIO()
    count = write_xlsx(["Nama", "Tanggal"], iter([["A\x01B", date(2026, 3, 1)]]), buffer)
    assert count == 1
    buffer.seek(0)
    sheet = xlsx_sheet(buffer)
    row = list(sheet.iter_rows(min_row=2))[0]
    assert row[0].value == "AB"
    assert row[1].value == datetime(2026, 3, 1) and row[1].number_format == "dd-mm-yyyy"


# --- SIASN -----------------------------------------------------------------------------------

def test_siasn_rows(app, dataset):
    with app.app_context():
        rows = list(siasn_rows(CompletionFilters(), AGENCY))
    assert rows == [
        [ANDI, "Etika ASN", AGENCY, 3, "01-02-2026", "10-03-2026", 2026,
         number(dataset, ANDI, "etika")],
        [ANDI, "Pelayanan Publik", AGENCY, 2, "20-12-2025", "01-01-2026", 2026,
         number(dataset, ANDI, "pelayanan")],
        [EKA, "Etika ASN", AGENCY, 3, "10-02-2026", "20-02-2026", 2026,
         number(dataset, EKA, "etika")],
    ]  # Budi's completion is left out: its certificate was revoked.


@pytest.mark.parametrize(("filters", "expected"), [
    (CompletionFilters(course="pelayanan-publik"), [(ANDI, "Pelayanan Publik")]),
    (CompletionFilters(unit="DISKOMINFO", date_from=date(2026, 3, 1)), [(ANDI, "Etika ASN")]),
    (CompletionFilters(date_to=date(2026, 1, 1)), [(ANDI, "Pelayanan Publik")]),
    (CompletionFilters(status="completed", course="etika-asn"),
     [(ANDI, "Etika ASN"), (EKA, "Etika ASN")]),
    (CompletionFilters(status="in_progress"), []),
])
def test_siasn_filters(app, dataset, filters, expected):
    with app.app_context():
        assert [(r[0], r[1]) for r in siasn_rows(filters, AGENCY)] == expected


def test_siasn_csv_and_xlsx_columns(app, dataset, tmp_path):
    with app.app_context():
        data = csv_bytes(SIASN_HEADER, siasn_rows(None, AGENCY))
        write_xlsx(SIASN_HEADER, siasn_rows(None, AGENCY), tmp_path / "siasn.xlsx")
    assert data.startswith(BOM + b"nip,namaKursus,institusiPenyelenggara,jumlahJam,"
                           b"tanggalKursus,tanggalSelesaiKursus,tahunKursus,nomorSertipikat\r\n")
    rows = read_csv(data)
    assert rows[2][:7] == [ANDI, "Pelayanan Publik", AGENCY, "2", "20-12-2025", "01-01-2026",
                           "2026"]
    sheet = xlsx_sheet(tmp_path / "siasn.xlsx")
    cells = list(sheet.iter_rows(min_row=3, max_row=3))[0]
    assert [c.value for c in cells][:7] == [ANDI, "Pelayanan Publik", AGENCY, 2, "20-12-2025",
                                            "01-01-2026", 2026]
    assert [c.data_type for c in cells][:7] == ["s", "s", "s", "n", "s", "s", "n"]


# --- certificates ZIP ------------------------------------------------------------------------

def render(cert) -> bytes:
    return render_certificate(cert, ISSUER, f"https://elearn.example.go.id/verify/{cert.code}")


def pdf_name(data, nip: str, course: str) -> str:
    return f"{nip}_{number(data, nip, course).replace('/', '-')}.pdf"


def test_certificates_zip_has_one_pdf_per_current_valid_certificate(app, dataset):
    buffer = io.BytesIO()
    rendered = []

    def counting(cert):
        rendered.append(cert.number)
        return render(cert)

    with app.app_context():
        count = exports.write_certificates_zip(CompletionFilters(), buffer, counting)
    assert count == 3 and len(rendered) == 3
    with zipfile.ZipFile(buffer) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        # Andi's reissued certificate (not the replaced one), Eka's; not Budi's revoked one.
        assert sorted(names) == sorted([pdf_name(dataset, ANDI, "pelayanan"),
                                        pdf_name(dataset, ANDI, "etika"),
                                        pdf_name(dataset, EKA, "etika")])
        assert all("/" not in n.split("_", 1)[1] for n in names)
        data = archive.read(pdf_name(dataset, EKA, "etika"))
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "SERTIFIKAT" in text and "Eka Siregar" in text
    assert number(dataset, EKA, "etika") in text


@pytest.mark.parametrize(("filters", "who"), [
    (CompletionFilters(course="etika-asn"), [(ANDI, "etika"), (EKA, "etika")]),
    (CompletionFilters(unit="DISKOMINFO"), [(ANDI, "etika"), (ANDI, "pelayanan")]),
    (CompletionFilters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)), [(EKA, "etika")]),
    (CompletionFilters(status="in_progress"), []),
])
def test_certificates_zip_filters(app, dataset, filters, who):
    buffer = io.BytesIO()
    with app.app_context():
        count = exports.write_certificates_zip(filters, buffer, lambda cert: b"%PDF-1.4 test")
    with zipfile.ZipFile(buffer) as archive:
        assert sorted(archive.namelist()) == sorted(pdf_name(dataset, n, c) for n, c in who)
    assert count == len(who)


# --- yearly JP -------------------------------------------------------------------------------

def test_jp_export(app, dataset):
    with app.app_context():
        header, rows = exports.jp_export(2026, "Asia/Jakarta", target=4)
        rows = list(rows)
    assert header == ("NIP", "Nama", "Unit Kerja", "Jabatan", "Golongan", "JP 2026", "Target",
                      "Memenuhi Target")
    by_nip = {r[0]: r for r in rows}
    assert by_nip[ANDI] == [ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer",
                            "III/a", 5, 4, "Ya"]
    assert by_nip[BUDI][5:] == [0, 4, "Tidak"]  # his only certificate was revoked
    assert by_nip[EKA][2] is None
    data = csv_bytes(header, rows)
    parsed = {r[0]: r for r in read_csv(data)[1:]}
    assert parsed[FORMULA][1] == "'" + FORMULA_NAME
    assert parsed[DEDI][3] == "'-Staf"


# --- the commands (on a platform whose default language is English) -------------------------

@pytest.fixture
def runner(app, english_cli):
    """These commands' messages are checked in English: the platform's default
    language set to English (tests/cli/test_language.py checks Indonesian)."""
    return app.test_cli_runner()


def invoke(runner, *args):
    return runner.invoke(args=["reports", *args])


def test_cli_completions_csv_and_xlsx(app, runner, dataset, tmp_path):
    out = tmp_path / "semua.csv"
    result = invoke(runner, "completions", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 7 rows to {out}."
    rows = read_csv(out.read_bytes())
    assert rows[0] == list(COMPLETION_HEADER) and len(rows) == 8

    out = tmp_path / "selesai.xlsx"
    result = invoke(runner, "completions", "--format", "xlsx", "--course", "etika-asn",
                    "--status", "completed", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 2 rows" in result.output
    sheet = xlsx_sheet(out)
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == [ANDI, EKA]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["selesai.xlsx", "semua.csv"]


@pytest.mark.parametrize(("args", "count"), [
    (["--unit", "diskominfo"], 4),
    (["--status", "in_progress"], 3),
    (["--from", "2026-01-01", "--to", "2026-01-15"], 2),
    (["--to", "2025-12-31"], 1),
    (["--course", "pelayanan-publik", "--unit", "BKPSDM"], 1),
])
def test_cli_completion_filters(app, runner, dataset, tmp_path, args, count):
    out = tmp_path / "out.csv"
    result = invoke(runner, "completions", "--format", "csv", *args, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {count} row{'s' if count != 1 else ''} to" in result.output
    assert len(read_csv(out.read_bytes())) == count + 1


BAD_INPUT = [
    (["--course", "tidak-ada"], "Error: --course: unknown course slug 'tidak-ada'."),
    (["--unit", "XYZ"], "Error: --unit: unknown unit code 'XYZ'."),
    (["--from", "2026-13-01"], "Error: --from: '2026-13-01' is not a date in the form YYYY-MM-DD."),
    (["--to", "31-12-2026"], "Error: --to: '31-12-2026' is not a date in the form YYYY-MM-DD."),
    (["--from", "2026-02-01", "--to", "2026-01-31"],
     "Error: --from 2026-02-01 is after --to 2026-01-31."),
]


@pytest.mark.parametrize("command", [["completions", "--format", "csv"],
                                     ["siasn", "--format", "xlsx"], ["siasn-certificates"]])
@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_cli_rejects_bad_input_and_writes_nothing(app, runner, dataset, tmp_path, command, args,
                                                  message):
    out = tmp_path / "out.file"
    result = invoke(runner, *command, *args, "--output", str(out))
    assert result.exit_code == 1
    assert result.output.strip() == message
    assert list(tmp_path.iterdir()) == []


def test_cli_leaves_an_existing_file_alone_on_bad_input(app, runner, dataset, tmp_path):
    out = tmp_path / "laporan.csv"
    out.write_text("lama")
    result = invoke(runner, "completions", "--format", "csv", "--unit", "XYZ", "--output",
                    str(out))
    assert result.exit_code == 1
    assert out.read_text() == "lama" and list(tmp_path.iterdir()) == [out]


def test_cli_status_must_be_known(app, runner, dataset, tmp_path):
    result = invoke(runner, "completions", "--format", "csv", "--status", "not_started",
                    "--output", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "'not_started' is not one of" in result.output


def test_cli_jp(app, runner, dataset, tmp_path):
    out = tmp_path / "jp.csv"
    result = invoke(runner, "jp", "--format", "csv", "--year", "2026", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 6 rows" in result.output
    rows = read_csv(out.read_bytes())
    assert rows[0] == ["NIP", "Nama", "Unit Kerja", "Jabatan", "Golongan", "JP 2026", "Target",
                       "Memenuhi Target"]
    # The target comes from YEARLY_JP_TARGET (20): nobody meets it.
    assert {r[0]: r[5:] for r in rows[1:]}[ANDI] == ["5", "20", "Tidak"]

    out = tmp_path / "jp.xlsx"
    result = invoke(runner, "jp", "--format", "xlsx", "--year", "2026", "--unit", "DISKOMINFO",
                    "--below-target", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 2 rows" in result.output
    values = list(xlsx_sheet(out).iter_rows(min_row=2, values_only=True))
    assert values == [
        (ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer", "III/a", 5, 20,
         "Tidak"),
        # Budi's only certificate was revoked: its JP no longer counts.
        (BUDI, "Budi Santoso", UNITS["DISKOMINFO"], "Analis Kebijakan", "III/b", 0, 20, "Tidak")]


def test_cli_jp_defaults_to_this_year_and_checks_the_unit(app, runner, dataset, tmp_path):
    out = tmp_path / "jp.csv"
    result = invoke(runner, "jp", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    year = datetime.now(ZoneInfo("Asia/Jakarta")).year
    assert read_csv(out.read_bytes())[0][5] == f"JP {year}"

    result = invoke(runner, "jp", "--format", "csv", "--unit", "XYZ", "--output",
                    str(tmp_path / "x.csv"))
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --unit: unknown unit code 'XYZ'."
    assert not (tmp_path / "x.csv").exists()


def test_cli_siasn(app, runner, dataset, tmp_path):
    app.config["AGENCY_NAME"] = "BKPSDM Kota Uji"
    try:
        out = tmp_path / "siasn.csv"
        result = invoke(runner, "siasn", "--format", "csv", "--output", str(out))
    finally:
        app.config["AGENCY_NAME"] = AGENCY
    assert result.exit_code == 0, result.output
    assert "Wrote 3 rows" in result.output
    rows = read_csv(out.read_bytes())
    assert rows[0] == list(SIASN_HEADER)
    assert {r[2] for r in rows[1:]} == {"BKPSDM Kota Uji"}

    out = tmp_path / "siasn.xlsx"
    result = invoke(runner, "siasn", "--format", "xlsx", "--course", "etika-asn", "--from",
                    "2026-03-01", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert list(xlsx_sheet(out).iter_rows(min_row=2, values_only=True)) == [
        (ANDI, "Etika ASN", AGENCY, 3, "01-02-2026", "10-03-2026", 2026,
         number(dataset, ANDI, "etika"))]


def test_cli_siasn_certificates(app, runner, dataset, tmp_path):
    out = tmp_path / "sertifikat.zip"
    result = invoke(runner, "siasn-certificates", "--unit", "DISKOMINFO", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 2 certificates to {out}."
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        assert names == sorted([pdf_name(dataset, ANDI, "pelayanan"),
                                pdf_name(dataset, ANDI, "etika")])
        data = archive.read(pdf_name(dataset, ANDI, "etika"))
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert AGENCY.upper() in text
    # The QR code's address is the configured public address of the verify page.
    assert "http://127.0.0.1:5000/verify/" in text


# --- optional: LibreOffice reads the files back ----------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def soffice_to_csv(source: Path, outdir: Path, profile: Path, *extra: str) -> list[list[str]]:
    """Convert with LibreOffice headless to UTF-8 CSV and read the result."""
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", *extra,
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(outdir),
         str(source)],
        check=True, capture_output=True, timeout=180)
    text = (outdir / (source.stem + ".csv")).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.skipif(SOFFICE is None, reason=(
    "optional check: LibreOffice (soffice) is not on PATH; install LibreOffice to have the "
    "exported XLSX and CSV converted with soffice --headless and read back"))
def test_libreoffice_reads_the_exports(app, dataset, tmp_path):
    xlsx, csv_file = tmp_path / "penyelesaian.xlsx", tmp_path / "penyelesaian-csv.csv"
    with app.app_context():
        write_xlsx(COMPLETION_HEADER, completion_export_rows(None), xlsx)
        csv_file.write_bytes(csv_bytes(COMPLETION_HEADER, completion_export_rows(None)))
    profile = tmp_path / "lo-profile"

    from_xlsx = soffice_to_csv(xlsx, tmp_path / "from-xlsx", profile)
    assert from_xlsx[0] == list(COMPLETION_HEADER) and len(from_xlsx) == 8
    andi = next(r for r in from_xlsx if r[0] == ANDI and r[5] == "Pelayanan Publik")
    assert andi[:8] == [ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer",
                        "III/a", "Pelayanan Publik", "2", "selesai"]  # NIP not 1.99E+17
    assert float(andi[8]) == 100 and float(andi[9]) == 100
    # Dates are real dates, shown with the cell format (or ISO if shown values are off).
    assert andi[10] in ("20-12-2025 10:00", "2025-12-20 10:00:00")
    assert andi[11] in ("01-01-2026 00:30", "2026-01-01 00:30:00")
    formula = next(r for r in from_xlsx if r[0] == FORMULA)
    assert formula[1] == FORMULA_NAME  # text as stored, not the formula's result "y"

    # CSV import: UTF-8 with BOM, comma separated, quoted; the NIP column read as text.
    from_csv = soffice_to_csv(csv_file, tmp_path / "from-csv", profile,
                              "--infilter=CSV:44,34,76,1,1/2")
    assert from_csv[0] == list(COMPLETION_HEADER) and len(from_csv) == 8
    andi = next(r for r in from_csv if r[0] == ANDI and r[5] == "Pelayanan Publik")
    assert andi[:8] == [ANDI, "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer",
                        "III/a", "Pelayanan Publik", "2", "selesai"]
    formula = next(r for r in from_csv if r[0] == FORMULA)
    assert formula[1].lstrip("'") == FORMULA_NAME
