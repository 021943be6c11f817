"""The periodic evaluation report on a known dataset: the service, the admin page, its
CSV/XLSX downloads and ``flask reports evaluation``.

Three courses, the installation's default questions (relevance, clarity, method,
overall). Asia/Jakarta is UTC+7: Q4 2026 runs from 2026-09-30 17:00Z to
2026-12-31 17:00Z.

* Pelayanan Publik: pre-test ``pretes``, post-test ``kuis`` (the last graded quiz);
* Etika ASN: pre-test, an earlier graded quiz ``kuis`` (not the post-test), the
  post-test ``ujian`` and a retired quiz ``lama`` after it (ignored);
* Etika Dasar: no pre-test, so no gain.

=====  ==========  ======  =============================  ====  ===  ====  ===============
who    unit        course  enrolled (WIB)                 done  pre  post  ratings r/c/m/o
=====  ==========  ======  =============================  ====  ===  ====  ===============
a1     DISKOMINFO  PP      2026-10-05                     yes*  40   80    5 4 4 5
a2     DISKOMINFO  PP      2026-10-01 00:30 (Q4's edge)   yes   60   100   4 4 4 4
a3     BKPSDM      PP      2026-11-10                     yes   20   -     -
a4     (none)      PP      2026-12-01                     no    50   70    -
a5     BKPSDM      PP      2026-03-15 (Q1)                yes   30   90    3 3 3 3
a6     DISKOMINFO  PP      2025-12-31 23:59 (2025)        yes   0    100   1 1 1 1
a7     BKPSDM      PP      2027-01-01 00:30 (2027)        yes   10   100   1 1 1 1
b1     DISKOMINFO  EA      2026-10-10                     yes   50   75    5 5 5 5
b2     (none)      EA      2026-11-11                     yes   80   60    2 3 4 -, old key 1
b3     BKPSDM      EA      2026-05-01 (Q2)                no    -    -     -
c1     DISKOMINFO  ED      2026-10-20                     yes   -    -     4 4 4 3
c2     BKPSDM      ED      2026-12-20                     no    -    -     -
=====  ==========  ======  =============================  ====  ===  ====  ===============

(*) completed in 2027: a completion counts whatever its date. b1 also has 10 on
``kuis`` and 0 on the retired ``lama``. The unit DISHUB has nobody: not listed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import (
    Course,
    CourseCompletion,
    CourseEvaluation,
    Enrollment,
    EvaluationRating,
    Module,
    ModuleProgress,
    User,
)
from elearn.people.services import upsert_unit
from elearn.reporting import chart
from elearn.reporting.evaluation_report import (
    EXPORT_HEADER,
    Period,
    evaluation_report,
    parse_evaluation_filters,
)
from elearn.reporting.filters import ReportError, this_year

from ..conftest import csrf_token, recorded_sql
from ..content.helpers import COURSE_MD, QUIZ_MD, make_course
from ..evaluation.conftest import pretest_course

TZ = "Asia/Jakarta"
UNITS = {"DISKOMINFO": "Dinas Komunikasi dan Informatika",
         "BKPSDM": "Badan Kepegawaian dan Pengembangan SDM", "DISHUB": "Dinas Perhubungan"}
KEYS = ("relevance", "clarity", "method", "overall")
QUESTION_TEXTS = ("Relevansi materi dengan pekerjaan Anda", "Kejelasan materi",
                  "Kualitas metode dan media pembelajaran", "Penilaian keseluruhan")
Q4, YEAR = Period(2026, 4), Period(2026)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# who: unit, course, enrolled (UTC), completed (UTC) or None, {module: best score}, ratings
PEOPLE = {
    "a1": ("DISKOMINFO", "pelayanan-publik", utc(2026, 10, 4, 17), utc(2027, 2, 1),
           {"pretes": 40, "kuis": 80}, {"relevance": 5, "clarity": 4, "method": 4, "overall": 5}),
    "a2": ("DISKOMINFO", "pelayanan-publik", utc(2026, 9, 30, 17, 30), utc(2026, 10, 9),
           {"pretes": 60, "kuis": 100}, dict.fromkeys(KEYS, 4)),
    "a3": ("BKPSDM", "pelayanan-publik", utc(2026, 11, 10), utc(2026, 11, 20),
           {"pretes": 20}, None),
    "a4": (None, "pelayanan-publik", utc(2026, 12, 1), None, {"pretes": 50, "kuis": 70}, None),
    "a5": ("BKPSDM", "pelayanan-publik", utc(2026, 3, 15), utc(2026, 10, 20),
           {"pretes": 30, "kuis": 90}, dict.fromkeys(KEYS, 3)),
    "a6": ("DISKOMINFO", "pelayanan-publik", utc(2025, 12, 31, 16, 59), utc(2026, 1, 5),
           {"pretes": 0, "kuis": 100}, dict.fromkeys(KEYS, 1)),
    "a7": ("BKPSDM", "pelayanan-publik", utc(2026, 12, 31, 17, 30), utc(2027, 1, 9),
           {"pretes": 10, "kuis": 100}, dict.fromkeys(KEYS, 1)),
    "b1": ("DISKOMINFO", "etika-asn", utc(2026, 10, 10), utc(2026, 10, 30),
           {"pretes": 50, "kuis": 10, "ujian": 75, "lama": 0}, dict.fromkeys(KEYS, 5)),
    "b2": (None, "etika-asn", utc(2026, 11, 11), utc(2026, 12, 1), {"pretes": 80, "ujian": 60},
           {"relevance": 2, "clarity": 3, "method": 4, "old_question": 1}),
    "b3": ("BKPSDM", "etika-asn", utc(2026, 5, 1), None, {}, None),
    "c1": ("DISKOMINFO", "etika-dasar", utc(2026, 10, 20), utc(2026, 11, 1), {"kuis": 90},
           {"relevance": 4, "clarity": 4, "method": 4, "overall": 3}),
    "c2": ("BKPSDM", "etika-dasar", utc(2026, 12, 20), None, {}, None),
}

# (participants, completed, completion rate, with both scores, mean pre, mean post, mean gain,
#  evaluations, response rate, mean rating, ratings per question)
EXPECTED = {
    Q4: {
        "courses": {
            "Etika ASN": (2, 2, 100.0, 2, 65.0, 67.5, 2.5, 2, 100.0, 4.25, (3.5, 4.0, 4.5, 5.0)),
            "Etika Dasar": (2, 1, 50.0, 0, None, None, None, 1, 100.0, 3.75,
                            (4.0, 4.0, 4.0, 3.0)),
            "Pelayanan Publik": (4, 3, 75.0, 3, 50.0, 83.3, 33.3, 2, 66.7, 4.25,
                                 (4.5, 4.0, 4.0, 4.5)),
        },
        "units": {
            "BKPSDM": (2, 1, 50.0, 0, None, None, None, 0, 0.0, None, (None,) * 4),
            "DISKOMINFO": (4, 4, 100.0, 3, 50.0, 85.0, 35.0, 4, 100.0, 4.31,
                           (4.5, 4.25, 4.25, 4.25)),
            None: (2, 1, 50.0, 2, 65.0, 65.0, 0.0, 1, 100.0, 3.0, (2.0, 3.0, 4.0, None)),
        },
        "total": (8, 6, 75.0, 5, 56.0, 77.0, 21.0, 5, 83.3, 4.11, (4.0, 4.0, 4.2, 4.25)),
    },
    YEAR: {
        "courses": {
            "Etika ASN": (3, 2, 66.7, 2, 65.0, 67.5, 2.5, 2, 100.0, 4.25, (3.5, 4.0, 4.5, 5.0)),
            "Etika Dasar": (2, 1, 50.0, 0, None, None, None, 1, 100.0, 3.75,
                            (4.0, 4.0, 4.0, 3.0)),
            "Pelayanan Publik": (5, 4, 80.0, 4, 45.0, 85.0, 40.0, 3, 75.0, 3.83,
                                 (4.0, 3.67, 3.67, 4.0)),
        },
        "units": {
            "BKPSDM": (4, 2, 50.0, 1, 30.0, 90.0, 60.0, 1, 50.0, 3.0, (3.0,) * 4),
            "DISKOMINFO": (4, 4, 100.0, 3, 50.0, 85.0, 35.0, 4, 100.0, 4.31,
                           (4.5, 4.25, 4.25, 4.25)),
            None: (2, 1, 50.0, 2, 65.0, 65.0, 0.0, 1, 100.0, 3.0, (2.0, 3.0, 4.0, None)),
        },
        "total": (10, 7, 70.0, 6, 51.7, 79.2, 27.5, 6, 85.7, 3.92, (3.83, 3.83, 4.0, 4.0)),
    },
}


def figures(f) -> tuple:
    return (f.participants, f.completed, f.completion_rate, f.with_scores, f.average_pre,
            f.average_post, f.average_gain, f.evaluations, f.response_rate, f.mean_rating,
            f.ratings)


# --- the dataset ---------------------------------------------------------------------------------

def _courses() -> dict[str, Course]:
    quiz = QUIZ_MD.replace("shuffle: true\n", "")
    etika = pretest_course(COURSE_MD.replace("title: Pelayanan Publik", "title: Etika ASN"))
    etika.slug = "etika-asn"
    etika.files["05-ujian.md"] = quiz.replace("title: Kuis", "title: Ujian").encode()
    etika.files["06-lama.md"] = quiz.replace("title: Kuis", "title: Lama").encode()
    dasar = make_course({"course.md": COURSE_MD.replace("title: Pelayanan Publik",
                                                        "title: Etika Dasar")},
                        slug="etika-dasar")
    courses = {}
    for files in (pretest_course(), etika, dasar):
        courses[files.slug] = save_course(files).course
    db.session.flush()
    db.session.execute(sa.update(Module).where(Module.slug == "lama").values(
        retired_at=utc(2026, 6, 1)))
    return courses


def add_learner(nip: str, unit_id: int | None, course: Course, enrolled: datetime,
                completed: datetime | None, scores: dict, ratings: dict | None) -> None:
    """One participant straight into the tables, with exactly the given figures."""
    user = User(nip=nip, full_name=f"Peserta {nip[-4:]}", role="learner", unit_id=unit_id,
                password_hash="-")
    db.session.add(user)
    db.session.flush()
    db.session.add(Enrollment(user_id=user.id, course_id=course.id, enrolled_at=enrolled))
    modules = {m.slug: m.id for m in course.modules}
    for slug, score in scores.items():
        db.session.add(ModuleProgress(user_id=user.id, module_id=modules[slug],
                                      best_score=float(score), completed_at=enrolled))
    if completed is not None:
        db.session.add(CourseCompletion(user_id=user.id, course_id=course.id, course_version=1,
                                        jp=course.jp, completed_at=completed))
    if ratings is not None:
        db.session.add(CourseEvaluation(
            user_id=user.id, course_id=course.id,
            ratings=[EvaluationRating(question_key=k, rating=v) for k, v in ratings.items()]))
    db.session.flush()


def build(app) -> dict[str, Course]:
    with app.app_context():
        units = {code: upsert_unit(code, name).id for code, name in UNITS.items()}
        courses = _courses()
        for number, (unit, slug, enrolled, completed, scores, ratings) in enumerate(
                PEOPLE.values()):
            add_learner(f"19850101201001{number:04d}", units.get(unit), courses[slug],
                        enrolled, completed, scores, ratings)
        db.session.commit()
        return {slug: c.id for slug, c in courses.items()}


@pytest.fixture
def dataset(app):
    return build(app)


def report(app, period: Period):
    with app.app_context():
        return evaluation_report(period, app.config["EVALUATION_QUESTIONS"], TZ)


# --- the service ---------------------------------------------------------------------------------

@pytest.mark.parametrize("period", [Q4, YEAR], ids=["quarter", "year"])
def test_every_figure_per_course_per_unit_and_in_total(app, dataset, period):
    result = report(app, period)
    expected = EXPECTED[period]
    assert [c.title for c in result.courses] == list(expected["courses"])
    assert {c.title: figures(c) for c in result.courses} == expected["courses"]
    assert [c.slug for c in result.courses] == ["etika-asn", "etika-dasar", "pelayanan-publik"]
    # Units by name, people without a unit last; DISHUB has no participants.
    assert [u.code for u in result.units] == ["BKPSDM", "DISKOMINFO", None]
    assert {u.code: figures(u) for u in result.units} == expected["units"]
    assert result.units[-1].name is None
    assert figures(result.total) == expected["total"]
    assert [q.key for q in result.questions] == list(KEYS)


def test_an_empty_period_has_a_zero_total_and_no_rows(app, dataset):
    result = report(app, Period(2024, 2))
    assert result.courses == [] and result.units == []
    assert figures(result.total) == (0, 0, None, 0, None, None, None, 0, None, None,
                                     (None,) * 4)


def test_the_questions_are_the_installations_set_in_its_order(app, dataset):
    class Q:
        def __init__(self, key):
            self.key = key

        def text(self, locale):
            return self.key

    with app.app_context():
        result = evaluation_report(Q4, (Q("overall"), Q("old_question"), Q("unknown")), TZ)
    assert result.total.ratings == (4.25, 1.0, None)
    assert result.total.mean_rating == 2.62  # (4.25 + 1) / 2


@pytest.mark.parametrize(("period", "start", "end"), [
    (Period(2026, 1), utc(2025, 12, 31, 17), utc(2026, 3, 31, 17)),
    (Period(2026, 3), utc(2026, 6, 30, 17), utc(2026, 9, 30, 17)),
    (Period(2026, 4), utc(2026, 9, 30, 17), utc(2026, 12, 31, 17)),
    (Period(2026), utc(2025, 12, 31, 17), utc(2026, 12, 31, 17)),
])
def test_period_bounds_are_local_calendar_quarters(period, start, end):
    assert period.bounds(TZ) == (start, end)


@pytest.mark.parametrize(("values", "period"), [
    ({"year": "2026", "quarter": "4"}, Period(2026, 4)),
    ({"year": " 2025 ", "quarter": "q1"}, Period(2025, 1)),
    ({"year": "2026", "quarter": ""}, Period(2026)),
    ({"year": "2026"}, Period(2026)),
])
def test_parse_the_period(app, values, period):
    assert parse_evaluation_filters(values, TZ) == period


@pytest.mark.parametrize(("values", "field", "text"), [
    ({"year": "99999"}, "year", "--year: '99999' is not a year from 1900 to 2999."),
    ({"year": "abc"}, "year", "--year: 'abc' is not a year from 1900 to 2999."),
    ({"year": "2026", "quarter": "5"}, "quarter",
     "--quarter: '5' is not a quarter: use 1, 2, 3 or 4, or leave it empty for the whole year."),
])
def test_a_bad_period_names_its_input(values, field, text):
    with pytest.raises(ReportError) as caught:
        parse_evaluation_filters(values, TZ)
    assert caught.value.field == field and caught.value.text() == text


def _more_learners(app, courses: dict[str, int], count: int) -> None:
    with app.app_context():
        unit = upsert_unit("DISKOMINFO", UNITS["DISKOMINFO"]).id
        course = db.session.get(Course, courses["pelayanan-publik"])
        for i in range(count):
            add_learner(f"19900101201501{i:04d}", unit if i % 2 else None, course,
                        utc(2026, 11, 1), utc(2026, 11, 2), {"pretes": 10, "kuis": 90},
                        dict.fromkeys(KEYS, 5))
        db.session.commit()


def test_the_statements_do_not_grow_with_the_learners(app, dataset):
    with recorded_sql(app) as before:
        report(app, Q4)
    _more_learners(app, dataset, 30)
    with recorded_sql(app) as after:
        result = report(app, Q4)
    assert len(before.reads) == len(after.reads) == 3, before
    assert len(after) == len(before)
    assert result.total.participants == 38


# --- the chart -----------------------------------------------------------------------------------

def test_the_rating_chart_draws_a_bar_per_course(app, dataset):
    import xml.etree.ElementTree as ET

    svg = chart.course_rating_svg(report(app, Q4).courses)
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("aria-labelledby") == "rating-chart-title rating-chart-desc"
    assert [t.text for t in root.iter(ns + "text")] == [
        "Etika ASN", "4.25", "Etika Dasar", "3.75", "Pelayanan Publik", "4.25"]
    assert "Etika Dasar: 3.75 dari 5" in root.find(ns + "desc").text
    widths = [float(r.get("width")) for r in root.iter(ns + "rect") if r.get("fill") == "#0b5d3b"]
    assert widths == [pytest.approx(290 * 4.25 / 5, abs=0.1), pytest.approx(290 * 0.75, abs=0.1),
                      pytest.approx(290 * 4.25 / 5, abs=0.1)]
    nobody = replace(report(app, Q4).courses[0], title="Tanpa Evaluasi", mean_rating=None)
    empty = ET.fromstring(chart.course_rating_svg([nobody]))  # noqa: S314
    assert [t.text for t in empty.iter(ns + "text")] == ["Tanpa Evaluasi", "belum ada evaluasi"]
    assert list(empty.iter(ns + "rect")) == []


# --- the page and the downloads ------------------------------------------------------------------

def cells(html: str, first: str) -> list[str]:
    """The texts of the cells after the first of the table row starting with ``first``."""
    row = re.search(rf"<tr><t[dh][^>]*>{re.escape(first)}(?:<br>[^<]*<small[^>]*>[^<]*</small>)?"
                    r"</t[dh]>(.*?)</tr>", html, re.S)
    assert row, first
    return [unescape(c) for c in re.findall(r"<td>(.*?)</td>", row.group(1))]


def speak(client, locale: str) -> None:
    page = client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": locale, "next": "/",
                                   "csrf_token": csrf_token(page)})


def errors(html: str) -> list[str]:
    return [unescape(e) for e in re.findall(r'<ul class="errors" id="[^"]+"><li>(.*?)</li>', html)]


@pytest.fixture
def admin(app, client, auth, make_user, dataset):
    auth.login(make_user("admin").nip)
    return client


def test_the_page_shows_every_table_the_chart_and_the_downloads(admin):
    response = admin.get("/admin/reports/evaluation?year=2026&quarter=4")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The page speaks Indonesian (the default language): decimal commas.
    assert cells(html, "Pelayanan Publik") == [
        "4", "3", "75%", "3", "50", "83,3", "33,3", "2", "66,7%", "4,25",
        "4,50", "4,00", "4,00", "4,50"]
    assert cells(html, "Etika Dasar")[4:7] == ["—", "—", "—"]
    assert cells(html, "DISKOMINFO") == [
        "4", "4", "100%", "3", "50", "85", "35", "4", "100%", "4,31",
        "4,50", "4,25", "4,25", "4,25"]
    assert cells(html, "BKPSDM")[7:] == ["0", "0%", "—", "—", "—", "—", "—"]
    assert cells(html, "(tanpa unit)")[:3] == ["2", "1", "50%"]
    totals = re.findall(r'<tfoot><tr><th scope="row">[^<]+</th>(.*?)</tr></tfoot>', html, re.S)
    assert len(totals) == 2 and totals[0] == totals[1]
    assert re.findall(r"<td>(.*?)</td>", totals[0])[:3] == ["8", "6", "75%"]
    assert "DISHUB" not in html
    figure = html[html.index('<figure class="chart">'):html.index("</figure>")]
    assert 'class="rating-chart"' in figure and "<script" not in figure
    for question in QUESTION_TEXTS:
        assert f'<th scope="col">{question}</th>' in html
    for link in ("evaluation.xlsx?year=2026&amp;quarter=4",
                 "evaluation.csv?year=2026&amp;quarter=4&amp;delimiter=semicolon"):
        assert f'href="/admin/reports/{link}"' in html
    assert '<option value="4" selected>' in html


def test_the_page_defaults_to_this_year_and_has_an_empty_state(admin):
    speak(admin, "en")
    year = this_year(TZ)
    html = admin.get("/admin/reports/evaluation?year=2024").get_data(as_text=True)
    assert "Nobody enrolled in a course in this period." in html
    assert "<table" not in html and "<svg" not in html
    response = admin.get("/admin/reports/evaluation")
    assert response.status_code == 200
    assert f'name="year" type="number" min="1900" max="2999" value="{year}"' in \
        response.get_data(as_text=True)


def test_the_reports_page_links_to_it(admin):
    html = admin.get("/admin/reports").get_data(as_text=True)
    assert 'href="/admin/reports/evaluation"' in html


@pytest.mark.parametrize("url", ["/admin/reports/evaluation", "/admin/reports/evaluation.csv",
                                 "/admin/reports/evaluation.xlsx"])
@pytest.mark.parametrize(("locale", "query", "field", "message"), [
    ("id", {"year": "99999"}, "year", "Tahun: '99999' bukan tahun antara 1900 dan 2999."),
    ("id", {"year": "abc", "quarter": "2"}, "year",
     "Tahun: 'abc' bukan tahun antara 1900 dan 2999."),
    ("en", {"year": "2026", "quarter": "5"}, "quarter",
     "Quarter: '5' is not a quarter: use 1, 2, 3 or 4, or leave it empty for the whole year."),
])
def test_a_bad_filter_shows_its_message_at_the_field(admin, url, locale, query, field, message):
    speak(admin, locale)
    response = admin.get(url, query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert errors(html) == [message]
    assert f'aria-describedby="{field}-err"' in html
    assert "<table" not in html
    if query.get("quarter") == "2":  # what was chosen stays chosen
        assert '<option value="2" selected>' in html


@pytest.mark.parametrize("role", ["learner", "instructor"])
@pytest.mark.parametrize("url", ["/admin/reports/evaluation?year=2026",
                                 "/admin/reports/evaluation.csv?year=2026",
                                 "/admin/reports/evaluation.xlsx?year=2026"])
def test_only_admins_see_it(client, auth, make_user, dataset, role, url):
    auth.login(make_user(role).nip)
    assert client.get(url).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/admin/reports/evaluation")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _expected_rows(period: Period, name: str) -> list[list]:
    """The export's rows, as figures: courses, units, total."""
    expected = EXPECTED[period]

    def row(section, code, label, f):
        (participants, completed, rate, both, pre, post, gain, evaluations, response, mean,
         ratings) = f
        return [name, section, code, label, participants, completed, rate, both, pre, post,
                gain, evaluations, response, mean, *ratings]

    slugs = {"Etika ASN": "etika-asn", "Etika Dasar": "etika-dasar",
             "Pelayanan Publik": "pelayanan-publik"}
    return ([row("Kursus", slugs[t], t, f) for t, f in expected["courses"].items()]
            + [row("Unit Kerja", c, UNITS.get(c, "Tanpa unit kerja"), f)
               for c, f in expected["units"].items()]
            + [row("Total", None, "Semua peserta", expected["total"])])


