"""Reading a staff file (CSV or XLSX) into rows of text, within bounds.

Staff files are hostile until checked: an XLSX is a zip, so a small upload
can unpack to gigabytes, and a CSV can hold millions of rows. Both are
refused with a clear message before they fill a worker's memory.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from ...errors import N_
from ..errors import ImportFileError

#: Rows read from one staff file (a city's whole staff is a few tens of thousands);
#: a longer file is refused instead of filling a worker's memory.
MAX_ROWS = 100_000
#: Unpacked size of an XLSX file (a zip): 100 000 staff rows take about 20 MB, and
#: openpyxl reads the shared strings whole, so a zip bomb is refused before opening.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_ENTRIES = 1_000


class LossyNumber(str):
    """Digits of a spreadsheet number too large to be exact (a NIP typed as a
    number in Excel keeps only 15 significant digits)."""


def read_rows(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header cells and the non-empty data rows of a CSV or XLSX file.

    Rows are numbered as a spreadsheet shows them (the header is row 1 when
    the file starts with it). Raises ImportFileError.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        records = _csv_records(data, filename)
    elif suffix == ".xlsx":
        records = _xlsx_records(data, filename)
    else:
        raise ImportFileError(N_("Only .csv and .xlsx files can be imported."))
    non_empty = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not non_empty:
        raise ImportFileError(N_("The file is empty."))
    (_, header), body = non_empty[0], non_empty[1:]
    headers = [h.strip() for h in header]
    width = len(headers)
    rows = [(n, cells + [""] * (width - len(cells))) for n, cells in body]
    return headers, iter(rows)


def _unreadable(filename: str, kind: str) -> ImportFileError:
    return ImportFileError(N_("%(filename)s is not a readable %(kind)s file."),
                           filename=PurePath(filename).name, kind=kind)


def _csv_records(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _unreadable(filename, "CSV") from None
    if "\x00" in text:  # a binary file with a .csv name
        raise _unreadable(filename, "CSV")
    first, _, rest = text.lstrip().partition("\n")
    if hint := re.fullmatch(r"sep=([;,])", first.strip()):
        # Excel's "sep=;" line names the delimiter and is not shown as a row.
        delimiter, text = hint.group(1), rest
    else:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _bounded(enumerate(reader, start=1))
    except csv.Error:
        raise _unreadable(filename, "CSV") from None


def _bounded(records: Iterable[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """At most MAX_ROWS records; a longer file is refused with a clear message."""
    rows = []
    for n, row in records:
        if n > MAX_ROWS + 1:  # + the header row
            raise ImportFileError(
                N_("The file has more than %(n)d rows. Split it into several files."),
                n=MAX_ROWS)
        rows.append((n, row))
    return rows


def _check_xlsx_size(data: bytes, filename: str) -> None:
    """Refuse a workbook whose unpacked parts are too large (a zip bomb) before
    openpyxl opens it; zipfile never reads past a member's declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable(filename, "XLSX") from None
    if len(members) > MAX_XLSX_ENTRIES or \
            sum(m.file_size for m in members) > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(
            N_("%(filename)s unpacks to more than %(mb)d MB. Save only the staff list in it, "
               "or split it into several files."),
            filename=PurePath(filename).name, mb=MAX_XLSX_UNPACKED_BYTES // (1024 * 1024))


def _xlsx_records(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_xlsx_size(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, XML and openpyxl errors alike: not a readable workbook
        raise _unreadable(filename, "XLSX") from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size; read every row
        return _bounded((n, [_cell_text(v) for v in values])
                        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1))
    except ImportFileError:
        raise
    except Exception:
        raise _unreadable(filename, "XLSX") from None
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A cell value as the text a person reads in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        # The digits as written in the file (repr is the shortest exact
        # round trip): 1.99204112019031e+17 -> 199204112019031000, no ".0".
        digits = format(Decimal(repr(value)), "f")
        return LossyNumber(digits) if abs(value) >= 2**53 else digits
    return repr(value)
