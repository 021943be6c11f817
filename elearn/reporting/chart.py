"""The completion chart per unit: an inline SVG drawn on the server, no script.

The chart's words come in as ``ChartLabels``: the web translates them into
the reader's language; without labels the chart speaks Indonesian, the
agency's language. Nothing here translates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

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


def _bar(i: int, row: UnitReportRow, labels: ChartLabels) -> list[str]:
    top = i * _ROW + 4
    parts = [
        '<g>',
        f'<title>{escape(_spoken(row, labels))}</title>',
        f'<text x="0" y="{top + 12}" fill="{_INK}">'
        f'{escape(_short(row.name or labels.no_unit))}</text>',
    ]
    if not row.enrolled:
        # Nobody enrolled is not 0 %: no bar at all, a muted note in its place.
        parts.append(f'<text x="0" y="{top + 29}" fill="{_MUTED}" font-style="italic">'
                     f'{escape(labels.no_learners)}</text>')
    else:
        rate = max(0.0, min(100.0, row.completion_rate))
        bar = round(_BAR_WIDTH * rate / 100, 1)
        parts += [
            f'<rect x="0" y="{top + 17}" width="{_BAR_WIDTH}" height="14" rx="2" '
            f'fill="{_TRACK}"/>',
            f'<rect x="0" y="{top + 17}" width="{bar}" height="14" rx="2" fill="{_GREEN}"/>',
            f'<text x="{_WIDTH - 2}" y="{top + 29}" text-anchor="end" fill="{_INK}" '
            f'font-weight="bold">{rate:.0f}%</text>',
        ]
    return parts + ['</g>']


def unit_completion_svg(unit_rows: Iterable[UnitReportRow],
                        labels: ChartLabels | None = None) -> str:
    """A horizontal bar chart of completion rate per unit, as an inline SVG string.

    One labelled bar per unit with its percentage as text, a ``<title>`` and
    ``<desc>`` for screen readers, and a viewBox with ``width="100%"`` so it
    fits a 360 px wide screen. Unit names are escaped; long ones are shortened
    on screen and given in full in the bar's own ``<title>``.
    """
    labels = labels or ChartLabels()
    rows = list(unit_rows)
    height = max(1, len(rows)) * _ROW + 8
    summary = "; ".join(_spoken(row, labels) for row in rows) or labels.no_data
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="unit-chart" width="100%" '
        f'viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="unit-chart-title unit-chart-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="unit-chart-title">{escape(labels.title)}</title>',
        f'<desc id="unit-chart-desc">{escape(summary)}</desc>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="20" fill="{_INK}">{escape(labels.no_data)}</text>')
    for i, row in enumerate(rows):
        parts += _bar(i, row, labels)
    parts.append('</svg>')
    return "\n".join(parts)
