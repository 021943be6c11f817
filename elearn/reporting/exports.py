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
from dataclasses import replace
from datetime import date
from os import PathLike
from typing import IO, Any

import sqlalchemy as sa

from ..certificates.pdf import Issuer, render_certificate, verification_url
from ..extensions import db
from ..models import Certificate
from . import xlsx
from .batches import completion_batches, course_titles
from .cells import (  # noqa: F401 (callers import these from exports too)
    COMMA,
    CSV_CHUNK_ROWS,
    CSV_STYLES,
    CSV_TEXT_CACHE,
    FORMULA_STARTS,
    NO,
    SEMICOLON,
    YES,
    CsvStyle,
    LocalTimes,
    _csv_cell,
    _csv_text,
    clean_text,
    neutralize,
    xlsx_cell,
)
from .completion_export import CompletionExport
from .filters import CompletionFilters
from .jp import jp_report
from .queries import DEFAULT_TZ
from .queries import certificate_ids as certificate_ids_select

log = logging.getLogger(__name__)

#: Listed in the certificate ZIP, only when some certificate could not be rendered.
FAILED_CERTIFICATES_NAME = "SERTIFIKAT-GAGAL.txt"

COMPLETION_HEADER = (
    "NIP", "Nama", "Unit Kerja", "Jabatan", "Golongan", "Kursus", "JP", "Status",
    "Progres (%)", "Nilai Terbaik", "Tanggal Daftar", "Tanggal Selesai", "Nomor Sertifikat",
)
SIASN_HEADER = (
    "nip", "namaKursus", "institusiPenyelenggara", "jumlahJam", "tanggalKursus",
    "tanggalSelesaiKursus", "tahunKursus", "nomorSertipikat",
)

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
    if isinstance(rows, CompletionExport):
        yield from rows.csv_chunks(style)
        return
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


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]],
               target: str | PathLike | IO[bytes], *, title: str = "Laporan") -> int:
    """Write the rows to an XLSX file (path or binary file object); returns the row count.

    The sheet is streamed into the file row by row (``xlsx.SheetWriter``), so
    memory stays flat. The header is bold and frozen; widths follow
    ``COLUMN_WIDTHS``. Every text is a string cell, never a formula.
    """
    widths = [COLUMN_WIDTHS.get(name, max(10, len(name) + 3)) for name in header]
    with xlsx.SheetWriter(target, [clean_text(name) for name in header], widths,
                          title=title, datetime_format=DATETIME_FORMAT,
                          date_format=DATE_FORMAT) as sheet:
        if isinstance(rows, CompletionExport):
            return rows.write_sheet(sheet)
        cell = xlsx_cell()
        write = sheet.write
        count = 0
        for row in rows:
            write([cell(v) for v in row])
            count += 1
    return count


# --- completion list -------------------------------------------------------------------------

def completion_export_rows(filters: CompletionFilters | None = None,
                           tz: str = DEFAULT_TZ) -> CompletionExport:
    """Rows under ``COMPLETION_HEADER``, streamed (see ``CompletionExport``)."""
    return CompletionExport(filters, tz)


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
    times = LocalTimes(tz)
    days: dict[date, str] = {}

    def day(value) -> tuple[str, int]:
        local = times.naive(value)
        key = local.date()
        text = days.get(key)
        if text is None:
            if len(days) >= CSV_TEXT_CACHE:
                days.clear()
            text = days[key] = local.strftime("%d-%m-%Y")
        return text, local.year

    titles = course_titles()
    for learner, rows in completion_batches(replace(filters, status="completed"), tz):
        nip = learner[0]
        for (_, course_id, jp, _, _, _, enrolled_at, completed_at, _, number,
             certificate_status) in rows:
            if certificate_status == "revoked":
                continue
            completed_on, year = day(completed_at)
            yield [nip, titles[course_id], agency, int(jp), day(enrolled_at)[0], completed_on,
                   year, number]


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

