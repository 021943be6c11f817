"""Report figures on a known dataset: the completion list, its filters, per course/unit, JP.

The dataset (``dataset`` fixture, also used by test_exports.py and test_chart.py), with
dates in UTC and what they are in Asia/Jakarta (UTC+7):

=========  ==========  =====================  ===============================================
learner    unit        course                 state
=========  ==========  =====================  ===============================================
Andi       DISKOMINFO  Pelayanan Publik (2)   completed 2025-12-31 17:30Z = 2026-01-01 00:30,
                                              quiz 100, certificate reissued
Andi       DISKOMINFO  Etika ASN (3)          completed 2026-03-10 (quiz 100)
Budi       DISKOMINFO  Pelayanan Publik       completed 2026-01-15 23:59:59 local, quiz 80,
                                              certificate revoked
Budi       DISKOMINFO  Etika ASN              lesson 1 of 3 done, enrolled 2026-04-01
=HYPERL..  BKPSDM      Pelayanan Publik       opened only, enrolled 2026-06-01 00:00 local
Dedi       BKPSDM      Etika ASN              quiz failed at 40, enrolled 2025-12-01 local
Eka        (none)      Etika ASN              completed 2026-02-20 (quiz 100)
Gita       DISHUB      -                      admin, active, no enrolment
Fajar      DISHUB      -                      inactive
=========  ==========  =====================  ===============================================
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from elearn.certificates.issue import reissue, revoke
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import completion, progress, quiz
from elearn.models import Certificate, Course, CourseCompletion, Enrollment, Module, User
from elearn.people.services import PersonData, create_user, upsert_unit
from elearn.reporting import jp, queries
from elearn.reporting.filters import CompletionFilters

from ..certificates.conftest import certificate_settings, complete_course
from ..content.helpers import COURSE_MD, LESSON_MD, make_course

WIB = ZoneInfo("Asia/Jakarta")
PATTERN = "{seq:04d}/ELN/{year}"

ANDI, BUDI, FORMULA, DEDI, EKA = (
    "199204112019031005", "199001012015012003", "198807152012011001",
    "199512302020121002", "199308082018032001")
GITA, FAJAR = "198003152005011002", "197001012000031001"
FORMULA_NAME = '=HYPERLINK("http://x","y")'

UNITS = {"DISKOMINFO": "Dinas Komunikasi dan Informatika",
         "BKPSDM": "Badan Kepegawaian dan Pengembangan SDM",
         "DISHUB": "Dinas Perhubungan"}
PEOPLE = [
    # nip, name, unit, position, grade, role, active
    (ANDI, "Andi Pratama Lubis", "DISKOMINFO", "Pranata Komputer", "III/a", "learner", True),
    (BUDI, "Budi Santoso", "DISKOMINFO", "Analis Kebijakan", "III/b", "learner", True),
    (FORMULA, FORMULA_NAME, "BKPSDM", "+Pengelola Data", "II/c", "learner", True),
    (DEDI, "Dedi Hasibuan", "BKPSDM", "-Staf", "II/a", "learner", True),
    (EKA, "Eka Siregar", None, "@Sekretariat", "III/c", "learner", True),
    (GITA, "Gita Admin", "DISHUB", "Kepala Bidang", "IV/a", "admin", True),
    (FAJAR, "Fajar Nasution", "DISHUB", "Staf", "III/d", "learner", False),
]

ETIKA_MD = COURSE_MD.replace("title: Pelayanan Publik", "title: Etika ASN").replace(
    "jp: 2", "jp: 3")
CLOSING_MD = LESSON_MD.replace("title: Pengantar", "title: Penutup").replace(
    "Lihat [kuis](02-kuis.md).", "Selesai.")

# The sample quiz has four questions worth 1, 2, 1 and 1 points (5 in all).


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def take_quiz(user: User, course: Course, right: set[int]) -> None:
    """Submit one attempt answering questions whose index is in ``right`` correctly."""
    module = next(m for m in progress.published_modules(course) if m.kind == "quiz")
    module.require_lessons = False  # the dataset's quizzes open at once, like a pre-test
    attempt = quiz.start_attempt(user, course, module, certificates=certificate_settings())
    answers = {}
    for index, q in enumerate(module.quiz["questions"]):
        good = index in right
        if q["kind"] == "short_answer":
            answers[q["key"]] = q["answers"][0] if good else "salah"
        elif good:
            answers[q["key"]] = [o["key"] for o in q["options"] if o["correct"]]
        else:
            answers[q["key"]] = [o["key"] for o in q["options"] if not o["correct"]][:1]
    quiz.submit_attempt(user, course, module, attempt, answers,
                        certificates=certificate_settings())


def _lesson(course: Course, position: int) -> Module:
    return next(m for m in progress.published_modules(course) if m.position == position)


def _set_dates(user_id: int, course_id: int, enrolled: datetime,
               completed: datetime | None = None) -> None:
    db.session.execute(sa.update(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id).values(
        enrolled_at=enrolled))
    if completed is not None:
        db.session.execute(sa.update(CourseCompletion).where(
            CourseCompletion.user_id == user_id, CourseCompletion.course_id == course_id).values(
            completed_at=completed))


@pytest.fixture
def dataset(app, monkeypatch):
    return build_dataset(app, monkeypatch)


def build_dataset(app, monkeypatch) -> dict:
    """Build the dataset above through the real services; returns ids and numbers."""
    # Nobody signs in here: a cheap password hash keeps the many setups quick.
    monkeypatch.setattr("elearn.models.people.generate_password_hash",
                        lambda password, method=None: generate_password_hash(
                            password, method="pbkdf2:sha256:1"))
    with app.app_context():
        for code, name in UNITS.items():
            upsert_unit(code, name)
        users = {}
        for nip, name, unit, position, grade, role, active in PEOPLE:
            user = create_user(PersonData(nip=nip, full_name=name, unit_code=unit,
                                          position=position, grade=grade, role=role),
                               "Tugas-Belajar-2026", must_change_password=False)
            user.active = active
            users[nip] = user
        pelayanan = save_course(make_course()).course
        etika = save_course(make_course({"course.md": ETIKA_MD, "03-penutup.md": CLOSING_MD},
                                        slug="etika-asn")).course
        db.session.commit()
        ids = {nip: u.id for nip, u in users.items()}

        complete_course(ids[ANDI], pelayanan.id)
        complete_course(ids[ANDI], etika.id)
        budi = users[BUDI]
        completion.mark_completed(budi, pelayanan, _lesson(pelayanan, 1),
                                  certificates=certificate_settings())
        take_quiz(budi, pelayanan, right={1, 2, 3})  # 4 of 5 points: 80, passed
        completion.mark_completed(budi, etika, _lesson(etika, 1),
                                  certificates=certificate_settings())
        progress.open_module(users[FORMULA], _lesson(pelayanan, 1),
                             progress.enrol(users[FORMULA], pelayanan), None)
        take_quiz(users[DEDI], etika, right={1})  # 2 of 5 points: 40, failed
        complete_course(ids[EKA], etika.id)
        db.session.commit()

        _set_dates(ids[ANDI], pelayanan.id, utc(2025, 12, 20, 3), utc(2025, 12, 31, 17, 30))
        _set_dates(ids[ANDI], etika.id, utc(2026, 2, 1, 2), utc(2026, 3, 10, 4))
        _set_dates(ids[BUDI], pelayanan.id, utc(2026, 1, 5, 1), utc(2026, 1, 15, 16, 59, 59))
        _set_dates(ids[BUDI], etika.id, utc(2026, 4, 1))
        _set_dates(ids[FORMULA], pelayanan.id, utc(2026, 5, 31, 17))
        _set_dates(ids[DEDI], etika.id, utc(2025, 11, 30, 18))
        _set_dates(ids[EKA], etika.id, utc(2026, 2, 10), utc(2026, 2, 20, 5))

        admin = users[GITA]
        cert = db.session.scalar(sa.select(Certificate).where(
            Certificate.user_id == ids[ANDI], Certificate.course_id == pelayanan.id))
        reissue(cert, admin, "Nama diperbaiki", pattern=PATTERN, tz="Asia/Jakarta")
        cert = db.session.scalar(sa.select(Certificate).where(
            Certificate.user_id == ids[BUDI], Certificate.course_id == pelayanan.id))
        revoke(cert, admin, "Kecurangan", "dishonesty")
        db.session.commit()

        numbers = {}
        for c in db.session.scalars(sa.select(Certificate).where(
                Certificate.status != "replaced")):
            numbers[(c.nip, c.course_id)] = c.number
        replaced = db.session.scalar(sa.select(Certificate.number).where(
            Certificate.status == "replaced"))
        return {"ids": ids, "pelayanan": pelayanan.id, "etika": etika.id, "numbers": numbers,
                "replaced": replaced}


def number(data, nip: str, course: str) -> str:
    return data["numbers"][(nip, data[course])]


def keys(rows) -> set[tuple[str, str]]:
    return {(r.nip, r.course_slug) for r in rows}


def rows_for(filters: CompletionFilters | None = None) -> list[queries.CompletionRow]:
    return list(queries.completion_rows(filters))


# --- the completion list ---------------------------------------------------------------------

def test_completion_rows_give_every_enrolment_with_its_facts(app, dataset):
    with app.app_context():
        rows = {(r.nip, r.course_slug): r for r in rows_for()}
    assert len(rows) == 7
    a = rows[(ANDI, "pelayanan-publik")]
    assert a == queries.CompletionRow(
        nip=ANDI, name="Andi Pratama Lubis", unit_name=UNITS["DISKOMINFO"],
        position="Pranata Komputer", grade="III/a", course_title="Pelayanan Publik", jp=2,
        status="selesai", progress=100, best_score=100.0,
        enrolled_at=local(2025, 12, 20, 10), completed_at=local(2026, 1, 1, 0, 30),
        certificate_number=number(dataset, ANDI, "pelayanan"), certificate_status="valid",
        course_slug="pelayanan-publik", unit_code="DISKOMINFO")
    # Times are local (Asia/Jakarta), aware.
    assert a.completed_at.utcoffset().total_seconds() == 7 * 3600
    # The reissued certificate's number, not the replaced one.
    assert a.certificate_number != dataset["replaced"]

    summary = {k: (r.status, r.progress, r.best_score, r.jp, r.certificate_number)
               for k, r in rows.items()}
    assert summary == {
        (ANDI, "pelayanan-publik"): ("selesai", 100, 100.0, 2,
                                     number(dataset, ANDI, "pelayanan")),
        (ANDI, "etika-asn"): ("selesai", 100, 100.0, 3, number(dataset, ANDI, "etika")),
        (BUDI, "pelayanan-publik"): ("selesai", 100, 80.0, 2, number(dataset, BUDI, "pelayanan")),
        (BUDI, "etika-asn"): ("sedang berjalan", 33, None, 3, None),
        (FORMULA, "pelayanan-publik"): ("sedang berjalan", 0, None, 2, None),
        (DEDI, "etika-asn"): ("sedang berjalan", 0, 40.0, 3, None),
        (EKA, "etika-asn"): ("selesai", 100, 100.0, 3, number(dataset, EKA, "etika")),
    }
    budi = rows[(BUDI, "pelayanan-publik")]
    assert budi.certificate_status == "revoked"
    assert budi.completed_at == local(2026, 1, 15, 23, 59, 59)
    eka = rows[(EKA, "etika-asn")]
    assert (eka.unit_name, eka.unit_code, eka.position) == (None, None, "@Sekretariat")
    assert rows[(FORMULA, "pelayanan-publik")].name == FORMULA_NAME


def test_completion_rows_are_ordered_by_unit_then_name_with_no_unit_last(app, dataset):
    with app.app_context():
        order = [(r.nip, r.course_title) for r in rows_for()]
    units = [UNITS["BKPSDM"]] * 2 + [UNITS["DISKOMINFO"]] * 4 + [None]
    with app.app_context():
        assert [r.unit_name for r in rows_for()] == units
    assert order[2:] == [(ANDI, "Etika ASN"), (ANDI, "Pelayanan Publik"), (BUDI, "Etika ASN"),
                         (BUDI, "Pelayanan Publik"), (EKA, "Etika ASN")]


def test_completion_rows_stream_from_one_query(app, dataset):
    """No query per row: the whole list is one statement, read in batches."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        rows = queries.completion_rows(CompletionFilters())
        assert iter(rows) is rows  # a generator, not a list
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert len(list(rows)) == 7
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert "GROUP BY" in statements[0]


