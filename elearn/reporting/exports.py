"""CSV, XLSX and ZIP exports of the reports, with bounded memory.

Column headers are fixed Indonesian strings: the files are official documents
(personnel records, SIASN uploads), whatever language the interface uses.

Text comes from people (names, positions and units from staff files, course
titles from instructors), so it must never run as a formula. Control
characters are removed first (``clean_text``), then:

- in XLSX every text value is an explicit string cell (``t="inlineStr"``), so
  ``=HYPERLINK(...)`` is stored and shown as the text it is, with no apostrophe;
  numbers and dates are real numbers and dates; NIPs are text, so they keep
  their 18 digits;
- in CSV, which has no cell types, text a spreadsheet would run gets a leading
  ``'`` (``neutralize``), checked after the cleaning.

CSV comes in two styles (``CsvStyle``): comma-separated with a decimal point
(``COMMA``, for other programs and Excel in English), and semicolon-separated
with a decimal comma (``SEMICOLON``): Excel set to Indonesian uses ``;`` as its
list separator, opens that file straight into columns and reads ``40,5`` as a
number. No ``sep=;`` first line: other programs (LibreOffice, SIASN, Python's
csv) would read it as a data row, and Excel does not reliably keep honouring the
UTF-8 BOM when it is there.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from os import PathLike
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa

from ..certificates.pdf import Issuer, render_certificate, verification_url
from ..extensions import db
from ..models import Certificate
from ..text import CONTROL_CHARACTERS_WITH_C1
from .filters import CompletionFilters
from .jp import jp_report
from .queries import DEFAULT_TZ, completion_rows, completion_tuples
from .queries import certificate_ids as certificate_ids_select

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

#: openpyxl's WriteOnlyCell, bound by write_xlsx when it first runs: openpyxl is
#: imported only to make an Excel file, never to serve a page (worker memory).
WriteOnlyCell: Any = None

log = logging.getLogger(__name__)

#: Listed in the certificate ZIP, only when some certificate could not be rendered.
FAILED_CERTIFICATES_NAME = "SERTIFIKAT-GAGAL.txt"

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COMPLETION_HEADER = (
    "NIP", "Nama", "Unit Kerja", "Jabatan", "Golongan", "Kursus", "JP", "Status",
    "Progres (%)", "Nilai Terbaik", "Tanggal Daftar", "Tanggal Selesai", "Nomor Sertifikat",
)
SIASN_HEADER = (
    "nip", "namaKursus", "institusiPenyelenggara", "jumlahJam", "tanggalKursus",
    "tanggalSelesaiKursus", "tahunKursus", "nomorSertipikat",
)
YES, NO = "Ya", "Tidak"

#: Column widths (characters) by header; others get a width from the header's length.
COLUMN_WIDTHS = {
    "NIP": 21, "nip": 21, "Nama": 32, "Unit Kerja": 36, "Jabatan": 28, "Golongan": 10,
    "Kursus": 40, "namaKursus": 40, "institusiPenyelenggara": 32, "Status": 16,
    "Tanggal Daftar": 17, "Tanggal Selesai": 17, "tanggalKursus": 14,
    "tanggalSelesaiKursus": 20, "Nomor Sertifikat": 20, "nomorSertipikat": 20,
    "Memenuhi Target": 16,
}
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
DATE_FORMAT = "dd-mm-yyyy"
#: Rows written per chunk of the CSV stream.
CSV_CHUNK_ROWS = 500
#: Distinct strings whose CSV text one export remembers (a few MB at most).
CSV_TEXT_CACHE = 20_000


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV separates its fields and writes the decimals of a number."""

    delimiter: str = ","
    decimal: str = "."


COMMA = CsvStyle()
SEMICOLON = CsvStyle(delimiter=";", decimal=",")
#: Styles by the name the web (``?delimiter=``) uses.
CSV_STYLES = {"comma": COMMA, "semicolon": SEMICOLON}