def _as_csv(rows: list[list]) -> list[list[str]]:
    return [["" if v is None else str(v) for v in r] for r in rows]


def test_csv_download(admin):
    response = admin.get("/admin/reports/evaluation.csv?year=2026&quarter=4")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="evaluasi-2026-q4-' in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*EXPORT_HEADER, *QUESTION_TEXTS]
    assert rows[1:] == _as_csv(_expected_rows(Q4, "Triwulan IV 2026"))


def test_csv_with_semicolons_and_decimal_commas(admin):
    data = admin.get("/admin/reports/evaluation.csv?year=2026&quarter=4&delimiter=semicolon"
                     ).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=";"))
    assert rows[-1][:8] == ["Triwulan IV 2026", "Total", "", "Semua peserta", "8", "6",
                            "75,0", "5"]
    assert rows[-1][12] == "83,3"


def test_xlsx_download(admin):
    response = admin.get("/admin/reports/evaluation.xlsx?year=2026")
    assert response.status_code == 200
    assert "filename=evaluasi-2026-2" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    response.close()  # removes the temporary file
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*EXPORT_HEADER, *QUESTION_TEXTS]
    assert rows[1:] == _expected_rows(YEAR, "Tahun 2026")


# --- the command line ----------------------------------------------------------------------------

@pytest.fixture
def runner(app, english_cli):
    return app.test_cli_runner()


