"""The report pages and downloads: a filter the parser refuses comes back as a form error
with the command line's message, and the chart speaks the reader's language.

The dataset is the one of test_queries.py.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from ..conftest import AuthActions, csrf_token
from .test_exports import BAD_INPUT
from .test_queries import GITA, build_dataset

COMPLETION_URLS = ["/admin/reports/completions.csv", "/admin/reports/siasn.xlsx",
                   "/admin/reports/siasn-certificates.zip"]
LABELS = {"en": {"course": "Course", "unit": "Unit", "from": "From", "to": "To", "year": "Year"},
          "id": {"course": "Kursus", "unit": "Unit kerja", "from": "Dari", "to": "Sampai",
                 "year": "Tahun"}}


@pytest.fixture
def admin(app, client, monkeypatch):
    build_dataset(app, monkeypatch)
    AuthActions(client).login(GITA, "Tugas-Belajar-2026")
    return client


def speak(client, locale: str) -> None:
    page = client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": locale, "next": "/",
                                   "csrf_token": csrf_token(page)})


def errors(html: str) -> list[str]:
    """The texts of the form errors on a page."""
    return [unescape(e) for e in re.findall(r'<ul class="errors" id="[^"]+"><li>(.*?)</li>', html)]


def query(args: list[str]) -> dict[str, str]:
    """``["--unit", "XYZ"]`` as a query string ``{"unit": "XYZ"}``."""
    return {name.removeprefix("--"): value for name, value in zip(args[::2], args[1::2],
                                                                     strict=True)}


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_a_bad_filter_gives_the_command_lines_message_at_its_field(app, admin, runner, args,
                                                                   message):
    speak(admin, "en")
    web = re.sub(r"--(\w+)", lambda m: LABELS["en"][m.group(1)],
                 message.removeprefix("Error: "))
    for url in COMPLETION_URLS:
        response = admin.get(url, query_string=query(args))
        assert response.status_code == 400, url
        assert response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert errors(html) == [web], url
        assert 'aria-invalid="true"' in html


def test_the_form_error_is_in_indonesian_and_keeps_what_was_chosen(app, admin):
    response = admin.get("/admin/reports/completions.xlsx",
                         query_string={"course": "etika-asn", "status": "completed",
                                       "from": "2026-02-01", "to": "2026-01-31"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert errors(html) == ["Tanggal Dari (2026-02-01) jatuh setelah tanggal Sampai "
                            "(2026-01-31)."]
    assert re.search(r'<div class="field has-error"><label for="f-from">', html)
    assert 'value="2026-02-01" aria-invalid="true" aria-describedby="f-from-err"' in html
    assert '<option value="etika-asn" selected>' in html
    assert '<option value="completed" selected>' in html
    assert "Tingkat penyelesaian kursus per unit kerja" in html  # the page itself is whole

    html = admin.get("/admin/reports/siasn.csv?unit=XYZ").get_data(as_text=True)
    assert errors(html) == ["Unit kerja: kode unit 'XYZ' tidak dikenal."]


@pytest.mark.parametrize("url", ["/admin/reports/jp", "/admin/reports/jp.csv",
                                 "/admin/reports/jp.xlsx"])
def test_the_jp_report_refuses_a_bad_year_or_unit_as_the_command_line_does(app, admin, runner,
                                                                          tmp_path, url):
    response = admin.get(url, query_string={"year": "99999"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert errors(html) == ["Tahun: '99999' bukan tahun antara 1900 dan 2999."]
    assert 'value="99999"' in html and "<table" not in html
    result = runner.invoke(args=["reports", "jp", "--format", "csv", "--year", "99999",
                                 "--output", str(tmp_path / "jp.csv")])
    assert result.exit_code == 1
    assert result.output.strip() == "Galat: --year: '99999' bukan tahun antara 1900 dan 2999."

    speak(admin, "en")
    html = admin.get(url, query_string={"year": "2026", "unit": "XYZ"}).get_data(as_text=True)
    assert errors(html) == ["Unit: unknown unit code 'XYZ'."]


def test_the_jp_page_lists_the_chosen_year_and_unit(app, admin):
    html = admin.get("/admin/reports/jp?year=2026&unit=diskominfo").get_data(as_text=True)
    assert errors(html) == []
    assert '<option value="DISKOMINFO" selected>' in html
    assert "Andi Pratama Lubis" in html and "Dedi Hasibuan" not in html
    assert "/admin/reports/jp.csv?year=2026&amp;unit=DISKOMINFO" in html


def test_the_chart_speaks_the_readers_language(app, admin):
    html = admin.get("/admin/reports").get_data(as_text=True)
    assert '<title id="unit-chart-title">Tingkat penyelesaian kursus per unit kerja</title>' in html
    assert "Dinas Komunikasi dan Informatika: 75% (3 dari 4 peserta selesai)" in html
    assert ">Tanpa unit kerja</text>" in html
    speak(admin, "en")
    html = admin.get("/admin/reports").get_data(as_text=True)
    assert '<title id="unit-chart-title">Course completion rate per unit</title>' in html
    assert "Dinas Komunikasi dan Informatika: 75% (3 of 4 learners completed)" in html
    assert ">No unit</text>" in html
