"""Catalog cards and course-outline lines stored once (elearn.fragments): a stored
part must never show what is no longer true, nor one person's state to another, nor
one language's words in the other."""

import re

import sqlalchemy as sa

from elearn import fragments
from elearn.extensions import db
from elearn.models import Course

from ..conftest import AuthActions
from .conftest import SLUG, Learner


def _outline(html: str) -> list[str]:
    items = html[html.index('<ol class="modules">'):html.index("</ol>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
            for item in items.split("<li>")[1:]]


def _cards(html: str) -> list[str]:
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)


def test_parts_are_stored_and_reused(app, course, learner):
    """The premise: a second view of each page renders no card or outline line again."""
    fragments._store.clear()
    learner.client.get("/courses")
    learner.client.get(f"/courses/{SLUG}")
    stored = dict(fragments._store)
    assert {key[0] for key in stored} >= {"learn/_catalog_card.html", "learn/_outline_item.html"}
    learner.client.get("/courses")
    learner.client.get(f"/courses/{SLUG}")
    assert fragments._store == stored


def test_a_module_completed_shows_at_once_and_only_for_its_learner(app, course, learner,
                                                                  make_user):
    other = Learner(app.test_client())
    AuthActions(other.client).login(make_user("learner", nip="199001012020121002").nip)
    for person in (learner, other):
        person.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    before = _outline(learner.client.get(f"/courses/{SLUG}").get_data(as_text=True))
    assert before[0] == "Pengantar Materi · 10 menit · belum dimulai"
    learner.complete("pengantar")
    mine = _outline(learner.client.get(f"/courses/{SLUG}").get_data(as_text=True))
    theirs = _outline(other.client.get(f"/courses/{SLUG}").get_data(as_text=True))
    assert mine[0].endswith("selesai") and not theirs[0].endswith("selesai")
    assert mine[1:] == before[1:]


def test_a_course_retitled_is_listed_with_its_new_title(app, course, learner):
    assert _cards(learner.client.get("/courses").get_data(as_text=True)) == ["Pelayanan Publik"]
    with app.app_context():
        db.session.execute(sa.update(Course).where(Course.slug == SLUG)
                           .values(title="Pelayanan Publik Prima"))
        db.session.commit()
    assert _cards(learner.client.get("/courses").get_data(as_text=True)) == [
        "Pelayanan Publik Prima"]


def test_each_language_gets_its_own_parts(app, course, learner):
    indonesian = learner.client.get("/courses").get_data(as_text=True)
    learner.post("/language", {"locale": "en", "next": "/courses"}, page="/courses")
    english = learner.client.get("/courses").get_data(as_text=True)
    assert "3 modul" in indonesian and "3 modules" in english
    outline = _outline(learner.client.get(f"/courses/{SLUG}").get_data(as_text=True))
    assert outline[0].endswith("not started")


def test_a_stored_card_equals_the_card_rendered_afresh(app, course, learner):
    fragments._store.clear()
    stored = learner.client.get("/courses").get_data(as_text=True)
    fragments._store.clear()
    app.jinja_env.auto_reload = True  # nothing kept: every part rendered in full
    try:
        fresh = learner.client.get("/courses").get_data(as_text=True)
    finally:
        app.jinja_env.auto_reload = False
    assert not fragments._store
    strip = re.compile(r'value="[^"]*"')  # the CSRF tokens differ
    assert strip.sub("", stored) == strip.sub("", fresh)


def test_the_store_keeps_at_most_its_size(app, course, learner, monkeypatch):
    monkeypatch.setattr(fragments, "CACHE_SIZE", 2)
    fragments._store.clear()
    learner.client.get(f"/courses/{SLUG}")  # three modules: three lines
    assert len(fragments._store) == 2


def test_a_dashboard_card_follows_the_learners_progress(app, course, learner):
    """The stored "in progress" card of a course changes as soon as a module is done."""
    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.client.get(f"/courses/{SLUG}/pengantar")

    def card() -> str:
        html = learner.client.get("/").get_data(as_text=True)
        section = html[html.index('id="progress-h"'):html.index('id="done-h"')]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()

    first = card()
    assert "0 dari 3 modul" in first and card() == first  # stored, then reused
    assert any(key[0] == "main/_progress_card.html" for key in fragments._store)
    learner.complete("pengantar")
    assert "1 dari 3 modul" in card()


def test_a_completed_card_follows_its_certificate_and_belongs_to_its_holder(app, course,
                                                                           learner, client,
                                                                           make_user):
    """The stored "completed" card carries the holder's certificate: revoked, it says so
    at once; another learner who completed the same course sees their own certificate."""
    from elearn.certificates.issue import revoke
    from elearn.models import Certificate, User

    learner.finish()

    def card(who) -> str:
        html = who.get("/").get_data(as_text=True)
        return html[html.index('id="done-h"'):]

    first = card(learner.client)
    assert "/certificates/" in first and card(learner.client) == first
    assert any(key[0] == "main/_completed_card.html" for key in fragments._store)
    other_client = app.test_client()
    other = make_user("learner", nip="199001012020121099")
    AuthActions(other_client).login(other.nip)
    from .conftest import Learner

    Learner(other_client).finish()
    with app.app_context():
        codes = {user.nip: code for user, code in db.session.execute(
            sa.select(User, Certificate.code).join(Certificate, Certificate.user_id == User.id))}
    assert codes[other.nip] in card(other_client) and codes[other.nip] not in first
    assert codes[learner.account.nip] in first
    with app.app_context():
        cert = db.session.scalar(sa.select(Certificate).where(
            Certificate.code == codes[learner.account.nip]))
        admin = db.session.scalar(sa.select(User).where(User.role == "admin")) or cert.user
        revoke(cert, admin, "Data jabatan salah", "requirements_not_met")
        db.session.commit()
    assert "tidak berlaku lagi" in card(learner.client)
    assert "tidak berlaku lagi" not in card(other_client)


def test_a_module_pages_list_marks_its_module_and_follows_completion(app, course, learner,
                                                                      make_user):
    """The module list of a module page is stored once per list, current module and
    completed set: each page marks its own module, a completion is ticked at once
    and only for the learner who completed it."""
    other = Learner(app.test_client())
    AuthActions(other.client).login(make_user("learner", nip="199001012020121003").nip)
    for person in (learner, other):
        person.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")

    def items(who, slug: str) -> list[str]:
        html = who.client.get(f"/courses/{SLUG}/{slug}").get_data(as_text=True)
        listed = html[html.index('<ol class="modules">'):html.index("</ol>")]
        return re.findall(r"<li>(.*?)</li>", listed, re.S)

    first = items(learner, "pengantar")
    assert 'aria-current="page">Pengantar' in first[0] and "✔" not in first[0]
    assert items(learner, "pengantar") == first
    assert any(key[0] == "learn/_module_outline.html" for key in fragments._store)
    second = items(learner, "standar")
    assert 'aria-current="page"' not in second[0] and 'aria-current="page"' in second[1]
    learner.complete("pengantar")
    assert "✔" in items(learner, "standar")[0]
    assert "✔" not in items(other, "standar")[0]