@pytest.mark.parametrize(("filters", "expected"), [
    (CompletionFilters(course="etika-asn"),
     {(ANDI, "etika-asn"), (BUDI, "etika-asn"), (DEDI, "etika-asn"), (EKA, "etika-asn")}),
    (CompletionFilters(unit="DISKOMINFO"),
     {(ANDI, "etika-asn"), (ANDI, "pelayanan-publik"), (BUDI, "etika-asn"),
      (BUDI, "pelayanan-publik")}),
    (CompletionFilters(unit="diskominfo"),  # codes are upper case; typed case does not matter
     {(ANDI, "etika-asn"), (ANDI, "pelayanan-publik"), (BUDI, "etika-asn"),
      (BUDI, "pelayanan-publik")}),
    (CompletionFilters(unit="DISHUB"), set()),
    (CompletionFilters(status="completed"),
     {(ANDI, "etika-asn"), (ANDI, "pelayanan-publik"), (BUDI, "pelayanan-publik"),
      (EKA, "etika-asn")}),
    (CompletionFilters(status="selesai"),
     {(ANDI, "etika-asn"), (ANDI, "pelayanan-publik"), (BUDI, "pelayanan-publik"),
      (EKA, "etika-asn")}),
    (CompletionFilters(status="in_progress"),
     {(BUDI, "etika-asn"), (FORMULA, "pelayanan-publik"), (DEDI, "etika-asn")}),
    (CompletionFilters(status="sedang berjalan"),
     {(BUDI, "etika-asn"), (FORMULA, "pelayanan-publik"), (DEDI, "etika-asn")}),
    # Completion date for completed rows, in local time: Andi's 2025-12-31 17:30 UTC
    # completion is 1 January in Jakarta; Budi's 23:59:59 on the 15th is still the 15th.
    (CompletionFilters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 15)),
     {(ANDI, "pelayanan-publik"), (BUDI, "pelayanan-publik")}),
    (CompletionFilters(date_from=date(2026, 1, 2), date_to=date(2026, 1, 14)), set()),
    # Enrolment date for the others: Dedi enrolled on 1 December (local); Andi enrolled in
    # December too but completed in January, so his row is dated January.
    (CompletionFilters(date_to=date(2025, 12, 31)), {(DEDI, "etika-asn")}),
    (CompletionFilters(date_from=date(2026, 6, 1)), {(FORMULA, "pelayanan-publik")}),
    (CompletionFilters(date_from=date(2026, 5, 31), date_to=date(2026, 5, 31)), set()),
    (CompletionFilters(date_from=date(2026, 3, 10), date_to=date(2026, 4, 1)),
     {(ANDI, "etika-asn"), (BUDI, "etika-asn")}),
    (CompletionFilters(course="pelayanan-publik", unit="DISKOMINFO", status="completed",
                       date_from=date(2026, 1, 10)),
     {(BUDI, "pelayanan-publik")}),
    (CompletionFilters(course="tidak-ada"), set()),
])
def test_each_filter_selects_its_rows(app, dataset, filters, expected):
    with app.app_context():
        assert keys(rows_for(filters)) == expected


