"""How one value is written in a CSV field or an XLSX cell (see ``exports`` for the rules):
the formula guard, control characters, decimal styles, and the per-export caches
the fast paths use (``csv_encoder``, ``xlsx_cell``, ``LocalTimes``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..text import CONTROL_CHARACTERS_WITH_C1
from . import xlsx

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

YES, NO = "Ya", "Tidak"
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


def csv_encoder(style: CsvStyle) -> Callable[[Any], str]:
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


def xlsx_cell() -> Callable[[Any], str | None]:
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
