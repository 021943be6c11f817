"""A small streaming XLSX writer for the report exports: one sheet, written row by row.

Why not a library: openpyxl's write-only mode manages about 9 000 rows a second
on the completion list, XlsxWriter about 16 000 (constant memory, plain
``write_row``) and PyExcelerate about 18 000 while holding the whole sheet in
memory; the export budget is 25 000. XlsxWriter and the Rust-backed writers
also store a carriage return as ``_x000D_``, which openpyxl (and so the
staff-file reader and the tests) reads back as those seven characters.

What it writes, and nothing else: the sheet XML straight into a ZIP member
(bounded memory, whatever the row count), every text as an inline string cell
(``t="inlineStr"``: never a formula, never an error value, shown as stored),
numbers as numbers, dates and times as serial numbers with a date format, a
bold frozen header row and column widths. The package parts around the sheet
(content types, relationships, workbook, styles) are fixed text: the minimal
set SpreadsheetML requires, checked by opening the files with openpyxl and
LibreOffice in the tests.

Text must already be free of the control characters XML cannot hold (the
caller removes them, see ``exports.clean_text``); tab, line feed and carriage
return are kept, the carriage return as ``&#13;`` so it survives XML parsing.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from math import isfinite
from os import PathLike
from typing import IO, Any
from xml.sax.saxutils import escape

#: The style indexes of ``STYLES``' cellXfs.
BOLD, DATETIME, DATE = 1, 2, 3
#: Excel's day zero (the 1900 date system, counting its phantom 29 February 1900).
EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
#: ZIP deflate level: 1 compresses a sheet to about the size 6 does, several times faster.
COMPRESS_LEVEL = 1

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    f'{XML}<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.styles+xml"/>'
    '</Types>')
ROOT_RELS = (
    f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK_RELS = (
    f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIP}/styles" Target="styles.xml"/>'
    '</Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
    '<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>')
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="{datetime}"/>'
    '<numFmt numFmtId="165" formatCode="{date}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font><font><b val="1"/><sz val="11"/><color theme="1"/>'
    '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/>')
SHEET_END = '</sheetData></worksheet>'
#: XML escapes of a cell's text beyond &, < and >.
ENTITIES = {"\r": "&#13;"}


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(text: str) -> str:
    """An inline string cell holding ``text``, without its opening ``<c r="..."``: rows
    put the reference in front (``SheetWriter.write``), so a cell's XML can be reused."""
    body = escape(text, ENTITIES)
    if body != body.strip(" \t\n") or "&#13;" in body:
        return f' t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'
    return f' t="inlineStr"><is><t>{body}</t></is></c>'


def number_cell(value: int | float) -> str:
    """A number cell; a float a sheet cannot hold (NaN, infinity) is written as text."""
    if value.__class__ is float and not isfinite(value):
        return text_cell(repr(value))
    return f"><v>{value!r}</v></c>"


def serial(value: datetime | date) -> float | int:
    """Excel's serial number of a (naive, local) date or time."""
    days = value.toordinal() - EPOCH_ORDINAL
    if not isinstance(value, datetime):
        return days
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return days + (seconds + value.microsecond / 1_000_000) / 86400


def datetime_cell(value: datetime) -> str:
    return f' s="{DATETIME}"><v>{serial(value)!r}</v></c>'


def date_cell(value: date) -> str:
    return f' s="{DATE}"><v>{serial(value)!r}</v></c>'


class SheetWriter:
    """Rows of cell XML (``text_cell``, ``number_cell``...) into an XLSX file.

    ``widths`` are column widths in characters; ``header`` is written bold and
    frozen. Use as a context manager, then ``write(cells_xml)`` per row.
    """

    def __init__(self, target: str | PathLike | IO[bytes], header: Sequence[str],
                 widths: Sequence[float], *, title: str = "Laporan",
                 datetime_format: str = "dd-mm-yyyy hh:mm", date_format: str = "dd-mm-yyyy"):
        self.archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                                       compresslevel=COMPRESS_LEVEL)
        workbook = WORKBOOK.format(title=escape(title, {'"': "&quot;"}))
        styles = STYLES.format(datetime=escape(datetime_format, {'"': "&quot;"}),
                               date=escape(date_format, {'"': "&quot;"}))
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/workbook.xml", workbook), ("xl/styles.xml", styles)):
            self.archive.writestr(name, text)
        self.sheet = self.archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.buffer: list[str] = []
        self.rows = 0
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(widths, start=1))
        self.buffer.append(f"{SHEET_START}<cols>{cols}</cols><sheetData>" if cols
                           else f"{SHEET_START}<sheetData>")
        self.letters = [column_letter(i) for i in range(len(header))]
        self.write([f' s="{BOLD}"' + text_cell(name) for name in header])

    def write(self, cells: Sequence[str | None]) -> None:
        """One row: each cell's XML from ``text_cell``, ``number_cell``... (None: empty)."""
        self.rows += 1
        n = self.rows
        if len(cells) > len(self.letters):
            self.letters += [column_letter(i) for i in range(len(self.letters), len(cells))]
        self.buffer.append("".join([f'<row r="{n}">', *[
            f'<c r="{letter}{n}"{cell}' for letter, cell in zip(self.letters, cells, strict=False)
            if cell is not None], "</row>"]))
        if len(self.buffer) >= 500:
            self.flush()

    def flush(self) -> None:
        self.sheet.write("".join(self.buffer).encode("utf-8"))
        self.buffer.clear()

    def close(self) -> None:
        self.buffer.append(SHEET_END)
        self.flush()
        self.sheet.close()
        self.archive.close()

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:  # leave no half-written archive open
            self.sheet.close()
            self.archive.close()


def cell_xml(value: Any) -> str | None:
    """A Python value as a cell: text, number, date or time (naive, shown as is); None is
    an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return text_cell(value)
    if isinstance(value, datetime):
        return datetime_cell(value)
    if isinstance(value, date):
        return date_cell(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_cell(value)
    if isinstance(value, Decimal):
        return f"><v>{value}</v></c>"
    return text_cell(str(value))


def write_rows(target, header: Sequence[str], widths: Sequence[float],
               rows: Iterable[Sequence[Any]], **options) -> int:
    """Write plain rows (see ``cell_xml``); returns their count."""
    count = 0
    with SheetWriter(target, header, widths, **options) as sheet:
        for row in rows:
            sheet.write(list(map(cell_xml, row)))
            count += 1
    return count
