"""The completion list as an export: plain rows, or CSV and XLSX written fast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import xlsx
from .batches import completion_batches, course_titles
from .cells import (
    COMMA,
    CSV_CHUNK_ROWS,
    CSV_TEXT_CACHE,
    FORMULA_STARTS,
    CsvStyle,
    LocalTimes,
    csv_encoder,
    xlsx_cell,
)
from .filters import STATUS_COMPLETED, STATUS_IN_PROGRESS, CompletionFilters
from .queries import DEFAULT_TZ


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
        encode = csv_encoder(style)
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
        cell = xlsx_cell()
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