def test_a_different_time_zone_moves_the_day_boundaries(app, dataset):
    with app.app_context():
        rows = list(queries.completion_rows(CompletionFilters(date_to=date(2025, 12, 31)),
                                            tz="UTC"))
    assert keys(rows) == {(ANDI, "pelayanan-publik"), (DEDI, "etika-asn")}
    andi = next(r for r in rows if r.nip == ANDI)
    assert andi.completed_at == utc(2025, 12, 31, 17, 30)


def test_progress_counts_only_published_modules(app, dataset):
    with app.app_context():
        closing = db.session.scalar(sa.select(Module).where(
            Module.course_id == dataset["etika"], Module.slug == "penutup"))
        closing.status = "draft"
        db.session.commit()
        rows = {(r.nip, r.course_slug): r for r in rows_for(CompletionFilters(course="etika-asn"))}
    assert rows[(BUDI, "etika-asn")].progress == 50  # 1 of the 2 published modules


# --- per course and per unit -----------------------------------------------------------------

def figures(row) -> tuple:
    return (row.enrolled, row.in_progress, row.completed, row.completion_rate, row.average_score)


def test_course_report(app, dataset):
    with app.app_context():
        rows = queries.course_report()
    assert [(r.slug, r.title, r.jp, r.course_status) for r in rows] == [
        ("etika-asn", "Etika ASN", 3, "published"),
        ("pelayanan-publik", "Pelayanan Publik", 2, "published")]
    # Etika: Andi, Budi, Dedi, Eka enrolled; Andi and Eka completed; scores 100, 40, 100.
    assert figures(rows[0]) == (4, 2, 2, 50.0, 80.0)
    # Pelayanan: Andi, Budi, =HYPERLINK enrolled; two completed; scores 100 and 80.
    assert figures(rows[1]) == (3, 1, 2, 66.7, 90.0)