def neutralize(value: Any) -> Any:
    """Guard against formula injection: text a spreadsheet would run gets a leading ``'``.

    Anything but a string (numbers, dates, None) is returned as it is.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def clean_text(value: str) -> str:
    """The text without the control characters a spreadsheet cannot hold (tab, line
    feed and carriage return stay)."""
    return CONTROL_CHARACTERS_WITH_C1.sub("", value)


def _csv_text(value: Any, style: CsvStyle = COMMA) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(value).replace(".", style.decimal)
    return neutralize(clean_text(value)) if isinstance(value, str) else str(value)


def _csv_cell(style: CsvStyle) -> tuple[Callable[[Any], str], dict[str, str]]:
    """``_csv_text`` for one export, fast: dispatch on the exact type, and remember the
    text of each distinct string (names, units, titles repeat on every row of a person
    or course). The memory is bounded: past ``CSV_TEXT_CACHE`` strings it starts over."""
    texts: dict[str, str] = {}

    def cell(value: Any) -> str:
        kind = type(value)
        if kind is str:
            text = texts.get(value)
            if text is None:
                if len(texts) >= CSV_TEXT_CACHE:
                    texts.clear()
                text = texts[value] = neutralize(clean_text(value))
            return text
        if value is None:
            return ""
        if kind is int:
            return str(value)
        if kind is float:
            return repr(value) if style.decimal == "." else repr(value).replace(".", style.decimal)
        if kind is datetime or (kind is not date and isinstance(value, datetime)):
            if 1000 <= value.year:  # isoformat is 3x faster than strftime, same text
                return value.isoformat(" ", "minutes")[:16]
        return _csv_text(value, style)

    return cell, texts


def stream_csv(header: Sequence[str], rows: Iterable[Sequence[Any]],
               style: CsvStyle = COMMA) -> Iterator[bytes]:
    """The rows as CSV bytes, chunk by chunk: UTF-8 with BOM (Excel), CRLF, quoted as needed.

    Fields are separated and decimals written as ``style`` says; dates are
    ``YYYY-MM-DD`` and times ``YYYY-MM-DD HH:MM``; text is neutralized.
    Suitable for ``Response(stream_with_context(stream_csv(...)))``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([_csv_text(h, style) for h in header])
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    cell, texts = _csv_cell(style)
    known = texts.get
    writerows = writer.writerows
    chunk: list[list[str]] = []
    for row in rows:
        # A text seen before costs one look-up; only a string can be found (no other
        # value equals a string), anything else goes through cell().
        chunk.append([known(v) or cell(v) for v in row])
        if len(chunk) >= CSV_CHUNK_ROWS:
            buffer.seek(0)
            buffer.truncate()
            writerows(chunk)
            chunk = []
            yield buffer.getvalue().encode("utf-8")
    if chunk:
        buffer.seek(0)
        buffer.truncate()
        writerows(chunk)
        yield buffer.getvalue().encode("utf-8")


def _text_cell(sheet, text: str) -> Cell:
    """An explicit string cell: openpyxl would make ``=...`` a formula and ``#N/A`` an
    error; with ``data_type = "s"`` it writes the text as an inline string."""
    cell = WriteOnlyCell(sheet, value=clean_text(text))
    cell.data_type = "s"
    return cell


