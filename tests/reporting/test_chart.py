"""The SVG completion chart per unit (dataset: see test_queries.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from elearn.reporting import chart, queries
from elearn.reporting.queries import UnitReportRow

from .test_queries import UNITS, build_dataset


@pytest.fixture
def dataset(app, monkeypatch):
    return build_dataset(app, monkeypatch)


SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse our own generated markup (trusted input)."""
    return ET.fromstring(svg)  # noqa: S314


def test_unit_chart_is_accessible_well_formed_svg(app, dataset):
    with app.app_context():
        svg = chart.unit_completion_svg(queries.unit_report())
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 360 ")
    assert root.find(SVG + "title").text == "Tingkat penyelesaian kursus per unit kerja"
    assert root.get("aria-labelledby") == "unit-chart-title unit-chart-desc"
    texts = [t.text for t in root.iter(SVG + "text")]
    # BKPSDM's learners have not completed (0 %); nobody in DISHUB has enrolled at all.
    assert texts == [UNITS["BKPSDM"], "0%", UNITS["DISKOMINFO"], "75%", UNITS["DISHUB"],
                     "belum ada peserta", "Tanpa unit kerja", "100%"]
    assert "Dinas Komunikasi dan Informatika: 75% (3 dari 4 peserta selesai)" in \
        root.find(SVG + "desc").text
    assert "<script" not in svg


def test_a_unit_without_learners_is_not_shown_as_zero_percent():
    rows = [UnitReportRow(enrolled=0, completed=0, code="A", name="Dinas Kosong"),
            UnitReportRow(enrolled=5, completed=0, code="B", name="Dinas Gagal")]
    root = parse(chart.unit_completion_svg(rows))
    texts = [t.text for t in root.iter(SVG + "text")]
    assert texts == ["Dinas Kosong", "belum ada peserta", "Dinas Gagal", "0%"]
    assert root.find(SVG + "desc").text == (
        "Dinas Kosong: belum ada peserta; Dinas Gagal: 0% (0 dari 5 peserta selesai)")


def test_unit_chart_escapes_names_and_scales_bars():
    rows = [UnitReportRow(enrolled=3, completed=2, code="X", name='Bidang <A&B> "Satu"'),
            UnitReportRow(enrolled=4, completed=4, code="Y", name="Y" * 80)]
    svg = chart.unit_completion_svg(rows)
    assert "<A&B>" not in svg and "&lt;A&amp;B&gt;" in svg
    root = parse(svg)  # well-formed XML
    texts = [t.text for t in root.iter(SVG + "text")]
    assert texts[0] == 'Bidang <A&B> "Satu"'
    assert texts[1] == "67%"
    assert texts[2].endswith("…") and len(texts[2]) <= 48  # long names are shortened ...
    titles = [g.find(SVG + "title").text for g in root.iter(SVG + "g")]
    assert titles[1].startswith("Y" * 80)  # ... and given in full to screen readers
    bars = [r for r in root.iter(SVG + "rect") if r.get("fill") == "#0b5d3b"]
    full = float(next(r for r in root.iter(SVG + "rect")).get("width"))
    assert [float(b.get("width")) for b in bars] == [pytest.approx(full * 2 / 3, abs=0.2), full]


def test_unit_chart_without_units():
    root = parse(chart.unit_completion_svg([]))
    assert [t.text for t in root.iter(SVG + "text")] == ["Belum ada data."]