def test_course_report_for_a_year_counts_rows_dated_in_it(app, dataset):
    with app.app_context():
        rows_2025 = {r.slug: figures(r) for r in queries.course_report(2025)}
        rows_2026 = {r.slug: figures(r) for r in queries.course_report(2026)}
    assert rows_2025 == {"etika-asn": (1, 1, 0, 0.0, 40.0),
                         "pelayanan-publik": (0, 0, 0, 0.0, None)}
    assert rows_2026 == {"etika-asn": (3, 1, 2, 66.7, 100.0),
                         "pelayanan-publik": (3, 1, 2, 66.7, 90.0)}


def test_unit_report(app, dataset):
    with app.app_context():
        rows = queries.unit_report()
    assert [(r.code, r.name) for r in rows] == [
        ("BKPSDM", UNITS["BKPSDM"]), ("DISKOMINFO", UNITS["DISKOMINFO"]),
        ("DISHUB", UNITS["DISHUB"]), (None, None)]
    assert [figures(r) for r in rows] == [
        (2, 2, 0, 0.0, 40.0),       # =HYPERLINK (no score) and Dedi (40)
        (4, 1, 3, 75.0, 93.3),      # Andi twice (100, 100), Budi (80 and no score)
        (0, 0, 0, 0.0, None),       # nobody enrolled
        (1, 0, 1, 100.0, 100.0),    # Eka, without a unit
    ]


