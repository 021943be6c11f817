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
from datetime import UTC, date, datetime, time, timedelta
from os import PathLike
from typing import IO, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..certificates.pdf import Issuer, render_certificate, verification_url
from ..extensions import db
from ..models import Certificate
from ..text import CONTROL_CHARACTERS_WITH_C1
from . import xlsx
from .filters import STATUS_COMPLETED, STATUS_IN_PROGRESS, CompletionFilters
from .jp import jp_report
from .queries import DEFAULT_TZ, completion_batches, course_titles
from .queries import certificate_ids as certificate_ids_select

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


def _csv_encoder(style: CsvStyle) -> Callable[[Any], str]:
    """``value -> field`` exactly as ``stream_csv`` writes it (text, guard, quoting), for
    the fast paths that join fields themselves. Each distinct value is put through
    csv.writer once and remembered (bounded)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    cell, _ = _csv_cell(style)
    fields: dict[Any, str] = {}
    cut = -2 - len(style.delimiter)

    def encode(value: Any) -> str:
        key = (type(value), value)
        field = fields.get(key)
        if field is None:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([cell(value), ""])  # a second field: an empty first is not quoted
            if len(fields) >= CSV_TEXT_CACHE:
                fields.clear()
            field = fields[key] = buffer.getvalue()[:cut]
        return field

    return encode


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


def _xlsx_cell() -> Callable[[Any], str | None]:
    """``value -> cell XML`` for one export: text is cleaned and always a string cell, a
    yes/no a string, times and dates (local wall time) have their formats; the XML of
    each distinct text is remembered (bounded like the CSV's)."""
    texts: dict[str, str] = {}

    def cell(value: Any) -> str | None:
        kind = type(value)
        if kind is str:
            xml = texts.get(value)
            if xml is None:
                if len(texts) >= CSV_TEXT_CACHE:
                    texts.clear()
                xml = texts[value] = xlsx.text_cell(clean_text(value))
            return xml
        if value is None:
            return None
        if kind is bool:
            return cell(YES if value else NO)
        if kind is int or kind is float:
            return xlsx.number_cell(value)
        if isinstance(value, datetime):
            return xlsx.datetime_cell(value.replace(tzinfo=None))  # local wall time
        if isinstance(value, date):
            return xlsx.date_cell(value)
        if isinstance(value, str):
            return xlsx.text_cell(clean_text(value))
        return xlsx.cell_xml(value)

    return cell


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
        cell = _xlsx_cell()
        write = sheet.write
        count = 0
        for row in rows:
            write([cell(v) for v in row])
            count += 1
    return count


# --- completion list -------------------------------------------------------------------------

class LocalTimes:
    """UTC times as wall times of ``tz``, fast: the zone's offset is looked up once per
    UTC day (a zone changes its offset at most once a day; a day where it changes is
    converted time by time), and the local text of an hour once per stored UTC text.

    A time is a datetime (naive: UTC, as SQLite's come back) or SQLite's stored text.
    """

    def __init__(self, tz: str):
        self.zone = ZoneInfo(tz)
        self.offsets: dict[date, timedelta | None] = {}
        #: ``YYYY-MM-DD HH`` of a stored UTC text -> the same of its local time.
        self.hours: dict[str, str] = {}

    def _offset(self, day: date) -> timedelta | None:
        offset = None
        if 1000 < day.year < 9999:
            start = datetime.combine(day, time.min, tzinfo=UTC)
            seen = {(start + step).astimezone(self.zone).utcoffset()
                    for step in (timedelta(0), timedelta(hours=12),
                                 timedelta(days=1, microseconds=-1))}
            if len(seen) == 1:
                offset = seen.pop()
        if len(self.offsets) >= CSV_TEXT_CACHE:
            self.offsets.clear()
        self.offsets[day] = offset
        return offset

    def aware(self, value: datetime | str) -> datetime:
        """The local time (aware)."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(self.zone)

    def naive(self, value: datetime | str) -> datetime:
        """The local wall time (naive)."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        day = value.date()
        offset = self.offsets.get(day, False)
        if offset is False:
            offset = self._offset(day)
        if offset is None:
            return self.aware(value).replace(tzinfo=None)
        return value + offset

    def text(self, value: datetime | str) -> str:
        """``YYYY-MM-DD HH:MM`` of the local time, as ``stream_csv`` writes a time."""
        if value.__class__ is str:
            hour = self.hours.get(value[:13])
            if hour is not None:
                return hour + value[13:16]
            return self._stored_text(value)
        local = self.naive(value)
        if 1000 <= local.year:
            return local.isoformat(" ", "minutes")
        return local.strftime("%Y-%m-%d %H:%M")

    def _stored_text(self, stored: str) -> str:
        """``text`` of a stored UTC text not seen before: remember its hour when the whole
        hour has one offset of whole hours (then only the hour's digits change)."""
        value = datetime.fromisoformat(stored)
        if value.tzinfo is None and len(stored) >= 16 and stored[13] == ":":
            start = value.replace(minute=0, second=0, microsecond=0)
            offset = self.offsets.get(start.date(), False)
            if offset is False:
                offset = self._offset(start.date())
            if offset is not None and not offset % timedelta(hours=1):
                if len(self.hours) >= CSV_TEXT_CACHE:
                    self.hours.clear()
                hour = self.hours[stored[:13]] = (start + offset).isoformat(" ", "minutes")[:13]
                return hour + stored[13:16]
        return self.text(value)


class CompletionExport:
    """The rows under ``COMPLETION_HEADER``, streamed: iterate for plain rows (local,
    aware times), or hand it to ``stream_csv``/``write_xlsx``, which write it through a
    fast path turning what repeats (a learner's five columns, a course title, a score)
    into CSV text or cell XML once. Same rows, order and output either way.

    ``count`` is the number of rows gone by so far.
    """

    def __init__(self, filters: CompletionFilters | None = None, tz: str = DEFAULT_TZ):
        self.filters, self.tz = filters or CompletionFilters(), tz
        self.count = 0

    def _rows(self):
        """``(learner columns, course titles, course rows)`` in list order."""
        titles = course_titles()
        for learner, rows in completion_batches(self.filters, self.tz):
            yield learner, titles, rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        times = LocalTimes(self.tz)
        for learner, titles, rows in self._rows():
            for (_, course_id, jp, done, total, score, enrolled_at, completed_at, completion_id,
                 number, _status) in rows:
                self.count += 1
                yield (*learner, titles[course_id], int(jp),
                       STATUS_IN_PROGRESS if completion_id is None else STATUS_COMPLETED,
                       round(100 * done / total) if total else 0,
                       None if score is None else round(float(score), 1),
                       times.aware(enrolled_at),
                       None if completed_at is None else times.aware(completed_at), number)

    def csv_chunks(self, style: CsvStyle = COMMA) -> Iterator[bytes]:
        """The CSV rows (no header) as ``stream_csv`` writes them, chunk by chunk."""
        encode = _csv_encoder(style)
        sep = style.delimiter
        times = LocalTimes(self.tz)
        completed = sep + encode(STATUS_COMPLETED) + sep
        in_progress = sep + encode(STATUS_IN_PROGRESS) + sep
        numbers: dict[Any, str] = {}
        scores: dict[Any, str] = {}
        courses: dict[int, str] = {}
        lines: list[str] = []
        text = times.text
        for learner, titles, rows in self._rows():
            head = sep.join([encode(v) for v in learner]) + sep
            for (_, course_id, jp, done, total, score, enrolled_at, completed_at, completion_id,
                 number, _status) in rows:
                course = courses.get(course_id)
                if course is None:
                    course = courses[course_id] = encode(titles[course_id]) + sep
                jp_text = numbers.get(jp)
                if jp_text is None:
                    jp_text = numbers[jp] = encode(int(jp))
                progress = round(100 * done / total) if total else 0
                progress_text = numbers.get(progress)
                if progress_text is None:
                    progress_text = numbers[progress] = encode(progress)
                if score is None:
                    score_text = ""
                else:
                    score_text = scores.get(score)
                    if score_text is None:
                        if len(scores) >= CSV_TEXT_CACHE:
                            scores.clear()
                        score_text = scores[score] = encode(round(float(score), 1))
                if number is None:
                    number = ""
                elif not (number.isprintable() and sep not in number and '"' not in number
                          and not number.startswith(FORMULA_STARTS)):
                    number = encode(number)
                lines.append(
                    f"{head}{course}{jp_text}{in_progress if completion_id is None else completed}"
                    f"{progress_text}{sep}{score_text}{sep}{text(enrolled_at)}{sep}"
                    f"{'' if completed_at is None else text(completed_at)}{sep}{number}\r\n")
                if len(lines) >= CSV_CHUNK_ROWS:
                    self.count += len(lines)
                    yield "".join(lines).encode("utf-8")
                    lines = []
        if lines:
            self.count += len(lines)
            yield "".join(lines).encode("utf-8")

    def write_sheet(self, sheet: xlsx.SheetWriter) -> int:
        """Write the rows to ``sheet``; returns their count."""
        cell = _xlsx_cell()
        times = LocalTimes(self.tz)
        courses: dict[int, str | None] = {}
        numbers: dict[Any, str] = {}
        completed, in_progress = cell(STATUS_COMPLETED), cell(STATUS_IN_PROGRESS)
        write, datetime_cell = sheet.write, xlsx.datetime_cell
        count = 0
        for learner, titles, rows in self._rows():
            head = [cell(v) for v in learner]
            for (_, course_id, jp, done, total, score, enrolled_at, completed_at, completion_id,
                 number, _status) in rows:
                course = courses.get(course_id)
                if course is None:
                    course = courses[course_id] = cell(titles[course_id])
                jp_cell = numbers.get(jp)
                if jp_cell is None:
                    jp_cell = numbers[jp] = cell(int(jp))
                progress = round(100 * done / total) if total else 0
                write([*head, course, jp_cell,
                       in_progress if completion_id is None else completed,
                       cell(progress), None if score is None else cell(round(float(score), 1)),
                       datetime_cell(times.naive(enrolled_at)),
                       None if completed_at is None else datetime_cell(times.naive(completed_at)),
                       None if number is None else cell(number)])
                count += 1
        self.count += count
        return count


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