def invoke(runner, *args):
    return runner.invoke(args=["reports", "evaluation", *args])


def test_cli_writes_csv_and_xlsx(app, runner, dataset, tmp_path):
    out = tmp_path / "evaluasi.csv"
    result = invoke(runner, "--year", "2026", "--quarter", "4", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 7 rows to {out}."
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[1:] == _as_csv(_expected_rows(Q4, "Triwulan IV 2026"))

    out = tmp_path / "evaluasi.xlsx"  # the format follows the file name ...
    result = invoke(runner, "--year", "2026", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = [list(r) for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert rows == _expected_rows(YEAR, "Tahun 2026")

    out = tmp_path / "laporan.dat"  # ... unless --format says otherwise
    result = invoke(runner, "--year", "2026", "--quarter", "Q4", "--format", "xlsx",
                    "--output", str(out))
    assert result.exit_code == 0, result.output
    assert load_workbook(io.BytesIO(out.read_bytes())).active.cell(2, 1).value == \
        "Triwulan IV 2026"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "evaluasi.csv", "evaluasi.xlsx", "laporan.dat"]


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "99999"], "Error: --year: '99999' is not a year from 1900 to 2999."),
    (["--year", "abc"], "Error: --year: 'abc' is not a year from 1900 to 2999."),
    (["--year", "2026", "--quarter", "5"],
     "Error: --quarter: '5' is not a quarter: use 1, 2, 3 or 4, or leave it empty for the "
     "whole year."),
])
def test_cli_refuses_bad_input_and_writes_nothing(app, runner, dataset, tmp_path, args,
                                                  message):
    out = tmp_path / "evaluasi.csv"
    out.write_text("lama")
    result = invoke(runner, *args, "--output", str(out))
    assert result.exit_code == 1
    assert result.output.strip() == message
    assert out.read_text() == "lama" and list(tmp_path.iterdir()) == [out]


def test_cli_delimiter_is_for_csv_only(app, runner, dataset, tmp_path):
    result = invoke(runner, "--year", "2026", "--format", "xlsx", "--delimiter", ";",
                    "--output", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert "--delimiter applies to --format csv only." in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_needs_the_year(app, runner, tmp_path):
    result = invoke(runner, "--output", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "--year" in result.output
    assert list(tmp_path.iterdir()) == []
