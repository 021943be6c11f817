"""A lesson shows where it sits in the course: module N of M, every module a tap away,
the completed ones marked."""

import re

from .conftest import SLUG


def _outline(html: str) -> str:
    return re.search(r'<details class="outline">(.*?)</details>', html, re.S).group(1)


def test_a_lesson_outlines_the_course_with_links_and_completed_marks(app, course, learner):
    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.complete("pengantar")
    outline = _outline(learner.client.get(f"/courses/{SLUG}/standar").get_data(as_text=True))
    assert "Modul 2 dari 3" in outline
    assert f'href="/courses/{SLUG}/pengantar"' in outline
    assert f'href="/courses/{SLUG}/kuis"' in outline
    assert '<strong aria-current="page">Standar</strong>' in outline
    done = re.findall(r'<li>(.*?)</li>', outline, re.S)
    assert "✔" in done[0] and "✔" not in done[1] and "✔" not in done[2]


def test_the_light_outline_agrees_with_the_mapped_modules(app, course, learner):
    """course_view's light form (the course and module pages) lists the same modules,
    in the same order, with the same rule for learners, as the mapped form the other
    views read: also with a retired and a draft module, and the same progress."""
    import sqlalchemy as sa

    from elearn.extensions import db
    from elearn.learning import course_view, progress
    from elearn.models import Course, Module, User
    from elearn.models.people import utcnow

    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.complete("pengantar")
    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == SLUG))
        modules = {m.slug: m for m in db.session.scalars(
            sa.select(Module).where(Module.course_id == course_id))}
        modules["standar"].status = "draft"
        modules["kuis"].retired_at = utcnow()
        db.session.commit()
        user = db.session.scalar(sa.select(User).where(User.role == "learner"))
        light = course_view.load_course_view(user, SLUG, light=True)
        db.session.expunge_all()
        mapped = course_view.load_course_view(user, SLUG)
        assert [m.id for m in light.outline] == [m.id for m in mapped.course.modules]
        assert ([m.id for m in light.outline if m.for_learners]
                == [m.id for m in progress.published_modules(mapped.course)] == [
                    modules["pengantar"].id])
        assert ([m.id for m in light.outline if m.retired_at is None]
                == [m.id for m in mapped.course.active_modules])
        assert {i: s.completed_at is not None for i, s in light.states.items()} == {
            i: r.completed_at is not None for i, r in mapped.progress.items()}
        assert light.states[modules["pengantar"].id].completed_at is not None
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert f'href="/courses/{SLUG}/pengantar"' in page
    assert f'href="/courses/{SLUG}/standar"' not in page and f'/courses/{SLUG}/kuis"' not in page