def test_unit_report_for_a_year_uses_local_dates(app, dataset):
    with app.app_context():
        by_year = {year: {r.code: figures(r) for r in queries.unit_report(year)}
                   for year in (2025, 2026)}
    # Andi's completion at 2025-12-31 17:30 UTC belongs to 2026 in Jakarta.
    assert by_year[2025] == {"BKPSDM": (1, 1, 0, 0.0, 40.0), "DISKOMINFO": (0, 0, 0, 0.0, None),
                             "DISHUB": (0, 0, 0, 0.0, None)}
    assert by_year[2026] == {"BKPSDM": (1, 1, 0, 0.0, None),
                             "DISKOMINFO": (4, 1, 3, 75.0, 93.3),
                             "DISHUB": (0, 0, 0, 0.0, None), None: (1, 0, 1, 100.0, 100.0)}


def test_figures_match_the_completion_list(app, dataset):
    """The per unit figures count exactly the rows of the list with the same filters."""
    with app.app_context():
        for unit in queries.unit_report(2026):
            if unit.code is None:
                continue
            rows = rows_for(CompletionFilters(unit=unit.code, date_from=date(2026, 1, 1),
                                              date_to=date(2026, 12, 31)))
            assert unit.enrolled == len(rows)
            assert unit.completed == sum(r.status == "selesai" for r in rows)


def test_reports_without_any_data(app):
    with app.app_context():
        assert queries.course_report() == []
        assert queries.unit_report() == []
        assert list(queries.completion_rows()) == []
        assert list(jp.jp_report(2026)) == []


# --- yearly JP -------------------------------------------------------------------------------

def test_jp_report_sums_the_year_in_local_time(app, dataset):
    with app.app_context():
        rows = list(jp.jp_report(2026, "Asia/Jakarta", target=4))
        last_year = {r.nip: r.jp for r in jp.jp_report(2025, "Asia/Jakarta")}
        in_utc = {r.nip: r.jp for r in jp.jp_report(2025, "UTC")}
    assert {r.nip: (r.jp, r.target, r.meets_target) for r in rows} == {
        # Budi completed Pelayanan Publik (2 JP) but its certificate was revoked: no JP.
        ANDI: (5, 4, True), BUDI: (0, 4, False), FORMULA: (0, 4, False), DEDI: (0, 4, False),
        EKA: (3, 4, False), GITA: (0, 4, False)}  # Fajar is inactive: not listed
    assert [r.unit_code for r in rows] == ["BKPSDM", "BKPSDM", "DISKOMINFO", "DISKOMINFO",
                                           "DISHUB", None]
    andi = next(r for r in rows if r.nip == ANDI)
    assert (andi.name, andi.unit_name, andi.position, andi.grade) == (
        "Andi Pratama Lubis", UNITS["DISKOMINFO"], "Pranata Komputer", "III/a")
    assert set(last_year.values()) == {0}  # Andi's first completion is 2026 in Jakarta
    assert in_utc[ANDI] == 2  # ... but 2025 in UTC


def test_jp_report_filters(app, dataset):
    with app.app_context():
        below = [r.nip for r in jp.jp_report(2026, below_target_only=True, target=4)]
        unit = [r.nip for r in jp.jp_report(2026, unit_code="DISKOMINFO", target=4)]
        both = [r.nip for r in jp.jp_report(2026, below_target_only=True,
                                                 unit_code="DISKOMINFO", target=4)]
        default = {r.nip: r.meets_target for r in jp.jp_report(2026)}
    assert sorted(below) == sorted([BUDI, FORMULA, DEDI, EKA, GITA])
    assert unit == [ANDI, BUDI]
    assert both == [BUDI]
    assert not any(default.values())  # nobody reaches the default 20 JP


def test_jp_report_is_one_query(app, dataset):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert len(list(jp.jp_report(2026))) == 6
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