def _xlsx_value(sheet, value: Any) -> Any:
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, bool):
        return _text_cell(sheet, YES if value else NO)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # local wall time
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]],
               target: str | PathLike | IO[bytes], *, title: str = "Laporan") -> int:
    """Write the rows to an XLSX file (path or binary file object); returns the row count.

    openpyxl's write-only mode streams each row to a temporary file, so
    memory stays flat. The header is bold and frozen; widths follow
    ``COLUMN_WIDTHS``.
    """
    global WriteOnlyCell  # bound once, by the import below (see WriteOnlyCell)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = COLUMN_WIDTHS.get(name, max(10, len(name) + 3))
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = _text_cell(sheet, name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
        count += 1
    workbook.save(target)
    return count


# --- completion list -------------------------------------------------------------------------

def completion_export_rows(filters: CompletionFilters | None = None,
                           tz: str = DEFAULT_TZ) -> Iterator[tuple[Any, ...]]:
    """Rows under ``COMPLETION_HEADER``, streamed."""
    for r in completion_tuples(filters, tz):
        yield r[:13]  # COMPLETION_HEADER's columns lead CompletionRow's


# --- SIASN -----------------------------------------------------------------------------------

def siasn_rows(filters: CompletionFilters | None, agency: str,
               tz: str = DEFAULT_TZ) -> Iterator[list[Any]]:
    """One row per completion under ``SIASN_HEADER``, for the course history in SIASN.

    Dates are ``dd-mm-yyyy`` text in ``tz``; ``tahunKursus`` is the completion
    year. Completions whose current certificate was revoked are left out:
    SIASN must not record a course without a valid certificate.
    """
    filters = filters or CompletionFilters()
    if filters.status_code == "in_progress":
        return
    for r in completion_rows(replace(filters, status="completed"), tz):
        if r.certificate_status == "revoked":
            continue
        yield [r.nip, r.course_title, agency, r.jp, r.enrolled_at.strftime("%d-%m-%Y"),
               r.completed_at.strftime("%d-%m-%Y"), r.completed_at.year, r.certificate_number]


def certificate_filename(cert: Certificate) -> str:
    return f"{cert.nip}_{cert.number.replace('/', '-')}.pdf"


def certificate_renderer(issuer: Issuer, public_url: str) -> Callable[[Certificate], bytes]:
    """``render(cert) -> PDF bytes`` for ``write_certificates_zip``: signed by ``issuer``,
    with the verification address under ``public_url`` (the configured PUBLIC_URL)."""

    def render(cert: Certificate) -> bytes:
        return render_certificate(cert, issuer, verification_url(public_url, cert.code))

    return render


def write_certificates_zip(filters: CompletionFilters | None, target: str | PathLike | IO[bytes],
                           render: Callable[[Certificate], bytes],
                           tz: str = DEFAULT_TZ) -> int:
    """ZIP the PDFs of the current valid certificates matching ``filters``; returns their count.

    Each is named ``{NIP}_{number with / as -}.pdf`` and rendered by
    ``render(cert) -> bytes``, one at a time, straight into the archive.
    One certificate that cannot be rendered never sinks the archive: the error
    is logged and the certificate listed in ``FAILED_CERTIFICATES_NAME``.
    """
    filters = filters or CompletionFilters()
    ids = list(db.session.scalars(certificate_ids_select(filters, tz)))  # ints only
    count = 0
    failed: list[str] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for start in range(0, len(ids), 100):
            batch = ids[start:start + 100]
            certs = db.session.scalars(sa.select(Certificate).where(Certificate.id.in_(batch))
                                       .order_by(Certificate.nip, Certificate.number)).all()
            for cert in certs:
                try:
                    data = render(cert)
                except Exception:  # any rendering error: report it, keep the others
                    log.exception("certificate %s (NIP %s) could not be rendered",
                                  cert.number, cert.nip)
                    failed.append(f"{cert.nip}\t{cert.number}\t{cert.full_name}")
                    continue
                archive.writestr(certificate_filename(cert), data)
                count += 1
        if failed:
            archive.writestr(FAILED_CERTIFICATES_NAME, "\r\n".join(
                ["Sertifikat berikut tidak dapat dibuat (lihat log server):", *failed, ""]))
    return count


# --- yearly JP -------------------------------------------------------------------------------

def jp_header(year: int) -> tuple[str, ...]:
    return ("NIP", "Nama", "Unit Kerja", "Jabatan", "Golongan", f"JP {year}", "Target",
            "Memenuhi Target")


def jp_export(year: int, tz: str = DEFAULT_TZ, below_target_only: bool = False,
              unit_code: str | None = None, target: int = 20
              ) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
    """The header and streamed rows of the yearly JP report."""
    rows = (
        [r.nip, r.name, r.unit_name, r.position, r.grade, r.jp, r.target,
         YES if r.meets_target else NO]
        for r in jp_report(year, tz, below_target_only=below_target_only, unit_code=unit_code,
                           target=target)
    )
    return jp_header(year), rows

