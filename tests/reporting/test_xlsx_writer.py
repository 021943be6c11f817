"""The small streaming XLSX writer (``elearn.reporting.xlsx``) on values the exports'
own tests do not reach, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from elearn.reporting import xlsx


def read(rows, header=("A", "B", "C")):
    buffer = io.BytesIO()
    assert xlsx.write_rows(buffer, list(header), [10] * len(header), rows) == len(rows)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def test_values_come_back_with_their_types():
    sheet = read([["teks", 3, 2.5], [Decimal("1.25"), None, date(2026, 3, 1)],
                  [datetime(2026, 1, 1, 0, 30, 15), " spasi ", "a\r\nb"]])
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [("teks", 3, 2.5), (1.25, None, datetime(2026, 3, 1)),
                    (datetime(2026, 1, 1, 0, 30, 15), " spasi ", "a\r\nb")]
    assert sheet["C3"].number_format == "dd-mm-yyyy"
    assert sheet["A4"].number_format == "dd-mm-yyyy hh:mm"
    assert [c.font.b for c in sheet[1]] == [True, True, True]
    assert sheet.freeze_panes == "A2"


def test_a_number_a_sheet_cannot_hold_becomes_text():
    sheet = read([[float("nan"), float("inf"), -float("inf")]])
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("nan", "s"), ("inf", "s"), ("-inf", "s")]


def test_rows_longer_than_the_header_keep_every_cell():
    sheet = read([[1, 2, 3, 4, 5] + [6] * 26], header=("A",))
    assert [c.value for c in sheet[2]] == [1, 2, 3, 4, 5] + [6] * 26
    assert sheet.max_column == 31 and xlsx.column_letter(30) == "AE"
