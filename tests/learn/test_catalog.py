"""The catalog, restricted courses and assignments on the dashboard."""

from datetime import date, timedelta

import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Assignment, Course, Unit, User

from ..content.helpers import COURSE_MD, make_course


def _course(slug, title, competency="teknis", restricted=False, status="published"):
    md = COURSE_MD.replace("title: Pelayanan Publik", f"title: {title}").replace(
        "competency: teknis", f"competency: {competency}")
    if restricted:
        md = md.replace("jp: 2", "jp: 2\nrestricted: true")
    result = save_course(make_course({"course.md": md}, slug=slug), status=status)
    return result.course


def _assign(course, *, unit=None, user=None, due=None):
    db.session.add(Assignment(course_id=course.id, unit_id=unit.id if unit else None,
                              user_id=user.id if user else None, due_date=due))


def test_catalog_lists_published_courses_with_their_facts(app, learner):
    with app.app_context():
        _course("etika", "Etika ASN")
        _course("draf", "Kursus Draf", status="draft")
        db.session.commit()
    html = learner.client.get("/courses").get_data(as_text=True)
    assert "Etika ASN" in html and "Kursus Draf" not in html
    assert "2 JP" in html and "2 modul" in html and "sekitar 15 menit" in html
    assert "1 kursus" in html


def test_catalog_filters_by_competency_and_searches_titles(app, learner):
    with app.app_context():
        _course("etika", "Etika ASN", "sosial-kultural")
        _course("proyek", "Manajemen Proyek", "manajerial")
        _course("digital", "Literasi Digital", "teknis")
        db.session.commit()
    html = learner.client.get("/courses?competency=manajerial").get_data(as_text=True)
    assert "Manajemen Proyek" in html and "Etika ASN" not in html
    html = learner.client.get("/courses?q=digital").get_data(as_text=True)
    assert "Literasi Digital" in html and "Manajemen Proyek" not in html
    html = learner.client.get("/courses?q=100%25").get_data(as_text=True)
    assert "Tidak ada kursus yang cocok" in html
    # LIKE's wildcards and the escape character itself are searched as typed.
    for typed in ("%25", "_", "%2F", "%2F%25", "%5C", "%5C%25"):
        html = learner.client.get(f"/courses?q={typed}").get_data(as_text=True)
        assert "Tidak ada kursus yang cocok" in html, typed


def test_catalog_is_paginated(app, learner):
    with app.app_context():
        for i in range(30):
            _course(f"kursus-{i:02d}", f"Kursus {i:02d}")
        db.session.commit()
    first = learner.client.get("/courses").get_data(as_text=True)
    assert "Kursus 00" in first and "Kursus 29" not in first and "Halaman 1 dari 2" in first
    assert "Kursus 29" in learner.client.get("/courses?page=2").get_data(as_text=True)


def test_every_page_of_the_catalog_knows_the_count_and_a_page_past_the_end_still_does(
        app, learner):
    """The page query carries the count of every match in its rows; a page past the
    last one (no row to carry it) counts on its own, and the first page of a search
    that finds nothing is 0 without a count."""
    from elearn.learning.catalog import catalog_page

    with app.app_context():
        for i in range(30):
            _course(f"kursus-{i:02d}", f"Kursus {i:02d}", "manajerial" if i % 3 else "teknis")
        db.session.commit()
        user = db.session.scalar(sa.select(User).where(User.role == "learner"))
        for kwargs, total, items in (({}, 30, 25), ({"page": 2}, 30, 5), ({"page": 3}, 30, 0),
                                     ({"competency": "teknis"}, 10, 10),
                                     ({"q": "kursus 1"}, 10, 10), ({"q": "tidak ada"}, 0, 0),
                                     ({"q": "tidak ada", "page": 4}, 0, 0)):
            result = catalog_page(user, per_page=25, **kwargs)
            assert (result.total, len(result.items)) == (total, items), kwargs
        entry = catalog_page(user, per_page=25).items[0]
        assert (entry.course.slug, entry.course.title, entry.modules, entry.minutes) == (
            "kursus-00", "Kursus 00", 2, 15)


def test_restricted_course_is_shown_only_to_those_assigned(app, learner, make_user, auth):
    with app.app_context():
        restricted = _course("wajib", "Kursus Wajib", restricted=True)
        db.session.commit()
    assert "Kursus Wajib" not in learner.client.get("/courses").get_data(as_text=True)
    assert learner.client.get("/courses/wajib").status_code == 404
    assert learner.client.get("/courses/wajib/pengantar").status_code == 404
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKOMINFO"))
        _assign(db.session.merge(restricted), unit=unit)
        db.session.commit()
    assert "Kursus Wajib" in learner.client.get("/courses").get_data(as_text=True)
    assert learner.client.get("/courses/wajib/pengantar").status_code == 200


def test_a_person_can_be_assigned_individually(app, learner):
    with app.app_context():
        course = _course("wajib", "Kursus Wajib", restricted=True)
        _assign(course, user=db.session.get(User, learner.account.id))
        db.session.commit()
    assert learner.client.get("/courses/wajib").status_code == 200


def test_assigned_courses_show_on_the_dashboard_with_due_dates(app, learner):
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "DISKOMINFO"))
        late = _course("terlambat", "Kursus Terlambat", restricted=True)
        soon = _course("segera", "Kursus Segera")
        _assign(late, unit=unit, due=date.today() - timedelta(days=3))
        _assign(soon, user=db.session.get(User, learner.account.id),
                due=date.today() + timedelta(days=30))
        db.session.commit()
    html = learner.client.get("/").get_data(as_text=True)
    assigned = html.split('id="assigned-h"')[1].split("</section>")[0]
    assert assigned.index("Kursus Terlambat") < assigned.index("Kursus Segera")
    assert "Terlambat sejak" in assigned and 'class="card overdue"' in assigned
    assert "Batas waktu" in assigned


def test_draft_courses_are_invisible_to_learners(app, learner):
    with app.app_context():
        _course("draf", "Kursus Draf", status="draft")
        db.session.commit()
        assert db.session.scalar(sa.select(Course.status)) == "draft"
    assert learner.client.get("/courses/draf").status_code == 404
