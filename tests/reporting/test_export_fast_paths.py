"""The exports' fast paths give what the plain ones give.

``completion_export_rows`` reads the list learner batch by learner batch and
``stream_csv``/``write_xlsx`` write it through fast paths that encode repeated
values once; SIASN rows come from the same batches. Each is compared here with
the single-statement list (``queries.completion_rows``) and with the generic
writers fed plain rows. The dataset is the one of test_queries.py.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from elearn.reporting import batches, cells, exports, queries
from elearn.reporting.exports import (
    COMPLETION_HEADER,
    SEMICOLON,
    SIASN_HEADER,
    LocalTimes,
    completion_export_rows,
    siasn_rows,
    stream_csv,
    write_xlsx,
)
from elearn.reporting.filters import CompletionFilters

from .test_queries import build_dataset

FILTERS = [
    CompletionFilters(), CompletionFilters(course="etika-asn"),
    CompletionFilters(unit="diskominfo"), CompletionFilters(unit="DISHUB"),
    CompletionFilters(status="completed"), CompletionFilters(status="in_progress"),
    CompletionFilters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 15)),
    CompletionFilters(date_to=date(2025, 12, 31)),
    CompletionFilters(course="pelayanan-publik", unit="DISKOMINFO", status="completed",
                      date_from=date(2026, 1, 10)),
    CompletionFilters(course="tidak-ada"),
]


@pytest.fixture
def dataset(app, monkeypatch):
    return build_dataset(app, monkeypatch)


@pytest.fixture(params=[batches.EXPORT_LEARNERS, 1, 2], ids=["batch", "one", "two"])
def batch_size(request, monkeypatch):
    """Batches of every size give the same list (one learner per batch included)."""
    monkeypatch.setattr(batches, "EXPORT_LEARNERS", request.param)
    return request.param


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_batched_rows_are_the_single_statement_list(app, dataset, batch_size):
    with app.app_context():
        for filters in FILTERS:
            expected = [tuple(r[:13]) for r in queries.completion_rows(filters)]
            export = completion_export_rows(filters)
            assert list(export) == expected, filters
            assert export.count == len(expected)


def test_fast_csv_is_the_generic_csv(app, dataset, batch_size):
    with app.app_context():
        for filters in FILTERS:
            plain = [tuple(r[:13]) for r in queries.completion_rows(filters)]
            for style in (exports.COMMA, SEMICOLON):
                expected = b"".join(stream_csv(COMPLETION_HEADER, iter(plain), style))
                export = completion_export_rows(filters)
                assert b"".join(stream_csv(COMPLETION_HEADER, export, style)) == expected
                assert export.count == len(plain)


def test_fast_xlsx_is_the_generic_xlsx(app, dataset, batch_size):
    with app.app_context():
        for filters in FILTERS:
            plain = [tuple(r[:13]) for r in queries.completion_rows(filters)]
            generic, fast = io.BytesIO(), io.BytesIO()
            assert write_xlsx(COMPLETION_HEADER, iter(plain), generic) == len(plain)
            export = completion_export_rows(filters)
            assert write_xlsx(COMPLETION_HEADER, export, fast) == len(plain)
            assert export.count == len(plain)
            assert sheet_xml(fast.getvalue()) == sheet_xml(generic.getvalue()), filters


def test_siasn_rows_from_batches_are_those_of_the_single_statement_list(
        app, dataset, batch_size):
    with app.app_context():
        for filters in FILTERS:
            check_siasn(filters)


def check_siasn(filters: CompletionFilters) -> None:
    """SIASN rows as the single-statement list gives them (revoked certificates left out)."""
    agency = "BKPSDM Kota Medan"
    expected = []
    if filters.status_code != "in_progress":
        for r in queries.completion_rows(replace(filters, status="completed")):
            if r.certificate_status != "revoked":
                expected.append([r.nip, r.course_title, agency, r.jp,
                                 r.enrolled_at.strftime("%d-%m-%Y"),
                                 r.completed_at.strftime("%d-%m-%Y"), r.completed_at.year,
                                 r.certificate_number])
    assert list(siasn_rows(filters, agency)) == expected, filters
    assert b"".join(stream_csv(SIASN_HEADER, siasn_rows(filters, agency))) == b"".join(
        stream_csv(SIASN_HEADER, iter(expected)))


# --- local times -----------------------------------------------------------------------------

def stored(value: datetime) -> str:
    """How SQLite stores a UTC time (SQLAlchemy's format)."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


@pytest.mark.parametrize("tz", ["Asia/Jakarta", "Asia/Kolkata", "Europe/Berlin",
                                "Australia/Lord_Howe", "America/St_Johns", "UTC"])
def test_local_times_match_a_full_conversion_across_offset_changes(tz):
    times = LocalTimes(tz)
    # Every 23 minutes 53 seconds through two years: both DST changes of each year, and
    # every hour seen from several minutes (the per-hour and per-day caches).
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for step in range(0, 2 * 366 * 24 * 3600, 1433):
        when = start + timedelta(seconds=step, microseconds=step % 1000)
        local = when.astimezone(times.zone)
        text = local.isoformat(" ", "minutes")[:16]
        naive_utc = when.replace(tzinfo=None)
        assert times.text(stored(naive_utc)) == text, when
        assert times.text(naive_utc) == text, when
        assert times.text(when) == text, when
        assert times.naive(stored(naive_utc)) == local.replace(tzinfo=None), when
        assert times.aware(naive_utc) == local and times.aware(naive_utc).tzinfo is times.zone


def test_local_times_before_year_1000_use_the_slow_path():
    times = LocalTimes("Asia/Jakarta")
    assert times.text(datetime(999, 5, 1, 1, 0)) == datetime(999, 5, 1, 1, 0, tzinfo=UTC) \
        .astimezone(times.zone).strftime("%Y-%m-%d %H:%M")


# --- the CSV field encoder -------------------------------------------------------------------

HOSTILE = ["plain", "", " lead", "trail ", "a,b", "a;b", 'say "hi"', "=1+1", "+62", "-5", "@x",
           "\tTab", "\rCR", "line\nbreak", "\x01=HYPERLINK()", "\x85C1", "000123/ELN/2026",
           "ñ", "'=quoted", 5, 0, -3, 2.5, 100.0, None, True, False]


@pytest.mark.parametrize("style", [exports.COMMA, SEMICOLON])
def test_the_csv_field_encoder_writes_what_stream_csv_writes(style):
    encode = cells.csv_encoder(style)
    row = b"".join(stream_csv(["h"] * len(HOSTILE), iter([HOSTILE]), style)).split(b"\r\n", 1)[1]
    fields = style.delimiter.join(encode(v) for v in HOSTILE) + "\r\n"
    assert fields.encode("utf-8") == row
    assert style.delimiter.join(encode(v) for v in HOSTILE) + "\r\n" == fields  # cached
