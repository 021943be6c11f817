"""Bar charts drawn on the server as inline SVG, no script: the completion rate per
unit (reports page) and the mean evaluation rating per course (evaluation report),
both on ``bar_chart_svg``.

The charts' words come in as ``ChartLabels``/``RatingChartLabels`` (and numbers
through a formatter): the web translates them into the reader's language; without
labels a chart speaks Indonesian, the agency's language. Nothing here translates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Protocol

from .queries import UnitReportRow

#: Chart geometry in viewBox units (the SVG scales to its container's width).
_WIDTH, _BAR_WIDTH, _ROW, _LABEL_MAX = 360, 290, 40, 48
_GREEN, _TRACK, _INK, _MUTED = "#0b5d3b", "#e3ebe7", "#1b1f24", "#4b5563"


@dataclass(frozen=True)
class ChartLabels:
    """The words of the chart; ``completed_of`` is a %-format with ``completed`` and
    ``enrolled``."""

    title: str = "Tingkat penyelesaian kursus per unit kerja"
    no_unit: str = "Tanpa unit kerja"
    no_data: str = "Belum ada data."
    completed_of: str = "%(completed)d dari %(enrolled)d peserta selesai"
    #: Shown instead of a percentage for a unit where nobody has enrolled yet.
    no_learners: str = "belum ada peserta"


def _short(text: str, limit: int = _LABEL_MAX) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _spoken(row: UnitReportRow, labels: ChartLabels) -> str:
    """What a screen reader hears for one unit: name, percentage, counts."""
    if not row.enrolled:
        return f"{row.name or labels.no_unit}: {labels.no_learners}"
    counts = labels.completed_of % {"completed": row.completed, "enrolled": row.enrolled}
    return f"{row.name or labels.no_unit}: {row.completion_rate:.0f}% ({counts})"


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: ``label`` on screen (shortened when long), ``spoken`` in full
    for screen readers, ``percent`` (0-100) of the full width and ``value`` at its
    end; without ``percent`` (None) no bar at all, ``value`` as a muted note instead."""

    label: str
    spoken: str
    percent: float | None
    value: str


def _bar(i: int, bar: Bar) -> list[str]:
    top = i * _ROW + 4
    parts = [
        '<g>',
        f'<title>{escape(bar.spoken)}</title>',
        f'<text x="0" y="{top + 12}" fill="{_INK}">{escape(_short(bar.label))}</text>',
    ]
    if bar.percent is None:
        # Nothing to measure is not 0: no bar at all, a muted note in its place.
        parts.append(f'<text x="0" y="{top + 29}" fill="{_MUTED}" font-style="italic">'
                     f'{escape(bar.value)}</text>')
    else:
        width = round(_BAR_WIDTH * max(0.0, min(100.0, bar.percent)) / 100, 1)
        parts += [
            f'<rect x="0" y="{top + 17}" width="{_BAR_WIDTH}" height="14" rx="2" '
            f'fill="{_TRACK}"/>',
            f'<rect x="0" y="{top + 17}" width="{width}" height="14" rx="2" fill="{_GREEN}"/>',
            f'<text x="{_WIDTH - 2}" y="{top + 29}" text-anchor="end" fill="{_INK}" '
            f'font-weight="bold">{escape(bar.value)}</text>',
        ]
    return parts + ['</g>']


def bar_chart_svg(bars: Iterable[Bar], *, title: str, no_data: str,
                  name: str = "bar-chart") -> str:
    """A horizontal bar chart as an inline SVG string: one labelled bar per ``Bar``, a
    ``<title>`` and ``<desc>`` for screen readers (ids ``{name}-title`` and
    ``{name}-desc``, class ``name``), and a viewBox with ``width="100%"`` so it fits
    a 360 px wide screen. Every text is escaped."""
    bars = list(bars)
    height = max(1, len(bars)) * _ROW + 8
    summary = "; ".join(bar.spoken for bar in bars) or no_data
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="{escape(name)}" '
        f'width="100%" viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(name)}-title {escape(name)}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{escape(name)}-title">{escape(title)}</title>',
        f'<desc id="{escape(name)}-desc">{escape(summary)}</desc>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="20" fill="{_INK}">{escape(no_data)}</text>')
    for i, bar in enumerate(bars):
        parts += _bar(i, bar)
    parts.append('</svg>')
    return "\n".join(parts)


def _unit_bar(row: UnitReportRow, labels: ChartLabels) -> Bar:
    if not row.enrolled:
        return Bar(row.name or labels.no_unit, _spoken(row, labels), None, labels.no_learners)
    rate = max(0.0, min(100.0, row.completion_rate))
    return Bar(row.name or labels.no_unit, _spoken(row, labels), rate, f"{rate:.0f}%")


def unit_completion_svg(unit_rows: Iterable[UnitReportRow],
                        labels: ChartLabels | None = None) -> str:
    """A horizontal bar chart of completion rate per unit, as an inline SVG string.

    One labelled bar per unit with its percentage as text, a ``<title>`` and
    ``<desc>`` for screen readers, and a viewBox with ``width="100%"`` so it
    fits a 360 px wide screen. Unit names are escaped; long ones are shortened
    on screen and given in full in the bar's own ``<title>``.
    """
    labels = labels or ChartLabels()
    return bar_chart_svg([_unit_bar(row, labels) for row in unit_rows], title=labels.title,
                         no_data=labels.no_data, name="unit-chart")


# --- mean evaluation rating per course -------------------------------------------------------

@dataclass(frozen=True)
class RatingChartLabels:
    """The words of the rating chart; ``rated`` is a %-format with ``rating`` (the
    formatted mean) and ``max`` (the top of the scale)."""

    title: str = "Rata-rata penilaian evaluasi per kursus"
    no_data: str = "Belum ada data."
    rated: str = "%(rating)s dari %(max)d"
    #: Shown instead of a bar for a course nobody has evaluated in the period.
    no_evaluations: str = "belum ada evaluasi"


class RatedCourse(Protocol):
    """A course row of the evaluation report (``evaluation_report.CourseEvaluationRow``)."""

    title: str
    mean_rating: float | None


def course_rating_svg(rows: Iterable[RatedCourse], labels: RatingChartLabels | None = None,
                      number: Callable[[float], str] = "{:.2f}".format,
                      scale_max: int = 5) -> str:
    """A bar per course of its mean rating on the scale 1..``scale_max`` (the bar's length
    is the rating over ``scale_max``), the rating written by ``number``; a course
    without evaluations gets a muted note, never a zero."""
    labels = labels or RatingChartLabels()
    bars = []
    for row in rows:
        if row.mean_rating is None:
            bars.append(Bar(row.title, f"{row.title}: {labels.no_evaluations}", None,
                            labels.no_evaluations))
            continue
        value = number(row.mean_rating)
        spoken = labels.rated % {"rating": value, "max": scale_max}
        bars.append(Bar(row.title, f"{row.title}: {spoken}",
                        100 * row.mean_rating / scale_max, value))
    return bar_chart_svg(bars, title=labels.title, no_data=labels.no_data, name="rating-chart")
